/**
 * What synth renders from the example, checked for real: every object against the Kubernetes 1.28
 * schema (strict about unknown fields) and the API server's own rules, plus the promises bulkhead
 * makes about its output (isolation with DNS, restricted pods, stable names, one policy per direction).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeWithShared } from '../support/shared';
import { crdErrors } from '../support/crd-validate';
import { K8sObject, apiRuleErrors, schemaErrors } from '../support/k8s-validate';
import { POD_TEMPLATE, restrictedViolations } from '../support/pod-security';
import { synth, workspace } from '../support/workspace';

const ws = workspace();
beforeAll(() => expect(synth(ws).code).toBe(0));

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));
}
/** The manifests Argo CD syncs: everything but the set-up files under bootstrap/. */
function objects(cluster?: string): Array<K8sObject & { file: string }> {
  const root = cluster ? path.join(ws.dist, cluster) : ws.dist;
  return filesUnder(root).filter((f) => !f.split(path.sep).includes('bootstrap')).flatMap((file) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => ({ ...(d.toJS() as K8sObject), file })));
}
const clusters = ['dev', 'prod'];
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const isCustom = (o: K8sObject) => o.apiVersion.startsWith('cilium.io/') || o.apiVersion.startsWith('gateway.networking.k8s.io/');

test('renders one file per tenant, the platform files, and the set-up files outside the synced directories', () => {
  const setUp = { dev: ['bootstrap/kind-config.yaml'], prod: ['bootstrap/eksctl-config.yaml', 'bootstrap/eksctl-nodegroup.yaml'] } as Record<string, string[]>;
  for (const c of clusters) {
    const files = filesUnder(path.join(ws.dist, c)).map((f) => path.relative(path.join(ws.dist, c), f)).sort();
    expect(files).toEqual(
      ['bootstrap/cilium-values.yaml', ...setUp[c], 'platform/cluster-wide.yaml', 'platform/gateways.yaml', 'platform/guardrails.yaml', 'probes/billing.yaml', 'probes/patient-data.yaml', 'probes/web.yaml', 'tenants/billing.yaml', 'tenants/patient-data.yaml', 'tenants/web.yaml'].sort(),
    );
  }
});

describeWithShared('Kubernetes 1.28 schema', () => {
  test('every rendered object validates (custom resources against their CRDs)', () => {
    const all = objects();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((o) => isCustom(o)).map((o) => o.kind)).toEqual(expect.arrayContaining(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']));
    const problems = all.flatMap(({ file: _file, ...o }) =>
      (isCustom(o) ? crdErrors(o) : schemaErrors(o)).map((e) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}: ${e}`),
    );
    expect(problems).toEqual([]);
  });
  test('the CRD validator is strict: a misspelt field (which the API server would prune) and a numeric port fail', () => {
    const { file: _file, ...cnp } = objects('dev').find((o) => o.kind === 'CiliumNetworkPolicy')!;
    expect(crdErrors(cnp)).toEqual([]);
    expect(crdErrors({ ...cnp, spec: { ...(cnp.spec as Json), endpointSelectr: {} } })).not.toEqual([]);
    const egress = [{ toFQDNs: [{ matchName: 'example.com' }], toPorts: [{ ports: [{ port: 443, protocol: 'TCP' }] }] }];
    expect(crdErrors({ ...cnp, spec: { endpointSelector: {}, egress } })).not.toEqual([]);
  });
  test('the validator is strict: an unknown field and a wrong type fail', () => {
    const np = objects('dev').find((o) => o.kind === 'NetworkPolicy')!;
    expect(schemaErrors({ ...np, spec: { ...(np.spec as Json), podSelectr: {} } })).not.toEqual([]);
    expect(schemaErrors({ ...np, spec: { ...(np.spec as Json), policyTypes: 'Ingress' } })).not.toEqual([]);
  });
});

describe('API server rules', () => {
  test('every rendered object passes', () => {
    expect(objects().flatMap(({ file: _file, ...o }) => apiRuleErrors(o))).toEqual([]);
  });
  test('the rules catch port 0, a quoted port number, a bad endPort and an except outside its CIDR', () => {
    const bad: K8sObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'x', namespace: 'y' },
      spec: {
        podSelector: {},
        egress: [
          { ports: [{ port: 0 }, { port: '53' }, { port: 90, endPort: 80 }], to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] },
        ],
      },
    };
    expect(apiRuleErrors(bad)).toHaveLength(4);
  });
});

describe.each(clusters)('cluster %s', (cluster) => {
  const all = () => objects(cluster);
  const policies = () => all().filter((o) => o.kind === 'NetworkPolicy') as Json[];

  test('no name hash, no cdk8s address label anywhere', () => {
    for (const o of all()) expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6,}$|-[0-9a-f]{8}$/);
    for (const f of filesUnder(path.join(ws.dist, cluster))) expect(fs.readFileSync(f, 'utf8')).not.toContain('cdk8s.io/metadata.addr');
  });

  test('every namespace bulkhead creates (tenants and gateways) is isolated both ways and keeps DNS to kube-dns', () => {
    const namespaces = all().filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['billing', 'bulkhead-gateways', 'patient-data', 'web']);
    for (const ns of namespaces) {
      expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
      const deny = policies().filter((p) => p.metadata.namespace === ns.metadata.name && Object.keys(p.spec.podSelector).length === 0);
      expect(deny).toHaveLength(1);
      expect(deny[0].spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(deny[0].spec.ingress).toBeUndefined();
      expect(deny[0].spec.egress).toEqual([
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: expect.arrayContaining([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]),
        },
      ]);
    }
  });

  test('at most one ingress and one egress policy per workload; peers pin their namespace by name', () => {
    const perWorkload = new Map<string, string[]>();
    for (const p of policies()) {
      const w = p.spec.podSelector.matchLabels?.['bulkhead.dev/workload'];
      if (!w) continue;
      const key = `${p.metadata.namespace}/${w}`;
      perWorkload.set(key, [...(perWorkload.get(key) ?? []), ...p.spec.policyTypes]);
      for (const dir of ['ingress', 'egress']) {
        for (const rule of p.spec[dir] ?? []) {
          for (const peer of rule.from ?? rule.to ?? []) {
            if (peer.ipBlock) continue;
            expect(Object.keys(peer.namespaceSelector.matchLabels)).toEqual(['kubernetes.io/metadata.name']);
            expect(peer.podSelector).toBeDefined();
          }
        }
      }
    }
    for (const types of perWorkload.values()) expect(types.sort()).toEqual([...new Set(types)].sort());
  });

  test('pods of every kind meet the restricted Pod Security Standard, run as their own ServiceAccount, without a token unless they declare API access', () => {
    const controllers = all().filter((o) => POD_TEMPLATE[o.kind] && o.kind !== 'Pod') as Json[];
    // The example's workloads, and the probe Jobs that stand in for them.
    expect(new Set(controllers.map((o) => o.kind))).toEqual(new Set(['Deployment', 'StatefulSet', 'CronJob', 'Job']));
    for (const d of controllers) {
      const template = POD_TEMPLATE[d.kind](d)!;
      const pod = template.spec;
      expect({ id: `${d.kind} ${d.metadata.name}`, violations: restrictedViolations(pod, template.metadata.annotations) }).toEqual({ id: `${d.kind} ${d.metadata.name}`, violations: [] });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.serviceAccountName).toBe(template.metadata.labels['bulkhead.dev/workload']);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.resources.limits).toBeDefined();
        const claims = (d.spec.volumeClaimTemplates ?? []).map((v: Json) => v.metadata.name);
        for (const m of c.volumeMounts ?? []) expect([...(pod.volumes ?? []).map((v: Json) => v.name), ...claims]).toContain(m.name);
      }
    }
  });

  test("each Service selects its workload's pods and targets ports the pods declare; a StatefulSet's headless Service is its serviceName", () => {
    const controllers = all().filter((o) => POD_TEMPLATE[o.kind] && o.kind !== 'Pod') as Json[];
    for (const s of all().filter((o) => o.kind === 'Service') as Json[]) {
      const headless = s.spec.clusterIP === 'None';
      const owner = headless ? s.metadata.name.replace(/-peers$/, '') : s.metadata.name;
      const d = controllers.find((x) => x.metadata.namespace === s.metadata.namespace && x.metadata.name === owner);
      expect(d).toBeDefined();
      if (headless) expect(d!.spec.serviceName).toBe(s.metadata.name);
      const template = POD_TEMPLATE[d!.kind](d!)!;
      for (const [k, v] of Object.entries(s.spec.selector)) expect(template.metadata.labels[k]).toBe(v);
      const names = template.spec.containers.flatMap((c: Json) => (c.ports ?? []).map((p: Json) => p.name));
      for (const p of s.spec.ports ?? []) expect(names).toContain(p.targetPort);
    }
  });
});

test('per-cluster overrides apply only to their cluster', () => {
  const replicas = (cluster: string) => (objects(cluster).find((o) => o.kind === 'Deployment' && o.metadata.name === 'frontend') as Json).spec.replicas;
  expect(replicas('dev')).toBe(1);
  expect(replicas('prod')).toBe(2);
});
