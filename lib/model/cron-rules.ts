/**
 * Cron schedules as the CronJob controller reads them (robfig/cron's standard parser): five fields, minute
 * hour day-of-month month day-of-week, each `*`, `?` (day fields), a number, a range `a-b`, any of those
 * with a step `/n`, or a comma list of them; months and weekdays also by name (JAN, SUN); or one of the
 * macros. Checked here so that a schedule the API server would accept but never fire (`0 25 * * *` is
 * refused there too, `61 * * * *` as well) fails at its line instead of in the cluster.
 */

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly question?: boolean;
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], question: true },
];

/** What is wrong with `schedule`, or nothing. */
export function cronProblem(schedule: string): string | undefined {
  if (schedule.startsWith('@')) return MACROS.has(schedule) ? undefined : `"${schedule}" is not a macro the CronJob controller knows (${[...MACROS].join(', ')})`;
  if (/^(CRON_)?TZ=/.test(schedule)) return 'the time zone cannot be part of the schedule (Kubernetes refuses TZ= and CRON_TZ= since 1.25)';
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) return `"${schedule}" has ${parts.length} field(s); a schedule has five: minute hour day-of-month month day-of-week`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem) return `${FIELDS[i].name} "${parts[i]}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  for (const item of text.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one "/"';
    if (step !== undefined && !/^[0-9]+$/.test(step)) return `the step "${step}" is not a number`;
    if (step !== undefined && Number(step) === 0) return 'a step of 0 never fires';
    if (range === '*' || (range === '?' && field.question)) continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `"${range}" is not a number or a range`;
    const values = bounds.map((b) => value(b, field));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) return `"${bounds[i]}" is not a number${field.names ? ` or a name (${field.names[0]}-${field.names[field.names.length - 1]})` : ''}`;
      if (v < field.min || v > field.max) return `${bounds[i]} is outside ${field.min}-${field.max}`;
    }
    if (values.length === 2 && values[1]! < values[0]!) return `the range ${range} ends before it starts`;
  }
  return undefined;
}

function value(text: string, field: Field): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + (field.name === 'month' ? 1 : 0) : undefined;
}

/** Whether the runtime knows `zone` as an IANA time zone (the controller reads the same tz database). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
