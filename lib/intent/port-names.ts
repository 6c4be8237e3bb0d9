/**
 * Port names as Kubernetes validates them (apimachinery `IsValidPortName`, IANA_SVC_NAME, RFC 6335): at
 * most 15 characters, lowercase letters, digits and '-', at least one letter, no '--', starting and ending
 * with a letter or digit. A name of digits only is refused by the API server in a Service, and a named
 * port in a NetworkPolicy that is all digits reads as a quoted number. Flows that write a number in quotes
 * get told to drop them.
 */
import { RuleContext } from './rule-context';
import { PlatformSpec } from './types';

export const PORT_NAME_MAX = 15;

/** Why `name` is not an IANA_SVC_NAME, or undefined when it is one. */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > PORT_NAME_MAX) return `${name.length} characters, at most ${PORT_NAME_MAX}`;
  const bad = [...name].findIndex((ch) => !/[a-z0-9-]/.test(ch));
  if (bad >= 0) return `character ${bad + 1} (${JSON.stringify([...name][bad])}) is not a lowercase letter, digit or '-'`;
  if (!/[a-z]/.test(name)) return 'it has no letter (a name of digits only reads as a port number)';
  if (name.includes('--')) return "it contains '--'";
  if (name.startsWith('-') || name.endsWith('-')) return "it starts or ends with '-'";
  return undefined;
}

export function checkPortNames(spec: PlatformSpec, ctx: RuleContext): void {
  spec.tenants.forEach((t, ti) =>
    (t.workloads ?? []).forEach((w, wi) =>
      (w.ports ?? []).forEach((p, pi) => {
        const problem = portNameProblem(p.name);
        if (problem)
          ctx.fail(['tenants', ti, 'workloads', wi, 'ports', pi, 'name'], `port name ${JSON.stringify(p.name)} is not valid: ${problem}`, `name the port for what it serves, e.g. http, grpc or postgres (at most ${PORT_NAME_MAX} characters); the number goes in port.`);
      }),
    ),
  );
  (spec.flows ?? []).forEach((f, fi) =>
    f.ports.forEach((p, pi) => {
      if (typeof p === 'string' && /^[0-9]+$/.test(p))
        ctx.fail(['flows', fi, 'ports', pi], `"${p}" is a port number in quotes, which reads as a port name`, `write ${p} without quotes, or use the port's name.`);
    }),
  );
}
