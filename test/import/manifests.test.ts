/**
 * bulkhead import on hand-made inputs: every workload kind (owned objects folded into their controllers), a
 * kubectl `List`, Secrets, names bulkhead does not accept, and Cilium policies with parts platform.yaml
 * cannot say. Connectivity is checked by synthesizing the written file and analyzing what synth wrote.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../../lib/analysis';
import type { PlatformSpec } from '../../lib/intent/types';
import { asList, multiKind } from './fixtures';
import { connectionLines, manifestDir, objectsOf, runImport, synthConnectivity } from './support';

const platformOf = (text: string) => parse(text) as PlatformSpec;
const workloadsOf = (p: PlatformSpec, tenant: string) => p.tenants.find((t) => t.name === tenant)?.workloads ?? [];

describe('every workload kind', () => {
  const manifests = multiKind();
  let run: Awaited<ReturnType<typeof runImport>>;
  beforeAll(async () => {
    run = await runImport([manifestDir(manifests)]);
  });

  test('imports one workload per controller, owned ReplicaSets, Jobs and Pods folded in', () => {
    expect(run.code).toBe(0);
    const p = platformOf(run.stdout);
    expect(p.tenants.map((t) => t.name)).toEqual(['shop']);
    expect(workloadsOf(p, 'shop').map((w) => w.name)).toEqual(['agent', 'db', 'debug', 'legacy', 'migrate', 'old', 'report', 'web']);
    const db = workloadsOf(p, 'shop').find((w) => w.name === 'db')!;
    // The container port has no name; the Service port targeting it lends its name.
    expect(db).toMatchObject({ image: 'example/db:1', user: 70, replicas: 2, ports: [{ name: 'postgres', port: 5432 }] });
    expect(workloadsOf(p, 'shop').find((w) => w.name === 'legacy')!.ports).toEqual([{ name: 'udp-7000', port: 7000, protocol: 'UDP' }]);
    expect(workloadsOf(p, 'shop').find((w) => w.name === 'migrate')!.command).toEqual(['/migrate', 'up']);
    expect(p.tenants[0].labels).toEqual({ team: 'payments' });
  });

  test('synth of the written file keeps every connection between the imported workloads', () => {
    const original = analyze(objectsOf(manifests));
    const { connectivity } = synthConnectivity(run.stdout);
    const shop = (id: string) => (id.startsWith('shop/') ? id : undefined);
    expect(connectionLines(connectivity)).toEqual(connectionLines(original, shop));
    expect(connectionLines(connectivity).length).toBeGreaterThan(0);
  });

  test('reports kind changes, settings left out, and inexpressible rules by policy and rule', () => {
    expect(run.stderr).toMatch(/^proof: equal\./m);
    expect(run.stderr).toContain('left out: namespace kube-system (2 workloads)');
    for (const kind of ['StatefulSet shop/db', 'DaemonSet shop/agent', 'CronJob shop/report', 'Job shop/migrate', 'ReplicaSet shop/legacy', 'ReplicationController shop/old', 'Pod shop/debug'])
      expect(run.stderr).toContain(`${kind}: becomes a Deployment`);
    expect(run.stderr).toContain('Pod shop/debug: container sidecar is not imported');
    expect(run.stderr).toContain('Pod shop/debug: runs as root');
    expect(run.stderr).toContain('NetworkPolicy shop/scrape ingress[1]: ingress to shop/web from 192.0.2.0/24 on TCP 8080 (outside the cluster)');
    expect(run.stderr).toContain('NetworkPolicy shop/web-out egress[1]: egress to kube-system/metrics-server on TCP 443');
    expect(run.stderr).toMatch(/NetworkPolicy shop\/by-hash: selects (Pod shop\/web-5d8f-x1|ReplicaSet shop\/web-5d8f) but not its workload Deployment shop\/web/);
    expect(run.stderr).toContain('Service shop/www: bulkhead gives each workload a Service of its own name: clients must use web.shop instead');
    // DNS to kube-dns is what bulkhead adds anyway: reported once as an addition, not as lost.
    expect(run.stderr).not.toContain('kube-system/coredns');
    expect(run.stderr.match(/^added: DNS/gm)).toHaveLength(1);
  });

  test('a kubectl List gives the same platform as the same objects one per document', async () => {
    const list = await runImport([manifestDir([asList(manifests)])]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(run.stdout);
  });

  test('the written file does not depend on input order or file layout', async () => {
    const dir = manifestDir(manifests.slice(3).reverse(), 'b.yaml');
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(manifests.slice(0, 3)));
    const again = await runImport([dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(run.stdout);
  });
});

describe('secrets', () => {
  const PASSWORD = 's3cr3t-Pa55word';
  const TOKEN = 'tok-9f8e7d6c5b4a';
  const manifests = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'app' }, type: 'Opaque', data: { password: Buffer.from(PASSWORD).toString('base64') }, stringData: { token: TOKEN } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'app' },
      spec: {
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'example/api:1',
                env: [
                  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
                  { name: 'MODE', value: 'production' },
                  { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
                ],
                envFrom: [{ secretRef: { name: 'db-credentials' } }],
              },
            ],
          },
        },
      },
    },
  ];

  test('a value from a Secret stays a reference; Secret data never appears', async () => {
    const run = await runImport([manifestDir(manifests)]);
    expect(run.code).toBe(0);
    const api = workloadsOf(platformOf(run.stdout), 'app')[0];
    expect(api.env).toEqual({ DB_PASSWORD: { secretKeyRef: { name: 'db-credentials', key: 'password' } }, MODE: 'production' });
    for (const secret of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), TOKEN]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
    expect(run.stderr).toContain('env LEVEL (from configMapKeyRef) is not imported');
    expect(run.stderr).toContain('envFrom a Secret is not imported');
  });
});

describe('names bulkhead does not accept', () => {
  const long = `worker-${'x'.repeat(60)}`;
  const deployment = (name: string, app: string, port?: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'batch' },
    spec: { template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'example/c:1', ports: port ? [{ containerPort: port, name: 'HTTP' }] : [] }] } } },
  });
  const manifests = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'batch' } },
    deployment('web.v2', 'web', 8080),
    deployment('2fast', 'fast'),
    deployment(long, 'long'),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'batch' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'fast' } } }], ports: [{ port: 8080 }] }] },
    },
  ];

  test('are mapped deterministically, reported, and the proof holds under the new names', async () => {
    const run = await runImport([manifestDir(manifests)]);
    expect(run.code).toBe(0);
    const names = workloadsOf(platformOf(run.stdout), 'batch').map((w) => w.name);
    expect(names).toEqual(['w-2fast', 'web-v2', long.slice(0, 55)]);
    expect(run.stderr).toContain('Deployment batch/web.v2: web.v2 -> web-v2');
    expect(run.stderr).toContain('Deployment batch/2fast: 2fast -> w-2fast');
    expect(run.stderr).toContain(`Deployment batch/${long}: ${long} -> ${long.slice(0, 55)}`);
    expect(run.stderr).toContain('port 8080/TCP of Deployment batch/web.v2: HTTP -> http');
    expect(run.stdout).toContain('# from Deployment batch/web.v2');
    expect(platformOf(run.stdout).flows).toContainEqual(expect.objectContaining({ from: 'batch/w-2fast', to: 'batch/web-v2', ports: ['http'] }));
    expect(run.stderr).toMatch(/^proof: equal\./m);
  });
});

describe('Cilium policies', () => {
  const deployment = (name: string, ports: object[] = []) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'app' },
    spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example/${name}:1`, ports }] } } },
  });
  const cnp = (name: string, spec: object) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: 'app' }, spec });
  const manifests = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
    deployment('client'),
    deployment('client2'),
    deployment('server', [{ containerPort: 8080, name: 'http' }]),
    cnp('server', {
      endpointSelector: { matchLabels: { app: 'server' } },
      ingress: [
        { fromEndpoints: [{ matchLabels: { app: 'client2' } }, { matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/api/.*' }] } }] },
        { fromEndpoints: [{ matchLabels: { app: 'client2' } }], toPorts: [{ ports: [{ port: '9000', protocol: 'TCP' }], rules: { http: [{ method: 'GET', headers: ['X-Debug: 1'] }] } }] },
      ],
    }),
    cnp('client', {
      endpointSelector: { matchLabels: { app: 'client' } },
      egress: [
        { toEndpoints: [{ matchLabels: { app: 'server' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] },
        { toEntities: ['host'], toPorts: [{ ports: [{ port: '10250', protocol: 'TCP' }] }] },
        { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchName: 'api.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchPattern: '*' }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] },
      ],
    }),
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'no-internal' },
      spec: {
        endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'app' } },
        enableDefaultDeny: { egress: false, ingress: false },
        egressDeny: [{ toCIDR: ['10.0.0.0/8'] }],
      },
    },
  ];

  test('HTTP rules at the destination, DNS names and kube-apiserver carry over; the rest is listed by rule', async () => {
    const run = await runImport([manifestDir(manifests)]);
    expect(run.stderr).toMatch(/^proof: equal\./m);
    expect(run.code).toBe(0);
    const p = platformOf(run.stdout);
    expect(p.clusters[0].cni).toBe('cilium');
    expect(p.flows).toContainEqual(expect.objectContaining({ from: 'app/client2', to: 'app/server', ports: ['http'], http: [{ method: 'GET', path: '/api/.*' }] }));
    // client's own egress HTTP rules cannot be said: nothing from client to server is imported.
    expect(p.flows!.filter((f) => f.from === 'app/client')).toEqual([]);
    expect(p.egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'app/client', fqdn: 'api.example.com', ports: [443] }),
        expect.objectContaining({ from: 'app/client', entity: 'kube-apiserver', ports: [6443] }),
      ]),
    );
    expect(run.stderr).toContain('CiliumNetworkPolicy app/client egress[0]: app/client -> app/server on TCP 8080: HTTP rules at the source');
    expect(run.stderr).toContain('CiliumNetworkPolicy app/client egress[1]: egress to the Cilium entity host on TCP 10250');
    expect(run.stderr).toContain('CiliumNetworkPolicy app/client egress[4]: egress to DNS name * on TCP 80');
    // Requests the header match lets through cannot be said: nothing on that port is imported.
    expect(run.stderr).toContain('CiliumNetworkPolicy app/server ingress[1]: app/client2 -> app/server on TCP 9000: HTTP rules that match headers');
    expect(p.flows!.filter((f) => f.ports.includes(9000))).toEqual([]);
    expect(run.stderr).toContain('CiliumClusterwideNetworkPolicy no-internal egressDeny[0]: deny rule for app/client, app/client2, app/server');
    const { connectivity } = synthConnectivity(run.stdout);
    const original = analyze(objectsOf(manifests));
    // Everything but the HTTP rules client enforces at its own egress, and the header match, comes back.
    const lines = connectionLines(original).filter((l) => !l.startsWith('app/client -> app/server') && l !== 'app/client2 -> app/server TCP 9000-9000');
    expect(connectionLines(connectivity)).toEqual(lines);
  });
});
