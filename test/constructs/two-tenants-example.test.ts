/**
 * examples/two-tenants/app.ts, the README's example: written only against lib/index.ts (the
 * dependency rules check that), synthesized by cdk8s itself, and the YAML it writes proven.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { twoTenantApp } from '../../examples/two-tenants/app';
import { VerificationError, verify } from '../../lib';

function synthToDisk() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-example-'));
  const app = twoTenantApp(outdir);
  app.synth();
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml'));
  const manifests = files.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS()));
  fs.rmSync(outdir, { recursive: true, force: true });
  return { app, files, manifests };
}

const { app, files, manifests } = synthToDisk();
const names = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => `${m.metadata.namespace ?? ''}/${m.metadata.name}`).sort();

test('the example renders two tenants into its own chart, with both ends of its one connection', () => {
  expect(files).toEqual(['platform.k8s.yaml']);
  expect(names('Namespace')).toEqual(['/patient-data', '/web']);
  expect(names('NetworkPolicy')).toEqual(['patient-data/default-deny', 'patient-data/records-api-ingress', 'web/default-deny', 'web/frontend-egress']);
});

test('the YAML cdk8s wrote passes verify', () => {
  const proof = verify(app, { manifests });
  expect(proof.connectivity.connections.map((c) => `${c.from} -> ${c.to}`)).toEqual(['web/frontend -> patient-data/records-api']);
});

test('with the ingress half removed by hand, verify fails and says the flow is blocked at records-api', () => {
  const edited = manifests.filter((m) => !(m.kind === 'NetworkPolicy' && m.metadata.name === 'records-api-ingress'));
  expect(edited.length).toBe(manifests.length - 1);
  let err: unknown;
  try {
    verify(app, { manifests: edited });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VerificationError);
  expect((err as Error).message).toMatch(/web\/frontend -> patient-data\/records-api: expected TCP 8080 .* but nothing is open \(ingress of patient-data\/records-api: isolated by NetworkPolicy patient-data\/default-deny/);
});
