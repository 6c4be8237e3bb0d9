/** On bulkhead's own output, `explain` also names the flow in platform.yaml behind an allowed connection. */
import * as path from 'node:path';
import { runCli } from '../../lib/cli/main';
import { EXAMPLE, exampleText, synth, workspace } from '../support/workspace';

async function run(argv: string[]) {
  let stdout = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: () => undefined, color: false });
  return { code, stdout };
}

test('names the declaring flow with its position, and says when no flow declares one', async () => {
  const ws = workspace();
  expect(synth(ws).code).toBe(0);
  const dir = path.join(ws.dist, 'dev');
  const allowed = await run(['explain', '--from', 'web/frontend', '--to', 'patient-data/records-api', '--port', '8080', '--intents', EXAMPLE, dir]);
  expect(allowed.code).toBe(0);
  // The flow is declared for the whole web tenant; explain finds it for one of its workloads.
  const line = exampleText().split('\n').findIndex((l) => l === '  - from: web') + 1;
  expect(line).toBeGreaterThan(0);
  expect(allowed.stdout).toContain(`intent: flow web -> patient-data/records-api on http at ${EXAMPLE}:${line}:5`);

  const denied = await run(['explain', '--from', 'billing/invoicer', '--to', 'patient-data/records-api', '--port', '8080', '--intents', EXAMPLE, dir]);
  expect(denied.code).toBe(1);
  expect(denied.stdout).not.toContain('intent:');
});
