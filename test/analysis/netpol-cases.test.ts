/**
 * The Kubernetes e2e NetworkPolicy cases (../shared/netpol-cases/k8s-e2e): every ordered pair of distinct
 * pods, for every expected port/protocol, must come out as the upstream suite observed it.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { analyze, explain, isAllowed, Protocol, SourcedObject } from '../../lib/analysis';
import { describeWithShared, sharedPath } from '../support/shared';

interface CasePod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: { port: number; protocol: string; name: string }[];
  ip?: string;
}

interface Case {
  name: string;
  namespaces: Record<string, Record<string, string>>;
  pods: CasePod[];
  policies: unknown[];
  expect: { port: number; protocol: Protocol; allowed: string[]; denied: string[] }[];
}

const CASES_DIR = sharedPath('netpol-cases', 'k8s-e2e');

function loadCases(): [string, Case][] {
  if (!fs.existsSync(CASES_DIR)) return [];
  return fs
    .readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f, parse(fs.readFileSync(`${CASES_DIR}/${f}`, 'utf8')) as Case]);
}

function toObjects(c: Case, file: string): SourcedObject[] {
  const namespaces = Object.entries(c.namespaces).map(([name, labels]) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  }));
  const pods = c.pods.map((p) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
    spec: {
      containers: [
        { name: 'c', image: 'agnhost', ports: p.ports.map((x) => ({ containerPort: x.port, protocol: x.protocol, name: x.name })) },
      ],
    },
    ...(p.ip ? { status: { podIP: p.ip, podIPs: [{ ip: p.ip }] } } : {}),
  }));
  return [...namespaces, ...pods, ...c.policies].map((object, index) => ({ file, index, object }));
}

describeWithShared('k8s e2e NetworkPolicy cases', () => {
  const cases = loadCases();

  test('the case directory is not empty', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases)('%s', (file, c) => {
    const objects = toObjects(c, file);
    const conn = analyze(objects);
    const ids = c.pods.map((p) => `${p.namespace}/${p.name}`);
    const mismatches: string[] = [];
    for (const e of c.expect) {
      const allowed = new Set(e.allowed);
      for (const from of ids) {
        for (const to of ids) {
          if (from === to) continue;
          const pair = `${from} -> ${to}`;
          const want = allowed.has(pair);
          if (!want && !e.denied.includes(pair)) mismatches.push(`${e.protocol}/${e.port} ${pair}: listed neither allowed nor denied`);
          const got = isAllowed(conn, from, to, e.port, e.protocol);
          if (got !== want) mismatches.push(`${e.protocol}/${e.port} ${pair}: expected ${want ? 'allowed' : 'denied'}, got ${got ? 'allowed' : 'denied'}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  // explain evaluates one pair on its own path; it must agree with analyze everywhere the cases look.
  test.each(cases)('explain agrees with analyze: %s', (file, c) => {
    const objects = toObjects(c, file);
    const conn = analyze(objects);
    const ids = c.pods.map((p) => `${p.namespace}/${p.name}`);
    const disagreements: string[] = [];
    for (const e of c.expect) {
      for (const from of ids) {
        for (const to of ids) {
          if (from === to) continue;
          const verdict = explain(objects, { from, to, port: e.port, protocol: e.protocol }).allowed;
          if (verdict !== isAllowed(conn, from, to, e.port, e.protocol)) disagreements.push(`${e.protocol}/${e.port} ${from} -> ${to}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
