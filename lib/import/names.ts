/**
 * Names bulkhead accepts, and a deterministic mapping for those it does not. Kubernetes allows more than
 * bulkhead does (a Deployment name is a DNS-1123 subdomain: dots, a leading digit, up to 253 characters),
 * while a bulkhead workload names a Service and two policies (`<name>-ingress`), so it must be a DNS-1035
 * label of at most 55 characters. Every mapping is reported; nothing is renamed silently.
 */

export const WORKLOAD_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const WORKLOAD_NAME_MAX = 55;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;
/** IANA_SVC_NAME: at most 15 characters, lowercase letters, digits and single hyphens, at least one letter. */
export const PORT_NAME_MAX = 15;

export function isWorkloadName(name: string): boolean {
  return name.length <= WORKLOAD_NAME_MAX && WORKLOAD_NAME.test(name);
}

export function isDnsLabel(name: string): boolean {
  return name.length <= DNS_LABEL_MAX && DNS_LABEL.test(name);
}

export function isPortName(name: string): boolean {
  return name.length <= PORT_NAME_MAX && DNS_LABEL.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

interface NameRule {
  valid: (name: string) => boolean;
  max: number;
  /** Put in front of a name that does not start the way the rule wants (e.g. with a letter). */
  prefix: string;
}

const RULES = {
  workload: { valid: isWorkloadName, max: WORKLOAD_NAME_MAX, prefix: 'w-' },
  tenant: { valid: isDnsLabel, max: DNS_LABEL_MAX, prefix: 't-' },
  port: { valid: isPortName, max: PORT_NAME_MAX, prefix: 'p-' },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof RULES;

/** The closest valid name: lowercase, other characters to `-`, a prefix when needed, cut to length. */
function sanitize(name: string, rule: NameRule): string {
  let out = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  if (!rule.valid(trim(out, rule.max))) out = `${rule.prefix}${out}`;
  return trim(out, rule.max) || rule.prefix.replace(/-$/, '');
}

function trim(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/, '');
}

/**
 * Names for one scope (the tenants of a platform, the workloads of a tenant, the ports of a workload).
 * Valid names keep themselves; the others are sanitized and, on a collision, numbered (`-2`, `-3`, ...),
 * in the order given, so the same input always maps the same way. `reserved` names are never handed out.
 */
export function assignNames(wanted: readonly string[], kind: NameKind, reserved: ReadonlySet<string> = new Set()): string[] {
  const rule: NameRule = RULES[kind];
  const taken = new Set([...reserved, ...wanted.filter((n) => rule.valid(n))]);
  const claimed = new Set<string>();
  return wanted.map((name) => {
    if (rule.valid(name) && !claimed.has(name) && !reserved.has(name)) {
      claimed.add(name);
      return name;
    }
    const base = sanitize(name, rule);
    let candidate = base;
    for (let n = 2; taken.has(candidate) || claimed.has(candidate) || !rule.valid(candidate); n++) {
      const suffix = `-${n}`;
      candidate = `${trim(base, rule.max - suffix.length)}${suffix}`;
    }
    claimed.add(candidate);
    return candidate;
  });
}
