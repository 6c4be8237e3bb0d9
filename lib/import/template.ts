/** The pod template of every workload kind, and small readers for untyped manifest fields. */

/** Where each workload kind keeps its pod (the same table the analyzer reads workloads with). */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface PodTemplate {
  readonly labels: Record<string, unknown>;
  readonly spec: Record<string, unknown>;
}

export function podTemplate(object: Record<string, unknown>): PodTemplate {
  const path = TEMPLATE_PATHS[String(object.kind)] ?? ['spec', 'template'];
  const template = path.reduce<unknown>((cur, key) => (isRecord(cur) ? cur[key] : undefined), object);
  const metadata = isRecord(template) ? template.metadata : undefined;
  const spec = isRecord(template) ? template.spec : undefined;
  return { labels: isRecord(metadata) && isRecord(metadata.labels) ? metadata.labels : {}, spec: isRecord(spec) ? spec : {} };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
