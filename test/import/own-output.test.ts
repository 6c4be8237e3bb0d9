/**
 * Adoption of bulkhead's own output: a platform using every Cilium feature (HTTP rules, DNS names,
 * kube-apiserver, address blocks with except, a guardrail, a gateway and a route) is compiled and written
 * to disk; importing its platform/ and tenants/ gives a platform whose synth has the same connectivity
 * (HTTP rules included), and importing that synth's output gives back the very same bytes. The proof itself
 * must notice when the written platform says something else.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../lib/analysis';
import type { Connectivity } from '../../lib/analysis';
import { importManifests, renderReport } from '../../lib/import';
import { readInventory } from '../../lib/import/inventory';
import { prove } from '../../lib/import/proof';
import { checkPlatform } from '../../lib/intent/check';
import type { PlatformSpec } from '../../lib/intent/types';
import { compilePlatform } from '../../lib/synth/pipeline';
import { runImport, synthConnectivity } from './support';

const PLATFORM: PlatformSpec = {
  apiVersion: 'bulkhead.dev/v1alpha1',
  kind: 'Platform',
  metadata: { name: 'clinic' },
  clusters: [{ name: 'lab', provider: 'kind' }],
  tenants: [
    {
      name: 'web',
      labels: { 'data-class': 'public' },
      workloads: [
        { name: 'frontend', image: 'nginxinc/nginx-unprivileged:1.27-alpine', user: 101, writablePaths: ['/tmp'], ports: [{ name: 'http', port: 8080 }], replicas: 2 },
        { name: 'canary', image: 'nginxinc/nginx-unprivileged:1.28-alpine', user: 101, writablePaths: ['/tmp'], ports: [{ name: 'http', port: 8080 }] },
      ],
    },
    {
      name: 'records',
      labels: { 'data-class': 'phi' },
      workloads: [
        { name: 'api', image: 'hashicorp/http-echo:1.0', args: ['-listen=:8080'], ports: [{ name: 'http', port: 8080 }] },
        {
          name: 'db',
          image: 'postgres:16-alpine',
          user: 70,
          ports: [{ name: 'postgres', port: 5432 }],
          env: { PGDATA: '/var/lib/postgresql/data/pgdata', POSTGRES_PASSWORD: { secretKeyRef: { name: 'records-db', key: 'password' } } },
          resources: { requests: { cpu: '250m' }, limits: { memory: '1Gi' } },
        },
      ],
    },
    {
      name: 'billing',
      labels: { 'data-class': 'financial' },
      workloads: [
        { name: 'invoicer', image: 'hashicorp/http-echo:1.0', ports: [{ name: 'http', port: 8080 }] },
        { name: 'ledger', image: 'hashicorp/http-echo:1.0', ports: [{ name: 'grpc', port: 9090 }, { name: 'stats', port: 9125, protocol: 'UDP' }] },
      ],
    },
    { name: 'sandbox', labels: { team: 'platform' } },
  ],
  flows: [
    { from: 'web', to: 'records/api', ports: ['http'], http: [{ method: 'GET', path: '/records(/.*)?' }] },
    { from: 'records/api', to: 'records/db', ports: ['postgres'] },
    { from: 'web', to: 'billing/invoicer', ports: ['http'] },
    { from: 'billing/invoicer', to: 'billing/ledger', ports: ['grpc', { port: 9125, protocol: 'UDP' }, { port: 9200, endPort: 9210 }] },
  ],
  egress: [
    { from: 'billing/invoicer', fqdn: 'api.stripe.com', ports: [443] },
    { from: 'billing/ledger', cidr: '198.51.100.0/24', except: ['198.51.100.128/25'], ports: [443] },
    { from: 'billing', entity: 'kube-apiserver' },
  ],
  guardrails: [{ name: 'billing-never-reaches-phi', from: { tenant: 'billing' }, to: { labels: { 'data-class': 'phi' } }, bidirectional: true }],
  gateways: [{ name: 'public', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] }],
  routes: [{ name: 'portal', tenant: 'web', gateway: 'public', hostnames: ['portal.example.com'], rules: [{ backends: [{ to: 'web/frontend', port: 'http' }] }] }],
};

/** Compiles a platform and writes its cluster's manifests (platform/, tenants/) the way synth lays them out. */
function writeCompiled(spec: PlatformSpec): { dir: string; connectivity: Connectivity } {
  const result = compilePlatform(checkPlatform(spec), { dryRun: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-own-output-'));
  for (const [file, text] of result.clusters[0].texts) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const objects = result.clusters[0].files.flatMap((f) => f.manifests.map((object, index) => ({ file: f.path, index, object })));
  return { dir, connectivity: analyze(objects) };
}

/** Connections with their HTTP rules, and egress to outside addresses, as comparable lines. */
function lines(conn: Connectivity): string[] {
  return [
    ...conn.connections.map((c) => `${c.from} -> ${c.to} ${JSON.stringify(c.ports)} ${JSON.stringify(c.l7 ?? [])}`),
    ...conn.external.filter((e) => e.direction === 'egress').map((e) => `${e.workload} -> ${JSON.stringify({ ...e, workload: undefined })}`),
  ].sort();
}

describe('importing bulkhead output', () => {
  const compiled = writeCompiled(PLATFORM);
  const dirs = [path.join(compiled.dir, 'platform'), path.join(compiled.dir, 'tenants')];

  test('compiles to the same connectivity, and importing that output again gives a byte-identical file', async () => {
    const first = await runImport(dirs);
    expect(first.stderr).toMatch(/^proof: equal\./m);
    expect(first.code).toBe(0);
    const again = synthConnectivity(first.stdout);
    expect(lines(again.connectivity)).toEqual(lines(compiled.connectivity));
    expect(lines(again.connectivity).some((l) => l.includes('"http"'))).toBe(true);
    const second = await runImport([path.join(again.dir, 'platform'), path.join(again.dir, 'tenants')]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  test('the whole cluster directory, probe Jobs (PostSync hooks) included, imports to the same file', async () => {
    expect(fs.readdirSync(path.join(compiled.dir, 'probes')).length).toBeGreaterThan(0);
    const whole = await runImport([compiled.dir]);
    expect(whole.code).toBe(0);
    expect(whole.stdout).not.toContain('-probes');
    expect(whole.stdout).toBe((await runImport(dirs)).stdout);
  });

  test('lists what it leaves out: the gateway route and the guardrail, by policy and rule', async () => {
    const run = await runImport(dirs);
    expect(run.stderr).toContain('CiliumNetworkPolicy web/frontend-cilium ingress[0]: ingress to web/frontend from the gateway proxy (Cilium entity ingress) on TCP 8080 (gateway traffic: gateways and routes are not imported)');
    expect(run.stderr).toMatch(/CiliumClusterwideNetworkPolicy guardrail-billing-never-reaches-phi specs\[\d\]\.egressDeny\[0\]: deny rule for billing\/invoicer, billing\/ledger/);
    expect(run.stderr).not.toContain('bulkhead-gateways');
  });

  test('the proof reports each difference when the written platform says something else', () => {
    const objects = [path.join(compiled.dir, 'tenants'), path.join(compiled.dir, 'platform')].flatMap((d) =>
      fs.readdirSync(d).flatMap((f) => require('yaml').parseAllDocuments(fs.readFileSync(path.join(d, f), 'utf8')).map((doc: { toJS: () => unknown }, index: number) => ({ file: f, index, object: doc.toJS() }))),
    );
    const imported = importManifests(objects);
    expect(imported.proof.equal).toBe(true);
    const original = analyze(objects);
    const inv = readInventory(objects);
    const widened = imported.text.replace('ports: [ postgres ]', 'ports: [ postgres, 9999 ]');
    expect(widened).not.toBe(imported.text);
    expect(prove(widened, original, inv, new Map()).differences).toEqual(['records/api -> records/db: TCP 5432 in the original, TCP 5432, 9999 imported']);
    const dropped = imported.text.replace(/ {2}- from: billing\/ledger\n {4}cidr: 198\.51\.100\.0\/24\n(?: {4}.*\n)+/, '');
    expect(prove(dropped, original, inv, new Map())).toMatchObject({ equal: false, differences: ['egress billing/ledger -> cidr 198.51.100.0/24 except 198.51.100.128/25: TCP 443 in the original, nothing imported'] });
    const broken = prove(imported.text.replace('provider: kind', 'provider: moon'), original, inv, new Map());
    expect(broken).toMatchObject({ equal: false, differences: [] });
    expect(broken.failure).toMatch(/^platform\.yaml \(imported\):\d+:\d+: error: clusters\[0\]\.provider/);
    expect(renderReport({ ...imported, proof: broken })).toContain('proof: FAILED, the written platform does not compile');
  });
});
