/**
 * The summary `bulkhead import` prints on standard error: what was imported, whether the proof holds (or
 * each difference), what bulkhead adds (DNS), what could not be expressed (by policy and rule), what
 * workload settings did not carry over, and which names were mapped.
 */
import type { PlatformSpec } from '../intent/types';
import type { ProofResult } from './proof';
import type { Finding, Note, Rename } from './remarks';

/** What the report reads of an import's result. */
export interface ReportInput {
  readonly spec: PlatformSpec;
  readonly proof: ProofResult;
  readonly skipped: ReadonlyArray<{ readonly namespace: string; readonly workloads: number }>;
  readonly findings: readonly Finding[];
  readonly notes: readonly Note[];
  readonly renames: readonly Rename[];
}

/** Lines listed per finding location before the rest is counted. */
const MAX_PER_PLACE = 8;

export function renderReport(r: ReportInput): string {
  const tenants = r.spec.tenants.length;
  const workloads = r.spec.tenants.reduce((n, t) => n + (t.workloads?.length ?? 0), 0);
  const lines = [
    `bulkhead import: ${plural(tenants, 'tenant')}, ${plural(workloads, 'workload')}, ${plural(r.spec.flows?.length ?? 0, 'flow')}, ${plural(r.spec.egress?.length ?? 0, 'egress entry', 'egress entries')}`,
  ];
  const p = r.proof;
  if (p.failure !== undefined) {
    lines.push('proof: FAILED, the written platform does not compile (a bug in bulkhead import; please report it):', ...indent(p.failure.split('\n')));
  } else if (p.equal) {
    lines.push(
      `proof: equal. The written platform compiles to the same connectivity: ${plural(p.connections, 'connection')} between workloads (protocol and port exact) and ${plural(p.egress, 'egress entry', 'egress entries')} to outside addresses.`,
    );
  } else {
    lines.push(`proof: DIFFERENT. ${plural(p.differences.length, 'difference')} between the original and the written platform:`, ...indent(p.differences.map((d) => `- ${d}`)));
  }
  lines.push('added: DNS (UDP and TCP 53) from every workload to kube-dns (kube-system, k8s-app=kube-dns): bulkhead always allows name resolution.');
  if (r.skipped.length) lines.push(`left out: ${r.skipped.map((s) => `namespace ${s.namespace} (${plural(s.workloads, 'workload')})`).join(', ')}: system namespaces are not tenants.`);
  if (r.findings.length) {
    lines.push(
      `not expressible (${plural(r.findings.length, 'finding')}, by policy and rule; the written platform does not allow it). bulkhead admits traffic from`,
      '  outside the cluster only through gateway routes (not imported), and none with pods outside the imported namespaces but DNS:',
    );
    for (const [where, whats] of byPlace(r.findings)) {
      if (whats.length === 1) {
        lines.push(`  ${where}: ${whats[0]}`);
        continue;
      }
      lines.push(`  ${where}:`);
      lines.push(...whats.slice(0, MAX_PER_PLACE).map((w) => `    - ${w}`));
      if (whats.length > MAX_PER_PLACE) lines.push(`    - and ${whats.length - MAX_PER_PLACE} more`);
    }
  }
  if (r.notes.length) {
    lines.push('not carried over (workload and Service settings platform.yaml has no place for):');
    lines.push(...r.notes.map((n) => `  - ${n.subject}: ${n.what}`));
  }
  if (r.renames.length) {
    lines.push('names mapped (bulkhead accepts DNS-1035 workload names of at most 55 characters, DNS-1123 tenant names, IANA port names):');
    lines.push(...r.renames.map((n) => `  - ${n.what}: ${n.from} -> ${n.to}`));
  }
  return `${lines.join('\n')}\n`;
}

function byPlace(findings: readonly Finding[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) out.set(f.where, [...(out.get(f.where) ?? []), f.what]);
  return out;
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => `  ${l}`);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
