import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../lib/cli/main';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 5432, name: pg}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: pg}, {port: 9000, endPort: 9010}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
  - to: [{ipBlock: {cidr: 192.0.2.0/24}}]
    ports: [{port: 443}, {port: 53, protocol: UDP}]
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-cli-'));
  fs.mkdirSync(path.join(dir, 'nested'));
  fs.writeFileSync(path.join(dir, 'nested', 'shop.yaml'), MANIFESTS);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bulkhead connectivity', () => {
  test('--format json prints exactly the contract: workloads (id, kind), connections, external', async () => {
    const r = await run(['connectivity', '--format', 'json', dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const expected = {
      workloads: [
        { id: 'shop/db', kind: 'StatefulSet' },
        { id: 'shop/web', kind: 'Deployment' },
      ],
      connections: [{ from: 'shop/web', to: 'shop/db', ports: { TCP: [[5432, 5432], [9000, 9010]] } }],
      external: [
        { direction: 'egress', workload: 'shop/web', cidr: '192.0.2.0/24', except: [], ports: { TCP: [[443, 443]], UDP: [[53, 53]] } },
      ],
    };
    // Byte for byte: key order and 2-space indentation are part of the contract.
    expect(r.stdout).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  test('--format txt (the default) prints one line per connection', async () => {
    const r = await run(['connectivity', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['shop/web => shop/db : TCP 5432, 9000-9010', 'shop/web => 192.0.2.0/24 : TCP 443, UDP 53', '']);
  });

  test('--format md prints a Markdown table', async () => {
    const r = await run(['connectivity', '--format', 'md', path.join(dir, 'nested', 'shop.yaml')]);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['| from | to | ports |', '| --- | --- | --- |', '| shop/web | shop/db | TCP 5432, 9000-9010 |']);
  });

  test('Argo CD and Helm hooks (probe Jobs) run only around a sync: left out unless --include-hooks', async () => {
    const hooks = path.join(dir, 'hooks');
    fs.mkdirSync(hooks);
    const job = (name: string, annotation: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata: {name: ${name}, namespace: shop, annotations: {${annotation}: PostSync}}\n` +
      `spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}\n`;
    fs.writeFileSync(path.join(hooks, 'jobs.yaml'), `${job('web-probes', 'argocd.argoproj.io/hook')}---\n${job('migrate', 'helm.sh/hook')}`);
    try {
      const plain = JSON.parse((await run(['connectivity', '--format', 'json', dir])).stdout);
      expect(plain.workloads.map((w: { id: string }) => w.id)).toEqual(['shop/db', 'shop/web']);
      const withHooks = JSON.parse((await run(['connectivity', '--include-hooks', '--format', 'json', dir])).stdout);
      expect(withHooks.workloads.map((w: { id: string }) => w.id)).toEqual(['shop/db', 'shop/migrate', 'shop/web', 'shop/web-probes']);
      // Same labels as web, so the same policies: the probe reaches db like web does.
      expect(withHooks.connections).toContainEqual({ from: 'shop/web-probes', to: 'shop/db', ports: { TCP: [[5432, 5432], [9000, 9010]] } });
    } finally {
      fs.rmSync(hooks, { recursive: true });
    }
  });

  test('usage and input errors: `bulkhead: <message>` on stderr, exit 2, no stack trace', async () => {
    const badFormat = await run(['connectivity', '--format', 'xml', dir]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/^bulkhead: option '--format <format>' argument 'xml' is invalid/);

    const missing = await run(['connectivity', path.join(dir, 'missing.yaml')]);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: `bulkhead: ${path.join(dir, 'missing.yaml')}: no such file or directory\n` });

    const broken = path.join(dir, 'broken.yml');
    fs.writeFileSync(broken, 'kind: Pod\nmetadata: {name: [x\n');
    try {
      const r = await run(['connectivity', broken]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^bulkhead: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: YAML syntax error`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(broken);
    }

    const noArgs = await run([]);
    expect(noArgs.code).toBe(2);
  });
});
