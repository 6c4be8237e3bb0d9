/** README's command-line reference is what the commands' own --help says (`npm run readme:cli` rewrites it). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../lib/cli/main';
import { BEGIN, END, cliReference } from '../../lib/cli/reference';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

test("the README's reference block is the generated one: run `npm run readme:cli` after changing a command", () => {
  const block = README.slice(README.indexOf(BEGIN) + BEGIN.length, README.indexOf(END)).trim();
  expect(block).toBe(cliReference());
});

test('the reference holds every command and every option its --help prints', async () => {
  const reference = cliReference();
  for (const name of ['init', 'synth', 'check', 'connectivity', 'explain', 'diff', 'probes', 'import']) {
    let help = '';
    expect(await runCli([name, '--help'], { stdout: (t) => (help += t), stderr: () => undefined, color: false })).toBe(0);
    expect(reference).toContain(`$ bulkhead ${name} --help\nUsage: bulkhead ${name} `);
    for (const flag of help.match(/^\s+(-\w, )?--[\w-]+/gm) ?? []) expect([name, reference.includes(flag.trim())]).toEqual([name, true]);
  }
});
