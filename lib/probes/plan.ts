/**
 * The probe plan of one cluster: which connections a probe pod tries on the live cluster, and what it
 * must find there. Computed from the resolved platform and what the intents promise (the same
 * expectation the verifier proves the manifests against), deterministically: representatives are the
 * first workloads by id, lists follow the canonical order of the platform.
 *
 * - every declared flow and port: from the first source workload to the first destination workload
 *   that exposes the port, expecting the TCP handshake;
 * - every guardrail, each direction it forbids: one pair across it, expecting a timeout;
 * - DNS from every tenant (its first workload resolves `kubernetes.default.svc.cluster.local`);
 * - every HTTP-restricted flow and port: a request its rules admit and one they do not (Cilium: 403);
 * - a small sample of pairs no flow declares (per tenant, one to another tenant and one inside it),
 *   expecting a timeout.
 *
 * What cannot be judged from inside the cluster, or not through a Service (UDP, port ranges beyond the
 * ports the Service exposes, egress to outside addresses, gateway routes, a Job or CronJob as destination:
 * its pods exist only while a run lasts, so nothing would answer), is listed as not probed with the
 * reason. A Job or CronJob is a source like any other: the probe pod stands in for its pods, which the
 * same policies select whether or not a run is under way. The plan holds at most `max` probes, by
 * priority: guardrails, DNS, HTTP, flows (taken round-robin over source tenants), the undeclared sample;
 * what is left out is counted per kind.
 */
import {
  ClusterPlatform,
  Flow,
  PortSelector,
  Workload,
  egressPorts,
  endpointResolver,
  formatEgressTarget,
  formatEndpoint,
  formatPortSelector,
  probeSettingsOf,
  tenantsSelected,
} from '../model/platform';
import { NotProbed, Probe, ProbeKind, ProbePlan, describeProbe, serviceHost } from '../model/probes';
import { runsContinuously } from '../model/workload-settings';
import { CLUSTER_DNS_ID } from '../verify/cluster-dns';
import { Expectation, describeFlow, httpPortKey, pairKey } from '../verify/expected';
import { admittedRequest, forbiddenRequest } from './http-requests';

/** The name DNS probes resolve: the API server's Service, present in every cluster. */
export const DNS_PROBE_NAME = 'kubernetes.default.svc.cluster.local';

export function planProbes(platform: ClusterPlatform, expectation: Expectation): ProbePlan {
  const settings = probeSettingsOf(platform.cluster);
  const members = endpointResolver(platform.tenants);
  const notProbed: NotProbed[] = [];
  const guardrails: Probe[] = [];
  const dns: Probe[] = [];
  const http: Probe[] = [];
  const flowsByTenant = new Map<string, Probe[]>();
  const declared = (from: string, to: string) => expectation.pairs.has(pairKey(from, to));

  for (const flow of platform.flows) {
    const sources = members(flow.from);
    const destinations = members(flow.to);
    for (const selector of flow.ports) {
      const what = `${formatEndpoint(flow.from)} -> ${formatEndpoint(flow.to)} ${formatPortSelector(selector)}`;
      const nonTcp = selector.kind === 'range' ? selector.protocol !== 'TCP' : destinations.some((d) => d.ports.some((p) => p.name === selector.name && p.protocol !== 'TCP'));
      if (nonTcp) {
        notProbed.push({ kind: 'flow', what, reason: 'not TCP: without a handshake, a dropped packet and a server that does not answer look the same' });
        continue;
      }
      const target = flowTarget(sources, destinations, selector);
      if (typeof target === 'string') {
        notProbed.push({ kind: 'flow', what, reason: target });
        continue;
      }
      for (const port of target.ports) {
        const probe = tcpProbe('flow', target.from, target.to, port, 'open', `flow ${describeFlow(flow)}`, flow);
        const tenant = target.from.tenant;
        flowsByTenant.set(tenant, [...(flowsByTenant.get(tenant) ?? []), probe]);
        if (flow.http && platform.cluster.cni === 'cilium') http.push(...httpProbes(flow, target.from, target.to, port, expectation, notProbed));
      }
      if (target.skipped.length)
        notProbed.push({ kind: 'flow', what, reason: `ports ${target.skipped.join(', ')} of the range are not exposed by ${target.to.id}'s Service (probes go through the Service); probed: ${target.ports.join(', ')}` });
    }
  }

  for (const g of platform.guardrails) {
    const from = tenantsSelected(g.from, platform.tenants);
    const to = tenantsSelected(g.to, platform.tenants);
    const directions: Array<[string[], string[], string]> = [[from, to, 'forward']];
    if (g.bidirectional) directions.push([to, from, 'reverse']);
    for (const [a, b, direction] of directions) {
      const source = platform.tenants.filter((t) => a.includes(t.name)).flatMap((t) => t.workloads)[0];
      const destination = platform.tenants.filter((t) => b.includes(t.name)).flatMap((t) => t.workloads).find((w) => w !== source && firstTcpPort(w) !== undefined);
      if (!source || !destination) {
        notProbed.push({ kind: 'guardrail', what: `guardrail ${g.name} (${direction})`, reason: source ? 'no workload on the other side exposes a TCP port to try' : 'no workload on the source side to run the probe as' });
        continue;
      }
      guardrails.push(tcpProbe('guardrail', source, destination, firstTcpPort(destination)!, 'blocked', `guardrail ${g.name}${direction === 'reverse' ? ' (reverse direction)' : ''}`, g));
    }
  }

  for (const t of platform.tenants) {
    const source = t.workloads[0];
    if (!source) {
      notProbed.push({ kind: 'dns', what: `DNS from tenant ${t.name}`, reason: 'the tenant has no workload to run the probe as' });
      continue;
    }
    dns.push({ kind: 'dns', from: source.id, to: CLUSTER_DNS_ID, host: DNS_PROBE_NAME, port: 53, protocol: 'UDP', expect: 'resolves', reason: `DNS from tenant ${t.name}`, origin: t.origin });
  }

  const undeclared = undeclaredSample(platform, declared);

  for (const e of platform.egress)
    notProbed.push({
      kind: 'egress',
      what: `${formatEndpoint(e.from)} -> ${formatEgressTarget(e.to)} ${egressPorts(e, platform.cluster).map(formatPortSelector).join(', ')}`,
      reason: 'outside the cluster: whether it answers is up to the outside, so a timeout would not tell a policy drop from an unreachable network',
    });
  for (const r of platform.routes)
    notProbed.push({ kind: 'route', what: `route ${r.tenant}/${r.name} (gateway ${r.gateway})`, reason: "traffic arrives through the gateway from outside the cluster; probes run inside it (the verifier checks the gateway's reach statically)" });

  const ordered = dedupe([...guardrails, ...dns, ...http, ...roundRobin([...flowsByTenant.keys()].sort().map((t) => flowsByTenant.get(t)!)), ...undeclared]);
  const leftOut: Partial<Record<ProbeKind, number>> = {};
  for (const p of ordered.slice(settings.max)) leftOut[p.kind] = (leftOut[p.kind] ?? 0) + 1;
  return { cluster: platform.cluster.name, enabled: settings.enabled, max: settings.max, probes: ordered.slice(0, settings.max), leftOut, notProbed };
}

function tcpProbe(kind: ProbeKind, from: Workload, to: Workload, port: number, expect: 'open' | 'blocked', reason: string, origin: { origin: Probe['origin'] }): Probe {
  return { kind, from: from.id, to: to.id, host: serviceHost(to.id), port, protocol: 'TCP', expect, reason, origin: origin.origin };
}

/** The port a blocked-probe tries on `w`: its first TCP port, if its pods run continuously (a Job's exist only during a run). */
const firstTcpPort = (w: Workload) => (runsContinuously(w.kind) ? w.ports.find((p) => p.protocol === 'TCP')?.port : undefined);

/**
 * Where a flow's port is probed: the first destination (by id) whose Service exposes it, from the first
 * source that is another workload. For a range, every port of the destination inside it is probed.
 */
function flowTarget(sources: Workload[], destinations: Workload[], selector: PortSelector): { from: Workload; to: Workload; ports: number[]; skipped: string[] } | string {
  for (const to of destinations.filter((d) => runsContinuously(d.kind))) {
    const from = sources.find((s) => s.id !== to.id);
    if (!from) continue;
    const exposed = to.ports.filter((p) => p.protocol === 'TCP');
    if (selector.kind === 'named') {
      const port = exposed.find((p) => p.name === selector.name);
      if (port) return { from, to, ports: [port.port], skipped: [] };
      continue;
    }
    const ports = exposed.filter((p) => p.port >= selector.from && p.port <= selector.to).map((p) => p.port);
    if (ports.length) return { from, to, ports, skipped: ports.length === selector.to - selector.from + 1 ? [] : [`${selector.from}-${selector.to} other than ${ports.join(', ')}`] };
  }
  if (!destinations.some((d) => sources.some((s) => s.id !== d.id))) return 'a workload to itself: traffic that never leaves the pod is not policed';
  if (!destinations.some((d) => runsContinuously(d.kind)))
    return `${destinations.map((d) => `${d.id} is a ${d.kind}`).join(', ')}: its pods exist only while a run lasts, so a probe would find nothing to answer`;
  return selector.kind === 'range'
    ? `no destination's Service exposes a TCP port in ${formatPortSelector(selector)} (probes go through the Service, which exposes the declared container ports only)`
    : `no destination declares ${selector.name} as a TCP port`;
}

/** The admitted and the forbidden request of one HTTP-restricted flow port (or why they cannot be probed). */
function httpProbes(flow: Flow, from: Workload, to: Workload, port: number, expectation: Expectation, notProbed: NotProbed[]): Probe[] {
  const what = `${from.id} -> ${to.id} TCP/${port} (HTTP rules of ${describeFlow(flow)})`;
  const rules = expectation.pairs.get(pairKey(from.id, to.id))?.http.get(httpPortKey('TCP', port));
  if (!rules) {
    notProbed.push({ kind: 'http', what, reason: 'another flow opens this port to the same pair without HTTP rules, so every request passes' });
    return [];
  }
  const authority = `${serviceHost(to.id)}:${port}`;
  const derived = flow.http!.map((r) => admittedRequest(r, authority));
  const admitted = derived.find((d): d is Extract<typeof d, { request: unknown }> => 'request' in d);
  if (!admitted) {
    notProbed.push({ kind: 'http', what, reason: derived.map((d) => ('reason' in d ? d.reason : '')).join('; ') });
    return [];
  }
  const base = { kind: 'http' as const, from: from.id, to: to.id, host: serviceHost(to.id), port, protocol: 'TCP' as const, origin: flow.origin };
  const probes: Probe[] = [{ ...base, expect: 'admitted', request: admitted.request, reason: `HTTP rules of flow ${describeFlow(flow)}: a request they admit` }];
  const forbidden = forbiddenRequest(rules, admitted.request, authority);
  if ('request' in forbidden) probes.push({ ...base, expect: 'forbidden', request: forbidden.request, reason: `HTTP rules of flow ${describeFlow(flow)}: a request they do not admit` });
  else notProbed.push({ kind: 'http', what: `${what}: a forbidden request`, reason: forbidden.reason });
  return probes;
}

/**
 * Pairs no flow declares, per tenant (in order): its first workload to the first workload of a following
 * tenant (cyclically) that exposes a TCP port, then the first such pair inside the tenant.
 */
function undeclaredSample(platform: ClusterPlatform, declared: (from: string, to: string) => boolean): Probe[] {
  const out: Probe[] = [];
  const tenants = platform.tenants.filter((t) => t.workloads.length);
  const reason = 'no flow declares it: default deny';
  tenants.forEach((t, i) => {
    const source = t.workloads[0];
    for (let k = 1; k < tenants.length; k++) {
      const to = tenants[(i + k) % tenants.length].workloads.find((w) => firstTcpPort(w) !== undefined && !declared(source.id, w.id));
      if (to) {
        out.push(tcpProbe('undeclared', source, to, firstTcpPort(to)!, 'blocked', reason, t));
        break;
      }
    }
    inside: for (const from of t.workloads)
      for (const to of t.workloads)
        if (from !== to && firstTcpPort(to) !== undefined && !declared(from.id, to.id)) {
          out.push(tcpProbe('undeclared', from, to, firstTcpPort(to)!, 'blocked', reason, t));
          break inside;
        }
  });
  return out;
}

/** The first of each list, then the second of each, and so on. */
function roundRobin<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

/**
 * The same check twice (two flows with the same representatives and port, a sampled pair that is also a
 * guardrail's) is probed once, for the reason of higher priority.
 */
function dedupe(probes: Probe[]): Probe[] {
  const seen = new Set<string>();
  return probes.filter((p) => {
    const key = `${describeProbe({ ...p, kind: 'flow' })} ${p.expect}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
