/**
 * The layers in .dependency-cruiser.cjs hold: no folder imports what its layer forbids. The second test
 * shows the check has teeth, on a small tree with one forbidden import of each kind.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const CRUISER = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(cwd: string, paths: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CRUISER, '--config', CONFIG, '--output-type', 'err', ...paths], { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('the code keeps its layers', () => {
  const r = cruise(ROOT, ['lib', 'examples', 'main.ts']);
  expect(r.output).toMatch(/no dependency violations found/);
  expect(r.status).toBe(0);
});

test('a forbidden import fails the check, named by its rule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-layers-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  try {
    write('tsconfig.json', '{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext" } }');
    write('lib/intent/check.ts', "export const checked = 1;\n");
    write('lib/model/platform.ts', "import { checked } from '../intent/check';\nexport const model = checked;\n");
    write('lib/constructs/tenant.ts', "import { checked } from '../intent/check';\nimport { model } from '../model/platform';\nexport const tenant = checked + model;\n");
    write('lib/emit/render.ts', "import { tenant } from '../constructs/tenant';\nexport const rendered = tenant;\n");
    write('lib/constructs/cilium-values.ts', "import { rendered } from '../emit/render';\nexport const values = rendered;\n");
    write('lib/analysis/engine.ts', "import { model } from '../model/platform';\nexport const engine = model;\n");
    write('lib/report/report.ts', "import { tenant } from '../constructs/tenant';\nexport const report = tenant;\n");
    write('lib/cli/errors.ts', "export class UsageError extends Error {}\n");
    write('lib/diff/other.ts', "import { UsageError } from '../cli/errors';\nexport const e = UsageError;\n");
    write('lib/index.ts', "export { tenant } from './constructs/tenant';\n");
    write('examples/app/app.ts', "import { tenant } from '../../lib/constructs/tenant';\nexport const x = tenant;\n");
    const r = cruise(dir, ['lib', 'examples']);
    expect(r.status).not.toBe(0);
    for (const [rule, edge] of [
      ['model-imports-nothing-of-the-compiler', 'lib/model/platform.ts → lib/intent/check.ts'],
      ['constructs-import-only-model', 'lib/constructs/tenant.ts → lib/intent/check.ts'],
      ['constructs-import-only-model', 'lib/constructs/cilium-values.ts → lib/emit/render.ts'],
      ['analysis-reads-only-manifests', 'lib/analysis/engine.ts → lib/model/platform.ts'],
      ['diff-and-report-not-cli-or-constructs', 'lib/report/report.ts → lib/constructs/tenant.ts'],
      ['examples-use-the-public-entry-point', 'examples/app/app.ts → lib/constructs/tenant.ts'],
    ])
      expect(r.output).toContain(`error ${rule}: ${edge}`);
    expect(r.output).toContain('error diff-and-report-not-cli-or-constructs: lib/diff/other.ts → lib/cli/errors.ts');
    expect(r.output).toMatch(/error no-folder-cycles: lib\/(constructs|emit) →/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
