/**
 * Deterministic synthetic platforms for benchmarks: the same size and seed always give the same spec.
 * Tenants carry a data class (public, financial, phi); one guardrail keeps financial away from phi,
 * and flows that would cross it are not generated. Each workload serves `http` and `metrics`.
 * Everything the compiler renders appears in proportion to the size, as in the example platform:
 * one flow in twenty carries HTTP rules (a CiliumNetworkPolicy at its destination); one workload in
 * ten has CIDR egress, one in twenty DNS-name egress and one in a hundred kube-apiserver egress; one
 * tenant in ten publishes a route on the shared gateway, to its own first workload and (through a
 * ReferenceGrant) to a neighbour's; and a `gitops:` section, so synth also renders and checks argocd/.
 */
import { EgressSpec, FlowSpec, PlatformSpec, RouteSpec, TenantSpec } from '../lib/intent/types';

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
    const port = random() < 0.9 ? 'http' : 'metrics';
    flows.push({ from: from.ref, to: to.ref, ports: [port], ...(port === 'http' && flows.length % 20 === 0 ? { http: [{ method: 'GET', path: '/api(/.*)?' }] } : {}) });
  }
  const egress: EgressSpec[] = ids.filter((_, i) => i % 10 === 0).map((x, i) => ({ from: x.ref, cidr: `198.51.${i % 256}.0/24`, ports: [443] }));
  ids.forEach((x, i) => {
    if (i % 20 === 5) egress.push({ from: x.ref, fqdn: `api-${i}.example.com`, ports: [443] });
    if (i % 100 === 7) egress.push({ from: x.ref, entity: 'kube-apiserver' });
  });
  // A route to a neighbour of the same data class, so that no route crosses the guardrail.
  const routes: RouteSpec[] = [];
  for (let t = 0; t + 3 < tenants.length; t += 10) {
    if (!tenants[t].workloads?.length || !tenants[t + 3].workloads?.length) continue;
    routes.push({
      name: `portal-${t}`,
      tenant: tenants[t].name,
      gateway: 'public',
      hostnames: [`portal-${t}.example.com`],
      rules: [
        { path: '/', backends: [{ to: `${tenants[t].name}/svc-000`, port: 'http' }] },
        { path: '/shared', backends: [{ to: `${tenants[t + 3].name}/svc-000`, port: 'http' }] },
      ],
    });
  }
  return {
    apiVersion: 'bulkhead.dev/v1alpha1',
    kind: 'Platform',
    metadata: { name: 'synthetic' },
    gitops: { repoURL: 'https://github.com/example/synthetic.git' },
    clusters: [{ name: 'bench', provider: 'kind' }],
    tenants,
    flows,
    egress,
    guardrails: [{ name: 'financial-never-reaches-phi', from: { labels: { 'data-class': 'financial' } }, to: { labels: { 'data-class': 'phi' } }, bidirectional: true }],
    gateways: [{ name: 'public', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] }],
    routes,
  };
}
