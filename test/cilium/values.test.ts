/**
 * The Cilium Helm values bulkhead renders: every variant validates against the chart's own schema
 * (v1.18.8, from ../shared, never copied) and sets only keys the chart's values.yaml knows, passes
 * the trap rules, and means what the profiles promise (kind / EKS ENI, kube-proxy replacement with
 * an explicit API server, Argo-CD-stable Hubble certificates, operator replicas that can schedule,
 * Gateway API only when asked). The merge keeps user values and never loses a profile key.
 */
import Ajv, { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { App, Chart } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CILIUM_VALUES_PATH, CiliumValues, L2_CLIENT_RATE_LIMIT, ciliumValues, deepMerge } from '../../lib/constructs/cilium-values';
import { RenderError, renderCharts } from '../../lib/emit/render';
import { ciliumValueProblems, isPlainObject } from '../../lib/intent/cilium-values-rules';
import { checkPlatform } from '../../lib/intent/check';
import { PlatformSpec } from '../../lib/intent/types';
import { CiliumSettings, Cluster } from '../../lib/model/platform';
import { describeWithShared, sharedPath } from '../support/shared';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORIGIN = { file: 'platform.yaml', line: 1, column: 1 };
const SETTINGS: CiliumSettings = { version: '1.18.8', hubble: { relay: true, ui: false }, policyEnforcementMode: 'default', policyMapMax: 16384, values: {} };

function kind(over: Partial<Cluster> = {}, cilium: Partial<CiliumSettings> = {}): Cluster {
  const name = over.name ?? 'lab';
  return { name, provider: 'kind', nodes: 2, apiServer: { host: `${name}-control-plane`, port: 6443 }, cni: 'cilium', cilium: { ...SETTINGS, ...cilium }, origin: ORIGIN, ...over };
}
function eks(over: Partial<Cluster> = {}, cilium: Partial<CiliumSettings> = {}): Cluster {
  return {
    name: 'live',
    provider: 'eks',
    nodes: 3,
    region: 'eu-west-1',
    apiServer: { host: 'ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com', port: 443 },
    cni: 'cilium',
    cilium: { ...SETTINGS, ...cilium },
    origin: ORIGIN,
    ...over,
  };
}

/** The example's clusters as the checker resolves them (platform.yaml parsed directly, no YAML positions needed). */
function exampleClusters(): readonly Cluster[] {
  const spec = parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'platform.yaml'), 'utf8')) as PlatformSpec;
  return checkPlatform(spec).clusters.filter((c) => c.cni === 'cilium');
}

interface Variant {
  readonly name: string;
  readonly cluster: Cluster;
  readonly gatewayApi: boolean;
}

function variants(): Variant[] {
  const out: Variant[] = [];
  for (const c of exampleClusters()) for (const gatewayApi of [false, true]) out.push({ name: `example ${c.name} (${c.provider}), gatewayApi ${gatewayApi}`, cluster: c, gatewayApi });
  for (const gatewayApi of [false, true]) {
    out.push({ name: `kind, 1 node, gatewayApi ${gatewayApi}`, cluster: kind({ nodes: 1 }), gatewayApi });
    out.push({ name: `eks, 1 node, gatewayApi ${gatewayApi}`, cluster: eks({ nodes: 1 }), gatewayApi });
  }
  out.push({ name: 'kind with Hubble UI', cluster: kind({}, { hubble: { relay: true, ui: true } }), gatewayApi: false });
  out.push({ name: 'kind without relay or UI', cluster: kind({}, { hubble: { relay: false, ui: false } }), gatewayApi: false });
  out.push({ name: 'eks, policy settings changed', cluster: eks({ nodes: 5 }, { policyEnforcementMode: 'always', policyMapMax: 65536 }), gatewayApi: true });
  out.push({
    name: 'eks with masquerading turned on',
    cluster: eks({}, { values: { enableIPv4Masquerade: true, bpf: { masquerade: true } } }),
    gatewayApi: false,
  });
  out.push({ name: 'kind with user values', cluster: kind({}, { values: { hubble: { metrics: { enabled: ['dns', 'drop'] } }, operator: { prometheus: { enabled: false } } } }), gatewayApi: true });
  return out;
}

const get = (v: Json, dotted: string): unknown => dotted.split('.').reduce<unknown>((n, k) => (isPlainObject(n) ? n[k] : undefined), v);

describe('profile semantics', () => {
  const [dev, prod] = [exampleClusters().find((c) => c.provider === 'kind')!, exampleClusters().find((c) => c.provider === 'eks')!];

  test('kind: kube-proxy replacement with the control-plane container as API server, pod CIDRs from the nodes', () => {
    const v = ciliumValues(dev);
    expect(v.kubeProxyReplacement).toBe(true);
    expect(v.k8sServiceHost).toBe(`${dev.name}-control-plane`);
    expect(v.k8sServicePort).toBe(6443);
    expect(get(v, 'ipam.mode')).toBe('kubernetes');
    expect(v.eni).toBeUndefined();
    expect(v.routingMode).toBeUndefined();
  });

  test('eks: ENI mode with native routing, the API server from the platform, masquerading off and no eth+ without it', () => {
    const v = ciliumValues(prod);
    expect(get(v, 'eni.enabled')).toBe(true);
    expect(get(v, 'ipam.mode')).toBe('eni');
    expect(v.routingMode).toBe('native');
    expect(v.kubeProxyReplacement).toBe(true);
    expect(v.k8sServiceHost).toBe(prod.apiServer.host);
    expect(v.k8sServiceHost).toMatch(/eks\.amazonaws\.com$/);
    expect(v.k8sServicePort).toBe(443);
    expect(v.enableIPv4Masquerade).toBe(false);
    expect(v.egressMasqueradeInterfaces).toBeUndefined();
  });

  test('eks: a user who turns masquerading on gets egressMasqueradeInterfaces eth+, unless they chose interfaces', () => {
    expect(ciliumValues(eks({}, { values: { enableIPv4Masquerade: true } })).egressMasqueradeInterfaces).toBe('eth+');
    expect(ciliumValues(eks({}, { values: { enableIPv4Masquerade: true, egressMasqueradeInterfaces: 'ens5' } })).egressMasqueradeInterfaces).toBe('ens5');
  });

  test.each([1, 2, 3, 7])('operator replicas follow nodes (%i nodes)', (nodes) => {
    expect(get(ciliumValues(kind({ nodes })), 'operator.replicas')).toBe(Math.min(2, nodes));
    expect(get(ciliumValues(eks({ nodes })), 'operator.replicas')).toBe(Math.min(2, nodes));
  });

  test('Hubble: on, certificates from a CronJob (never helm), relay and UI from the settings', () => {
    for (const c of [dev, prod, kind({}, { hubble: { relay: true, ui: true } }), kind({}, { hubble: { relay: false, ui: false } })]) {
      const v = ciliumValues(c);
      expect(get(v, 'hubble.enabled')).toBe(true);
      expect(get(v, 'hubble.tls.auto.method')).toBe('cronJob');
      expect(get(v, 'hubble.relay.enabled')).toBe(c.cilium!.hubble.relay);
      expect(get(v, 'hubble.ui.enabled')).toBe(c.cilium!.hubble.ui);
    }
  });

  test('policy settings land in policyEnforcementMode and bpf.policyMapMax', () => {
    const v = ciliumValues(eks({}, { policyEnforcementMode: 'always', policyMapMax: 65536 }));
    expect(v.policyEnforcementMode).toBe('always');
    expect(get(v, 'bpf.policyMapMax')).toBe(65536);
  });

  test('gateway settings only with gatewayApi; L2 announcements and a raised client rate limit only on kind', () => {
    for (const c of [dev, prod]) {
      const off = ciliumValues(c, { gatewayApi: false });
      expect(off.gatewayAPI).toBeUndefined();
      expect(off.l2announcements).toBeUndefined();
      expect(off.k8sClientRateLimit).toBeUndefined();
      const on = ciliumValues(c, { gatewayApi: true });
      expect(get(on, 'gatewayAPI.enabled')).toBe(true);
      expect(get(on, 'gatewayAPI.gatewayClass.create')).toBe('true');
      if (c.provider === 'kind') {
        expect(get(on, 'l2announcements.enabled')).toBe(true);
        expect(on.k8sClientRateLimit).toEqual(L2_CLIENT_RATE_LIMIT);
        // Above the chart's defaults (10 QPS, burst 20): Cilium's L2 guide asks to raise them.
        expect(L2_CLIENT_RATE_LIMIT.qps).toBeGreaterThan(10);
        expect(L2_CLIENT_RATE_LIMIT.burst).toBeGreaterThan(20);
      } else {
        expect(on.l2announcements).toBeUndefined();
        expect(on.k8sClientRateLimit).toBeUndefined();
      }
    }
  });

  test('user values are merged last and keys come out sorted at every level', () => {
    const v = ciliumValues(kind({}, { values: { operator: { replicas: 1 }, hubble: { metrics: { enabled: ['dns'] } } } }));
    expect(get(v, 'operator.replicas')).toBe(1);
    expect(get(v, 'hubble.metrics.enabled')).toEqual(['dns']);
    expect(get(v, 'hubble.tls.auto.method')).toBe('cronJob');
    const sorted = (o: unknown): boolean => !isPlainObject(o) || (Object.keys(o).join() === Object.keys(o).sort().join() && Object.values(o).every(sorted));
    expect(sorted(v)).toBe(true);
  });

  test('a cluster with cni: generic has no Cilium values', () => {
    expect(() => ciliumValues(kind({ cni: 'generic', cilium: undefined }))).toThrow(/cni: generic/);
  });

  test('last line of defence: settings that would render a UI without relay fail with the rule, not with a broken file', () => {
    expect(() => ciliumValues(kind({}, { hubble: { relay: false, ui: true } }))).toThrow(RenderError);
    expect(() => ciliumValues(kind({}, { hubble: { relay: false, ui: true } }))).toThrow(/hubble\.ui\.enabled: the Hubble UI reads flows only through Hubble Relay/);
  });
});

describe('the rendered file', () => {
  function render(cluster: Cluster, gatewayApi = false) {
    const app = new App();
    const chart = new Chart(app, cluster.name);
    const construct = new CiliumValues(chart, 'cilium', { cluster, gatewayApi });
    const file = renderCharts(app).find((f) => f.path === CILIUM_VALUES_PATH)!;
    return { construct, file };
  }

  test('bootstrap/cilium-values.yaml: a header with the install command, then exactly the values, and no manifests', () => {
    const cluster = exampleClusters().find((c) => c.provider === 'kind')!;
    const { construct, file } = render(cluster, true);
    expect(file.manifests).toEqual([]);
    const text = file.text!;
    const header = text.split('\n').filter((l) => l.startsWith('#'));
    expect(header.map((l) => l.replace(/^#\s*/, ''))).toContain(
      `helm install cilium cilium/cilium --version 1.18.8 --namespace kube-system -f dist/${cluster.name}/bootstrap/cilium-values.yaml`,
    );
    expect(header.join('\n')).toMatch(/Helm values for cluster "dev"/);
    expect(header.join('\n')).toMatch(/Gateway API v1\.3\.0 CRDs/);
    expect(header.join('\n')).toMatch(/Argo CD/);
    expect(parse(text)).toEqual(construct.values);
    expect(text).toMatch(/create: "true"/); // a string, not a YAML boolean
  });

  test('the EKS header gives the order: eksctl cluster, helm install, eksctl node group', () => {
    const { file } = render(eks());
    const lines = file.text!.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/eksctl create cluster -f dist\/live\/bootstrap\/eksctl-config\.yaml/)).toBeGreaterThan(-1);
    expect(at(/eksctl create cluster/)).toBeLessThan(at(/helm install cilium/));
    expect(at(/helm install cilium/)).toBeLessThan(at(/eksctl create nodegroup -f dist\/live\/bootstrap\/eksctl-nodegroup\.yaml/));
  });

  test('two renders are byte-identical', () => {
    const c = eks({}, { values: { zeta: 1, alpha: { b: 2, a: 1 } } });
    expect(render(c, true).file.text).toBe(render(c, true).file.text);
  });
});

describeWithShared('Cilium chart v1.18.8', () => {
  let validate: ValidateFunction;
  let chartValues: Json;
  let chartText: string;
  beforeAll(() => {
    const schema = JSON.parse(fs.readFileSync(sharedPath('schemas', 'cilium-helm-chart-v1.18.8-values.schema.json'), 'utf8')) as Json;
    // The chart's schema declares draft-07, which is what Ajv's default class implements.
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    chartText = fs.readFileSync(sharedPath('schemas', 'cilium-helm-chart-v1.18.8-values.yaml'), 'utf8');
    chartValues = parse(chartText) as Json;
  });

  const cases = variants();
  test('there are variants from the example and beyond', () => expect(cases.length).toBeGreaterThanOrEqual(12));

  test.each(cases.map((c) => [c.name, c] as const))('%s: validates against the chart schema and passes the trap rules', (_name, { cluster, gatewayApi }) => {
    const values = ciliumValues(cluster, { gatewayApi });
    const ok = validate(values);
    expect(ok ? [] : validate.errors).toEqual([]);
    expect(ciliumValueProblems(values, { provider: cluster.provider, scope: 'merged' })).toEqual([]);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: every key bulkhead sets exists in the chart values.yaml', (_name, { cluster, gatewayApi }) => {
    const values = ciliumValues(cluster, { gatewayApi });
    // The user's own keys are theirs to get right; bulkhead's keys are checked at every level.
    const own = ciliumValues({ ...cluster, cilium: { ...cluster.cilium!, values: {} } }, { gatewayApi });
    const missing = leafPaths(own).filter((p) => !has(chartValues, p));
    expect(missing).toEqual([]);
    // egressMasqueradeInterfaces is documented in values.yaml as a commented-out key.
    const commented = new Set([...chartText.matchAll(/^# ?([A-Za-z0-9]+):/gm)].map((m) => m[1]));
    expect(Object.keys(values).filter((k) => !(k in chartValues) && !commented.has(k))).toEqual([]);
  });

  test('the schema is not enough on its own: it accepts kubeProxyReplacement: strict, which the rules refuse', () => {
    const bad = { ...ciliumValues(kind()), kubeProxyReplacement: 'strict' };
    expect(validate(bad)).toBe(true);
    expect(ciliumValueProblems(bad, { provider: 'kind', scope: 'merged' }).map((p) => p.path.join('.'))).toEqual(['kubeProxyReplacement']);
  });
});

describe('merge property', () => {
  const KEYS = ['hubble', 'relay', 'enabled', 'ipam', 'mode', 'operator', 'replicas', 'bpf', 'extra', 'tls', 'auto'];
  const leaf = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
  const tree: fc.Arbitrary<Json> = fc.letrec<{ node: Json }>((tie) => ({
    node: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('node')), { maxKeys: 4 }),
  })).node;

  test('user values survive, and every profile value the user did not touch is still there', () => {
    const base = ciliumValues(eks(), { gatewayApi: true });
    fc.assert(
      fc.property(tree, (user) => {
        const merged = deepMerge(base, user);
        for (const p of leafPaths(user, true)) expect(at(merged, p)).toEqual(at(user, p));
        for (const p of leafPaths(base)) if (!touches(user, p)) expect(at(merged, p)).toEqual(at(base, p));
      }),
      { numRuns: 300 },
    );
  });

  test('through ciliumValues too: harmless user values (no trap, no owned key) keep every profile key', () => {
    const base = ciliumValues(kind(), { gatewayApi: true });
    const safe = fc.dictionary(fc.constantFrom('hubble', 'operator', 'extraConfig', 'prometheus'), fc.dictionary(fc.constantFrom('metrics', 'prometheus', 'extra', 'resources'), leaf, { maxKeys: 2 }), {
      maxKeys: 3,
    });
    fc.assert(
      fc.property(safe, (user) => {
        const merged = ciliumValues(kind({}, { values: user }), { gatewayApi: true });
        for (const p of leafPaths(user, true)) expect(at(merged, p)).toEqual(at(user, p));
        for (const p of leafPaths(base)) if (!touches(user, p)) expect(at(merged, p)).toEqual(at(base, p));
      }),
      { numRuns: 200 },
    );
  });
});

/** Paths to every non-object value (with `emptyObjects`, also to empty objects, which merge into nothing). */
function leafPaths(v: Json, emptyObjects = false, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, child] of Object.entries(v)) {
    if (isPlainObject(child) && Object.keys(child).length) out.push(...leafPaths(child, emptyObjects, [...prefix, k]));
    else if (!isPlainObject(child) || !emptyObjects) out.push([...prefix, k]);
  }
  return out;
}
function at(v: unknown, p: string[]): unknown {
  return p.reduce<unknown>((n, k) => (isPlainObject(n) ? n[k] : undefined), v);
}
function has(v: unknown, p: string[]): boolean {
  let n = v;
  for (const k of p) {
    if (!isPlainObject(n) || !(k in n)) return false;
    n = n[k];
  }
  return true;
}
/** Whether `user` sets `p` or replaces an object on the way to it with a non-object. */
function touches(user: Json, p: string[]): boolean {
  let n: unknown = user;
  for (const k of p) {
    if (!isPlainObject(n) || !(k in n)) return false;
    n = n[k];
    if (!isPlainObject(n)) return true;
  }
  return true;
}
