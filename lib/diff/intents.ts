/**
 * The intents side of a diff: each snapshot's platform.yaml, checked as synth checks it, for the guardrails
 * (added, removed, changed, and crossed by the head's connectivity) and for the flow or egress entry behind
 * each opened connection, with its position in the head's platform.yaml.
 */
import type { Connectivity, PortMap } from '../analysis';
import { intersectPorts, isEmptyPorts } from '../analysis';
import { IntentError, formatDiagnostic, formatLocation } from '../intent/diagnostics';
import { checkPlatform } from '../intent/check';
import { parseIntents } from '../intent/load';
import { ClusterPlatform, Guardrail, Platform, describeSelector, endpointResolver, forCluster } from '../model/platform';
import { Expectation, describeFlow, expectedConnectivity, pairKey } from '../verify/expected';
import { checkGuardrails } from '../verify/verify';
import type { Snapshot } from './snapshot';

export interface Intents {
  readonly platform?: Platform;
  /** Why there is no platform: missing, or it does not check (first lines of the error). */
  readonly problem?: string;
  /** The file does not exist on that side (as opposed to existing and not checking). */
  readonly missing?: boolean;
  /** The tenants: checked, or as written when the file parses but does not check (what guardrails select). */
  readonly tenants?: TenantView[];
}

/** A tenant as guardrails see it: name, namespace labels, workload names. */
export interface TenantView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly workloads: readonly string[];
}

export const tenantViews = (p: Platform): TenantView[] => p.tenants.map((t) => ({ name: t.name, labels: t.labels, workloads: t.workloads.map((w) => w.name) }));

export function loadIntents(s: Snapshot): Intents {
  const text = s.files.get(s.intentsPath);
  if (text === undefined) return { problem: `no ${s.intentsPath}`, missing: true };
  let loaded: ReturnType<typeof parseIntents> | undefined;
  try {
    loaded = parseIntents(s.intentsPath, text);
    const platform = checkPlatform(loaded.spec, loaded.source);
    return { platform, tenants: tenantViews(platform) };
  } catch (e) {
    if (e instanceof IntentError) {
      const first = e.diagnostics[0];
      const more = e.diagnostics.length > 1 ? ` (and ${e.diagnostics.length - 1} more)` : '';
      const written = loaded?.spec.tenants.map((t) => ({ name: t.name, labels: { ...(t.labels ?? {}) }, workloads: (t.workloads ?? []).map((w) => w.name) }));
      return { problem: `${s.intentsPath} does not check: ${first ? formatDiagnostic({ ...first, hint: undefined }) : e.message}${more}`, ...(written ? { tenants: written } : {}) };
    }
    throw e;
  }
}

export function clusterPlatform(platform: Platform | undefined, cluster: string): ClusterPlatform | undefined {
  const c = platform?.clusters.find((x) => x.name === cluster);
  return c && platform ? forCluster(platform, c) : undefined;
}

/** An intent named in a report: what it says and where (`platform.yaml:98:5`). */
export interface IntentRef {
  readonly intent: string;
  readonly at: string;
  readonly description?: string;
}

const expectations = new WeakMap<ClusterPlatform, Expectation>();

/** The flows of the head's intents that open `ports` (some of them) from `from` to `to`. */
export function flowsBehind(cp: ClusterPlatform | undefined, from: string, to: string, ports: PortMap): IntentRef[] {
  if (!cp) return [];
  let expectation = expectations.get(cp);
  if (!expectation) expectations.set(cp, (expectation = expectedConnectivity(cp)));
  const pair = expectation.pairs.get(pairKey(from, to));
  if (!pair) return [];
  return pair.flows
    .filter((f) => {
      // The pair's ports are the union of its flows'; keep the flows that open some of the ports in question.
      const own = pair.flows.length === 1 ? pair : expectedConnectivity({ ...cp, flows: [f], egress: [], routes: [] }).pairs.get(pairKey(from, to));
      return own !== undefined && !isEmptyPorts(intersectPorts(own.ports, ports));
    })
    .map((f) => ({ intent: `flow ${describeFlow(f)}`, at: formatLocation(f.origin), ...(f.description ? { description: f.description } : {}) }));
}

/** The egress entries of the head's intents behind external egress from `workload` to a target. */
export function egressBehind(cp: ClusterPlatform | undefined, workload: string, kind: string, value: string): IntentRef[] {
  if (!cp) return [];
  const members = endpointResolver(cp.tenants);
  return cp.egress
    .filter((e) => members(e.from).some((w) => w.id === workload))
    .filter((e) => (e.to.kind === 'cidr' ? kind === 'cidr' && e.to.cidr === value : e.to.kind === 'fqdn' ? kind === 'fqdn' && e.to.fqdn === value : kind === 'entity' && e.to.entity === value))
    .map((e) => ({
      intent: `egress ${e.from.workload ? `${e.from.tenant}/${e.from.workload}` : e.from.tenant} -> ${value}`,
      at: formatLocation(e.origin),
      ...(e.description ? { description: e.description } : {}),
    }));
}

/** The routes of the head's intents sending gateway traffic to `workload` on some of `ports`. */
export function routesBehind(cp: ClusterPlatform | undefined, workload: string, ports: PortMap): IntentRef[] {
  if (!cp) return [];
  const out: IntentRef[] = [];
  for (const r of cp.routes)
    for (const rule of r.rules)
      for (const b of rule.backends)
        // bulkhead's Services expose each container port under its own number, so the Service port is the target port.
        if (`${b.tenant}/${b.workload}` === workload && !isEmptyPorts(intersectPorts({ TCP: [[b.port, b.port]] }, ports)))
          out.push({ intent: `route ${r.tenant}/${r.name} (${r.gateway}, ${rule.path.value}) -> ${workload}:${b.port}`, at: formatLocation(b.origin) });
  return out;
}

export interface GuardrailInfo {
  readonly name: string;
  /** `tenant billing -> data-class=phi`, `<->` when bidirectional. */
  readonly rule: string;
  readonly control?: string;
  /** Position in the platform.yaml it comes from (the base's for removed guardrails). */
  readonly at: string;
}

export const guardrailInfo = (g: Guardrail): GuardrailInfo => ({
  name: g.name,
  rule: `${describeSelector(g.from) || 'every tenant'} ${g.bidirectional ? '<->' : '->'} ${describeSelector(g.to) || 'every tenant'}`,
  ...(g.control ? { control: g.control } : {}),
  at: formatLocation(g.origin),
});

/** What a guardrail forbids, for comparing base and head (name, description and control are not semantics). */
export const guardrailSemantics = (g: Guardrail): string =>
  JSON.stringify([g.from.tenant ?? null, Object.entries(g.from.labels ?? {}).sort(), g.to.tenant ?? null, Object.entries(g.to.labels ?? {}).sort(), g.bidirectional]);

/**
 * Connections of `conn` that cross guardrail `g` when judged with `cp`'s tenants (and their labels), as
 * `from -> to`, sorted.
 */
export function crossings(cp: ClusterPlatform, g: Guardrail, conn: Connectivity): string[] {
  const [status] = checkGuardrails({ ...cp, guardrails: [g] }, conn);
  return status.violations.sort();
}
