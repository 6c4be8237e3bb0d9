/**
 * Deterministic synthetic platforms for benchmarks: the same size and seed always give the same spec.
 * Tenants carry a data class (public, financial, phi); one guardrail keeps financial away from phi,
 * and flows that would cross it are not generated. Each workload serves `http` and `metrics`.
 */
import { FlowSpec, PlatformSpec, TenantSpec } from '../lib/intent/types';

export interface PlatformSize {
  readonly tenants: number;
  readonly workloads: number;
  readonly flows: number;
}

export const SIZES: Record<string, PlatformSize> = {
  S: { tenants: 3, workloads: 10, flows: 12 },
  M: { tenants: 50, workloads: 500, flows: 2_000 },
  L: { tenants: 500, workloads: 5_000, flows: 20_000 },
  XL: { tenants: 2_000, workloads: 20_000, flows: 100_000 },
};

/** mulberry32: tiny, fast, and good enough to spread flows evenly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASSES = ['public', 'financial', 'phi'];

export function generatePlatform(size: PlatformSize, seed = 42): PlatformSpec {
  const random = rng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const tenants: TenantSpec[] = [];
  const ids: Array<{ tenant: number; ref: string }> = [];
  for (let t = 0; t < size.tenants; t++) {
    const name = `tenant-${String(t).padStart(4, '0')}`;
    const count = Math.floor(size.workloads / size.tenants) + (t < size.workloads % size.tenants ? 1 : 0);
    const workloads = [];
    for (let w = 0; w < count; w++) {
      const wname = `svc-${String(w).padStart(3, '0')}`;
      workloads.push({ name: wname, image: 'nginxinc/nginx-unprivileged:1.27-alpine', user: 101, writablePaths: ['/tmp'], ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] });
      ids.push({ tenant: t, ref: `${name}/${wname}` });
    }
    tenants.push({ name, labels: { 'data-class': CLASSES[t % CLASSES.length] }, workloads });
  }
  const crosses = (a: number, b: number) => new Set([CLASSES[a % 3], CLASSES[b % 3]]).size === 2 && [a, b].every((x) => CLASSES[x % 3] !== 'public');
  const flows: FlowSpec[] = [];
  const seen = new Set<string>();
  while (flows.length < size.flows) {
    // Most traffic stays near: within the tenant or to a neighbour, as in real platforms.
    const i = pick(ids.length);
    const from = ids[i];
    const near = random() < 0.7;
    const to = near ? ids[Math.min(ids.length - 1, Math.max(0, i + pick(21) - 10))] : ids[pick(ids.length)];
    if (from === to || crosses(from.tenant, to.tenant) || seen.has(`${from.ref}>${to.ref}`)) continue;
    seen.add(`${from.ref}>${to.ref}`);
    flows.push({ from: from.ref, to: to.ref, ports: [random() < 0.9 ? 'http' : 'metrics'] });
  }
  const egress = ids.filter((_, i) => i % 10 === 0).map((x, i) => ({ from: x.ref, cidr: `198.51.${i % 256}.0/24`, ports: [443] }));
  return {
    apiVersion: 'bulkhead.dev/v1alpha1',
    kind: 'Platform',
    metadata: { name: 'synthetic' },
    clusters: [{ name: 'bench', provider: 'kind' }],
    tenants,
    flows,
    egress,
    guardrails: [{ name: 'financial-never-reaches-phi', from: { labels: { 'data-class': 'financial' } }, to: { labels: { 'data-class': 'phi' } }, bidirectional: true }],
  };
}
