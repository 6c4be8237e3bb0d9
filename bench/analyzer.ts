/**
 * Analyzer benchmark: synthetic platform shaped like compiled bulkhead output (a default-deny per namespace,
 * one ingress and one egress NetworkPolicy per workload with flows, peers selected by namespace name label +
 * workload label). Times `analyze` and `estimatePolicyMap` at N and 2N workloads (tenants and flows scaled
 * with them).
 *
 *   npx tsx bench/analyzer.ts [--workloads 5000 --tenants 500 --flows 20000 --runs 3] [--guardrail]
 *
 * `--guardrail` also times the N shape with a bidirectional guardrail: one CiliumClusterwideNetworkPolicy whose
 * egressDeny rules select whole namespaces (a third of them on each side), as bulkhead renders guardrails, and
 * the verifier's block check (`denyCoverage().deniesEverythingBetween`) both ways.
 */
import { analyze, denyCoverage, estimatePolicyMap, SourcedObject } from '../lib/analysis';
import { rng } from './generate';

interface Shape {
  workloads: number;
  tenants: number;
  flows: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}


const WL = 'bulkhead.dev/workload';

export function generate({ workloads, tenants, flows }: Shape, seed = 42): SourcedObject[] {
  const rand = rng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const objects: unknown[] = [];
  const wls: { ns: string; name: string; port: number }[] = [];
  for (let t = 0; t < tenants; t++) {
    const ns = `tenant-${t}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'bulkhead.dev/tenant': ns } } });
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
  for (let i = 0; i < workloads; i++) {
    // Names repeat across namespaces (every tenant has a w0): selection must not rely on unique names.
    const ns = `tenant-${i % tenants}`;
    const name = `w${Math.floor(i / tenants)}`;
    const port = 8000 + pick(100);
    wls.push({ ns, name, port });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: {
        selector: { matchLabels: { [WL]: name } },
        template: {
          metadata: { labels: { [WL]: name, 'bulkhead.dev/tenant': ns } },
          spec: { containers: [{ name: 'app', image: 'app', ports: [{ name: 'http', containerPort: port }] }] },
        },
      },
    });
  }
  const ingress = new Map<number, { from: number; port: number }[]>();
  const egress = new Map<number, { to: number; port: number }[]>();
  for (let f = 0; f < flows; f++) {
    const from = pick(workloads);
    let to = pick(workloads);
    if (to === from) to = (to + 1) % workloads;
    const port = wls[to].port;
    (ingress.get(to) ?? ingress.set(to, []).get(to)!).push({ from, port });
    (egress.get(from) ?? egress.set(from, []).get(from)!).push({ to, port });
  }
  const peer = (w: number) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': wls[w].ns } },
    podSelector: { matchLabels: { [WL]: wls[w].name } },
  });
  const policy = (w: number, suffix: string, spec: Record<string, unknown>) =>
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${wls[w].name}-${suffix}`, namespace: wls[w].ns },
      spec: { podSelector: { matchLabels: { [WL]: wls[w].name } }, ...spec },
    });
  for (const [w, list] of ingress) {
    policy(w, 'ingress', { policyTypes: ['Ingress'], ingress: list.map((x) => ({ from: [peer(x.from)], ports: [{ port: x.port }] })) });
  }
  for (const [w, list] of egress) {
    policy(w, 'egress', { policyTypes: ['Egress'], egress: list.map((x) => ({ to: [peer(x.to)], ports: [{ port: 'http' }] })) });
  }
  return objects.map((object, index) => ({ file: 'bench.yaml', index, object }));
}

interface Timing {
  ms: number;
  connections: number;
  objects: number;
  /** estimatePolicyMap after analyze on the same array (shared compile), and on a fresh array (alone). */
  mapMs: number;
  mapAloneMs: number;
  mapMax: number;
}

function time(shape: Shape, runs: number): Timing {
  const objects = generate(shape);
  const ms = (f: () => void): number => {
    const start = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  let best = Infinity;
  let mapBest = Infinity;
  let mapAlone = Infinity;
  let connections = 0;
  let mapMax = 0;
  for (let r = 0; r < runs; r++) {
    // A fresh array per run: the analyzer reuses its compiled inventory for the same array.
    const run = [...objects];
    best = Math.min(best, ms(() => (connections = analyze(run).connections.length)));
    mapBest = Math.min(mapBest, ms(() => (mapMax = Math.max(...estimatePolicyMap(run).map((e) => e.total)))));
    mapAlone = Math.min(mapAlone, ms(() => estimatePolicyMap([...objects])));
  }
  return { ms: best, connections, objects: objects.length, mapMs: mapBest, mapAloneMs: mapAlone, mapMax };
}

/** The N shape plus a guardrail between tenants t % 3 === 1 and t % 3 === 2 (deny rules on both sides). */
function timeGuardrail(shape: Shape, runs: number): string {
  const base = generate(shape);
  const side = (r: number) => Array.from({ length: shape.tenants }, (_, t) => `tenant-${t}`).filter((_, t) => t % 3 === r);
  const [a, b] = [side(1), side(2)];
  const inNs = (names: string[]) => ({ matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: names }] });
  const guardrail = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumClusterwideNetworkPolicy',
    metadata: { name: 'guardrail' },
    specs: [
      { endpointSelector: inNs(a), enableDefaultDeny: { ingress: false, egress: false }, egressDeny: [{ toEndpoints: [inNs(b)] }] },
      { endpointSelector: inNs(b), enableDefaultDeny: { ingress: false, egress: false }, egressDeny: [{ toEndpoints: [inNs(a)] }] },
    ],
  };
  const objects: SourcedObject[] = [...base, { file: 'bench.yaml', index: base.length, object: guardrail }];
  const ms = (f: () => void): number => {
    const start = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const ids = (names: string[]) =>
    base
      .map((o) => o.object as { kind: string; metadata: { name: string; namespace: string } })
      .filter((o) => o.kind === 'Deployment' && names.includes(o.metadata.namespace))
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  const [from, to] = [ids(a), ids(b)];
  let [analyzeMs, mapMs, blockMs, open] = [Infinity, Infinity, Infinity, 0];
  for (let r = 0; r < runs; r++) {
    const run = [...objects];
    analyzeMs = Math.min(analyzeMs, ms(() => analyze(run)));
    mapMs = Math.min(mapMs, ms(() => estimatePolicyMap(run)));
    blockMs = Math.min(
      blockMs,
      ms(() => {
        const denies = denyCoverage(run);
        open = denies.deniesEverythingBetween(from, to, 5).openCount + denies.deniesEverythingBetween(to, from, 5).openCount;
      }),
    );
  }
  return `N + guardrail (${from.length} x ${to.length} workloads): analyze ${analyzeMs.toFixed(0)} ms; estimatePolicyMap +${mapMs.toFixed(0)} ms; deny coverage both ways +${blockMs.toFixed(0)} ms (${open} open pairs)`;
}

function main(): void {
  const base: Shape = { workloads: option('workloads', 5000), tenants: option('tenants', 500), flows: option('flows', 20000) };
  const runs = option('runs', 3);
  const doubled: Shape = { workloads: base.workloads * 2, tenants: base.tenants * 2, flows: base.flows * 2 };
  const a = time(base, runs);
  const b = time(doubled, runs);
  const line = (s: Shape, r: typeof a) =>
    `${s.workloads} workloads, ${s.tenants} namespaces, ${s.flows} flows (${r.objects} objects, ${r.connections} connections): ${r.ms.toFixed(0)} ms`;
  const mapLine = (r: typeof a) =>
    `estimatePolicyMap +${r.mapMs.toFixed(0)} ms after analyze, ${r.mapAloneMs.toFixed(0)} ms alone (largest estimate ${r.mapMax} entries)`;
  console.log(`best of ${runs} runs`);
  console.log(`N : ${line(base, a)}; ${mapLine(a)}`);
  console.log(`2N: ${line(doubled, b)}; ${mapLine(b)}`);
  console.log(`ratio 2N/N: analyze ${(b.ms / a.ms).toFixed(2)}, estimatePolicyMap ${(b.mapMs / a.mapMs).toFixed(2)}`);
  if (process.argv.includes('--guardrail')) console.log(timeGuardrail(base, runs));
}

if (require.main === module) main();
