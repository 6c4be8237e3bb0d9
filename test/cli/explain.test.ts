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
      'bulkhead: b/api declares no TCP port named "http" (named ports: https (TCP 8443))\n',
    );
    expect((await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', 'Not_A_Name', file])).stderr).toBe(
      'bulkhead: --port must be a number from 1 to 65535 or a port name (got Not_A_Name)\n',
    );
    expect((await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', '80', '--protocol', 'icmp', file])).code).toBe(2);
    const missing = await run(['explain', '--to', 'b/api', '--port', '80', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^bulkhead: required option '--from <id>' not specified/);
  });
});

describe('bulkhead explain: named ports and destinations outside the cluster', () => {
  // a/client may reach 203.0.113.0/24 on 443 and api.example.com (any port named in numbers); nothing else.
  const EGRESS = [
    ...MANIFESTS,
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'client-out', namespace: 'a' },
      spec: { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ port: 443 }] }] },
    },
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'client-fqdn', namespace: 'a' },
      spec: { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{ toFQDNs: [{ matchPattern: '*.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] },
    },
  ];
  let egressFile: string;
  beforeAll(() => {
    egressFile = path.join(path.dirname(file), 'egress.json');
    fs.writeFileSync(egressFile, JSON.stringify(EGRESS, null, 2));
  });
  const explainTo = (to: string, port: string) => run(['explain', '--from', 'a/client', '--to', to, '--port', port, egressFile]);

  test('a port name resolves on the destination workload, to the same answer as its number', async () => {
    const named = await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', 'https', file]);
    const numbered = await run(['explain', '--from', 'a/client', '--to', 'b/api', '--port', '8443', file]);
    expect(named).toEqual(numbered);
    expect(named.code).toBe(0);
  });

  test('an address inside an allowed block, outside its except, on the allowed port: allowed by that rule', async () => {
    const r = await explainTo('203.0.113.7', '443');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('ALLOWED: a/client -> 203.0.113.7 TCP 443');
    expect(r.stdout).toContain(`NetworkPolicy a/client-out (${egressFile}#5) egress[0] peer 0 (ipBlock 203.0.113.0/24 except 203.0.113.128/25)`);
    expect(r.stdout).not.toContain('ingress of');
  });

  test('an address in the except, or another port, is denied with the reason', async () => {
    const inExcept = await explainTo('203.0.113.200', '443');
    expect(inExcept.code).toBe(1);
    expect(inExcept.stdout).toContain('does not reach 203.0.113.200');
    const otherPort = await explainTo('203.0.113.7', '80');
    expect(otherPort.code).toBe(1);
    expect(otherPort.stdout).toContain("port: TCP 80 is not in the rule's ports: TCP 443");
  });

  test('fqdn: matches toFQDNs names and patterns; entity: matches no rule here', async () => {
    expect((await explainTo('fqdn:shop.example.com', '443')).code).toBe(0);
    expect((await explainTo('fqdn:example.org', '443')).code).toBe(1);
    const api = await explainTo('entity:kube-apiserver', '443');
    expect(api.code).toBe(1);
    expect(api.stdout).toContain('DENIED: a/client -> entity:kube-apiserver TCP 443');
  });

  test('a source without egress policy reaches everything outside; a named port outside is a usage error', async () => {
    expect((await run(['explain', '--from', 'a/other', '--to', 'fqdn:anything.test', '--port', '25', egressFile])).code).toBe(0);
    const r = await explainTo('fqdn:shop.example.com', 'https');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('named ports resolve on a destination workload; give the number');
  });
});
