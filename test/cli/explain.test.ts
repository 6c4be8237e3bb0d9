import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../lib/cli/main';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

const MANIFESTS = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'a', labels: { app: 'client' } } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'a', labels: { app: 'other' } } },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api', namespace: 'b', labels: { app: 'api' } },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8443, name: 'https' }] }] },
  },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'b' }, spec: { podSelector: {} } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'api-from-client', namespace: 'b' },
    spec: {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'monitor' } } }], ports: [{ port: 9090 }] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'https' }] },
      ],
    },
  },
];

let file: string;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-explain-'));
  file = path.join(dir, 'objects.json');
  fs.writeFileSync(file, JSON.stringify(MANIFESTS, null, 2));
});
afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

describe('bulkhead explain', () => {
  test('an allowed connection names the allowing rule and peer; exit 0', async () => {
    const r = await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', '8443', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('ALLOWED: a/client -> b/api TCP 8443');
    expect(lines).toContain('  egress of a/client: allowed (not isolated: no egress policy selects it)');
    expect(lines).toContain(
      `      - NetworkPolicy b/api-from-client (${file}#4) ingress[1] peer 1 (namespaceSelector kubernetes.io/metadata.name=a, podSelector app=client)`,
    );
  });

  test('a denied connection lists the isolating policies and why each rule fails; exit 1', async () => {
    const r = await run(['explain', '--from', 'a/other', '--to', 'b/api', '--port', '8443', '--protocol', 'tcp', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DENIED: a/other -> b/api TCP 8443');
    expect(r.stdout).toContain(`      - NetworkPolicy b/deny (${file}#3)\n      - NetworkPolicy b/api-from-client (${file}#4)`);
    expect(r.stdout).toContain('peer 0 (namespace b, podSelector app=monitor): a/other is not in namespace b');
    expect(r.stdout).toContain('port: TCP 8443 is not in the rule\'s ports on b/api: TCP 9090');
    expect(r.stdout).toContain('peer 0 (ipBlock 10.0.0.0/8): a/other declares no pod IP');
    expect(r.stdout).toContain('peer 1 (namespaceSelector kubernetes.io/metadata.name=a, podSelector app=client): a/other fails podSelector app=client');
  });

  test('a wrong port on the right peer is reported as a port mismatch only', async () => {
    const r = await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', '8080', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`      - NetworkPolicy b/api-from-client (${file}#4) ingress[1]:\n          peer matches\n          port: TCP 8080 is not in the rule's ports on b/api: TCP 8443`);
  });

  test('an unknown workload is an error listing near matches', async () => {
    const r = await run(['explain', '--from', 'a/clinet', '--to', 'b/api', '--port', '80', file]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'bulkhead: unknown from workload "a/clinet" (ids are namespace/name); did you mean a/client?\n' });
    const bare = await run(['explain', '--from', 'a/client', '--to', 'api', '--port', '80', file]);
    expect(bare.stderr).toContain('did you mean b/api?');
  });

  test('bad options exit 2', async () => {
    expect((await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', 'http', file])).stderr).toBe(
      'bulkhead: --port must be a number from 1 to 65535 (got http)\n',
    );
    expect((await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', '80', '--protocol', 'icmp', file])).code).toBe(2);
    const missing = await run(['explain', '--to', 'b/api', '--port', '80', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^bulkhead: required option '--from <id>' not specified/);
  });
});
