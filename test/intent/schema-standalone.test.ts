/**
 * The schema validator the package's build precompiles (Ajv standalone code, see lib/intent/schema-compile.ts)
 * gives exactly the errors of the one compiled at run time, which every other test uses: on the malformed
 * corpus and on a valid platform broken in the ways the schema knows (types, unknown fields, patterns,
 * ranges, missing fields).
 */
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { compileSchema, standaloneValidatorSource } from '../../lib/intent/schema-compile';
import { smallPlatform } from '../support/fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(__dirname, 'corpus');

/** Loads the standalone source as the build's file would be loaded (its requires resolve in this package). */
function loadStandalone(): ValidateFunction {
  const file = path.join(ROOT, 'build', 'lib', 'intent', 'platform-schema-validator.test.js');
  const m = new Module(file) as Module & { _compile(src: string, file: string): void; paths: string[] };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(ROOT);
  m._compile(standaloneValidatorSource(), file);
  return m.exports as ValidateFunction;
}

const broken = (mutate: (spec: Record<string, any>) => void) => {
  const spec = JSON.parse(JSON.stringify(smallPlatform())) as Record<string, any>;
  mutate(spec);
  return spec;
};

test('the precompiled validator and the run-time one accept and reject alike, with the same errors', () => {
  const standalone = loadStandalone();
  const runtime = compileSchema();
  const inputs: unknown[] = [
    smallPlatform(),
    broken((s) => (s.clusters[0].provider = 'gke')),
    broken((s) => (s.tenants[0].workloads[0].ports[0].port = 70000)),
    broken((s) => (s.tenants[0].workloads[0].replicas = 'two')),
    broken((s) => (s.tenants[0].name = 'Not A Name')),
    broken((s) => (s.tenants[0].workloads[0].imagePullPolicy = 'Always')),
    broken((s) => delete s.metadata),
    broken((s) => (s.flows[0].ports = [])),
    broken((s) => (s.egress = [{ from: 'shop/web', cidr: 10, ports: [443] }])),
    broken((s) => (s.kind = 'Platfrom')),
  ];
  for (const f of fs.readdirSync(CORPUS).filter((x) => x.endsWith('.yaml'))) {
    try {
      inputs.push(parse(fs.readFileSync(path.join(CORPUS, f), 'utf8')));
    } catch {
      // not YAML at all: the schema never sees it
    }
  }
  let rejected = 0;
  for (const input of inputs) {
    const a = runtime(input);
    const b = standalone(input);
    expect(b).toBe(a);
    expect(standalone.errors ?? null).toEqual(runtime.errors ?? null);
    if (!a) rejected++;
  }
  expect(rejected).toBeGreaterThanOrEqual(10);
});
