/**
 * The shared NetworkPolicy cases (../shared/netpol-cases) as manifests: Namespaces, bare Pods (with their
 * IPs where a case gives one) and the policies, written to a directory the way `kubectl get -o yaml` would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { sharedPath } from '../support/shared';

export interface NetpolCase {
  name: string;
  namespaces: Record<string, Record<string, string>>;
  pods: Array<{ namespace: string; name: string; labels: Record<string, string>; ports: Array<{ port: number; protocol: string; name: string }>; ip?: string }>;
  policies: unknown[];
}

export const CASES_DIR = sharedPath('netpol-cases', 'k8s-e2e');

export function loadCases(): Array<[string, NetpolCase]> {
  if (!fs.existsSync(CASES_DIR)) return [];
  return fs
    .readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f, parse(fs.readFileSync(path.join(CASES_DIR, f), 'utf8')) as NetpolCase]);
}

export function caseManifests(c: NetpolCase): unknown[] {
  const namespaces = Object.entries(c.namespaces).map(([name, labels]) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
  const pods = c.pods.map((p) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.47', ports: p.ports.map((x) => ({ containerPort: x.port, protocol: x.protocol, name: x.name })) }] },
    ...(p.ip ? { status: { podIP: p.ip, podIPs: [{ ip: p.ip }] } } : {}),
  }));
  return [...namespaces, ...pods, ...c.policies];
}

/** A fresh directory holding the case as `cluster.yaml`. */
export function writeCase(c: NetpolCase): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bulkhead-import-${c.name}-`));
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), caseManifests(c).map((m) => stringify(m)).join('---\n'));
  return dir;
}
