/**
 * Proves that rendered manifests do what the intents say. The analyzer computes, from the manifests
 * alone, who can reach whom; this compares it with the expectation: every declared flow open on
 * exactly its ports, nothing else open between managed workloads, external egress exactly as
 * declared, and no connection across a guardrail.
 */
import { Connectivity, SourcedObject, analyze, explain, formatPolicyRef, formatPorts, isEmptyPorts, portsEqual, subtractPorts, PortMap, Protocol } from '../analysis';
import { formatLocation } from '../intent/diagnostics';
import { ClusterPlatform, Guardrail, Tenant, selectsTenant } from '../model/platform';
import { Expectation, describeFlow, expectedConnectivity, externalKey, pairKey } from './expected';

export interface Finding {
  readonly kind: 'missing' | 'unexpected' | 'guardrail' | 'workloads' | 'external';
  readonly message: string;
}

export interface GuardrailStatus {
  readonly guardrail: Guardrail;
  readonly holds: boolean;
  /** Connections that cross it. */
  readonly violations: string[];
}

export interface Verification {
  readonly cluster: string;
  readonly connectivity: Connectivity;
  readonly expectation: Expectation;
  readonly findings: Finding[];
  readonly guardrails: GuardrailStatus[];
}

export class VerificationError extends Error {
  constructor(public readonly results: Verification[]) {
    const lines = results
      .filter((r) => r.findings.length)
      .flatMap((r) => [
        `verification of cluster ${r.cluster} failed: the rendered manifests do not do what the intents say (${r.findings.length} finding(s))`,
        ...r.findings.map((f) => `  - ${f.message}`),
      ]);
    super(lines.join('\n'));
    this.name = 'VerificationError';
  }
}

export function verifyCluster(platform: ClusterPlatform, objects: readonly SourcedObject[]): Verification {
  const connectivity = analyze(objects);
  const expectation = expectedConnectivity(platform);
  const findings: Finding[] = [];
  const why = (from: string, to: string, ports: PortMap) => culprit(objects, from, to, ports);

  const found = new Set(connectivity.workloads.map((w) => w.id));
  for (const id of expectation.workloads.keys()) if (!found.has(id)) findings.push({ kind: 'workloads', message: `workload ${id} is declared but not rendered` });
  for (const id of found) if (!expectation.workloads.has(id)) findings.push({ kind: 'workloads', message: `workload ${id} is rendered but not declared` });

  const seen = new Set<string>();
  for (const c of connectivity.connections) {
    const key = pairKey(c.from, c.to);
    seen.add(key);
    const want = expectation.pairs.get(key);
    if (!want) {
      findings.push({ kind: 'unexpected', message: `${c.from} -> ${c.to}: no flow declares it, but it is open on ${formatPorts(c.ports)} (${why(c.from, c.to, c.ports)})` });
      continue;
    }
    if (portsEqual(want.ports, c.ports)) continue;
    const extra = subtractPorts(c.ports, want.ports);
    const missing = subtractPorts(want.ports, c.ports);
    const flows = want.flows.map((f) => `${describeFlow(f)} at ${formatLocation(f.origin)}`).join('; ');
    if (!isEmptyPorts(extra)) findings.push({ kind: 'unexpected', message: `${c.from} -> ${c.to}: expected ${formatPorts(want.ports)} (${flows}), but it is also open on ${formatPorts(extra)} (${why(c.from, c.to, extra)})` });
    if (!isEmptyPorts(missing)) findings.push({ kind: 'missing', message: `${c.from} -> ${c.to}: expected ${formatPorts(want.ports)} (${flows}), but it is blocked on ${formatPorts(missing)} (${why(c.from, c.to, missing)})` });
  }
  for (const [key, want] of expectation.pairs) {
    if (seen.has(key)) continue;
    const flows = want.flows.map((f) => `${describeFlow(f)} at ${formatLocation(f.origin)}`).join('; ');
    findings.push({ kind: 'missing', message: `${want.from} -> ${want.to}: expected ${formatPorts(want.ports)} (${flows}), but nothing is open (${why(want.from, want.to, want.ports)})` });
  }

  const externalSeen = new Set<string>();
  for (const x of connectivity.external) {
    if (x.direction === 'ingress') {
      findings.push({ kind: 'external', message: `${x.workload} accepts traffic from outside the cluster (${x.cidr}) on ${formatPorts(x.ports)}; no intent allows that` });
      continue;
    }
    const key = externalKey(x.workload, x.cidr, x.except);
    externalSeen.add(key);
    const want = expectation.external.get(key);
    if (!want || !portsEqual(want.ports, x.ports))
      findings.push({ kind: 'external', message: `${x.workload} -> ${x.cidr}${x.except.length ? ` except ${x.except.join(', ')}` : ''}: expected ${want ? formatPorts(want.ports) : 'nothing'}, found ${formatPorts(x.ports)}` });
  }
  for (const [key, want] of expectation.external)
    if (!externalSeen.has(key)) findings.push({ kind: 'external', message: `${want.workload} -> ${want.cidr}: expected ${formatPorts(want.ports)}, found nothing open` });

  const guardrails = checkGuardrails(platform, connectivity);
  for (const g of guardrails)
    for (const v of g.violations) findings.push({ kind: 'guardrail', message: `${v} crosses guardrail "${g.guardrail.name}" (${formatLocation(g.guardrail.origin)})` });

  return { cluster: platform.cluster.name, connectivity, expectation, findings, guardrails };
}

export function checkGuardrails(platform: ClusterPlatform, connectivity: Connectivity): GuardrailStatus[] {
  const tenants = new Map<string, Tenant>(platform.tenants.map((t) => [t.name, t]));
  const tenantOf = (id: string) => tenants.get(id.slice(0, id.indexOf('/')));
  return platform.guardrails.map((g) => {
    const violations: string[] = [];
    for (const c of connectivity.connections) {
      const src = tenantOf(c.from);
      const dst = tenantOf(c.to);
      if (!src || !dst) continue;
      const forward = selectsTenant(g.from, src) && selectsTenant(g.to, dst);
      const backward = g.bidirectional && selectsTenant(g.from, dst) && selectsTenant(g.to, src);
      if (forward || backward) violations.push(`${c.from} -> ${c.to} (${formatPorts(c.ports)})`);
    }
    return { guardrail: g, holds: violations.length === 0, violations };
  });
}

/** Names the rules that allow (or the policies that block) one port of `ports`, for the message. */
function culprit(objects: readonly SourcedObject[], from: string, to: string, ports: PortMap): string {
  const protocol = (Object.keys(ports) as Protocol[])[0];
  const port = protocol ? ports[protocol]![0][0] : 0;
  if (!protocol) return 'no port';
  const e = explain(objects, { from, to, port, protocol });
  if (e.allowed) {
    const rules = [...e.egress.allowedBy, ...e.ingress.allowedBy].map((r) => `${formatPolicyRef(r.policy)} rule ${r.ruleIndex}`);
    const open = [e.egress, e.ingress].filter((s) => !s.isolated).map((s) => `${s.workload} ${s.direction} not isolated`);
    return `allowed by ${[...rules, ...open].join(' and ')}`;
  }
  const blocked = [e.egress, e.ingress].filter((s) => !s.allowed).map((s) => `${s.direction} of ${s.workload}: isolated by ${s.isolatedBy.map(formatPolicyRef).join(', ')} with no rule for ${protocol} ${port}`);
  return blocked.join('; ');
}
