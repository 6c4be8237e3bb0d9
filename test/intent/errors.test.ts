/**
 * Every kind of bad input named in the spine issue: a `file:line:column` error naming the field and
 * what to do, a non-zero exit, no stack trace, and dist/ exactly as it was.
 */
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';

interface BadInput {
  readonly name: string;
  readonly edit: (text: string) => string;
  /** Text of the line the error must point at. */
  readonly line: string | RegExp;
  readonly field: string | RegExp;
  readonly says: RegExp;
}

const replace = (from: string | RegExp, to: string) => (t: string) => {
  const out = t.replace(from, to);
  if (out === t) throw new Error(`test edit did not apply: ${from}`);
  return out;
};

const cases: BadInput[] = [
  { name: 'unclosed flow sequence: where it opened, and the field', edit: replace('  - name: web\n', '  - name: [web\n'), line: /name: \[web/, field: 'tenants[0].name', says: /the "\[" opened here \(line \d+\) is not closed with "\]"/ },
  { name: 'YAML syntax error', edit: replace('  - name: web\n', '  - name: "web\n'), line: /./, field: '', says: /YAML syntax/ },
  { name: 'empty file', edit: () => '', line: /^/, field: '', says: /empty/ },
  { name: 'unknown field with a suggestion', edit: replace('    replicas: 2\n', '    replicaz: 2\n'), line: /replicaz/, field: 'tenants[0].workloads[0].replicaz', says: /unknown field "replicaz"[\s\S]*did you mean "replicas"/ },
  { name: 'wrong type', edit: replace('    replicas: 2\n', '    replicas: two\n'), line: /replicas: two/, field: 'tenants[0].workloads[0].replicas', says: /must be an integer/ },
  { name: 'missing required field', edit: replace('        image: nginxinc/nginx-unprivileged:1.27-alpine\n', ''), line: /name: frontend/, field: 'tenants[0].workloads[0].image', says: /missing required field "image"/ },
  { name: 'duplicate tenant', edit: replace('  - name: billing\n', '  - name: web\n'), line: /^  - name: web$/, field: 'tenants[2].name', says: /duplicate tenant name "web"/ },
  { name: 'duplicate workload', edit: replace('      - name: ledger\n', '      - name: invoicer\n'), line: /- name: invoicer/, field: 'tenants[2].workloads[1].name', says: /duplicate workload/ },
  { name: 'duplicate port name', edit: replace('          - { name: postgres, port: 5432 }\n', '          - { name: postgres, port: 5432 }\n          - { name: postgres, port: 5433 }\n'), line: /port: 5433/, field: 'tenants[1].workloads[1].ports[1].name', says: /duplicate port/ },
  { name: 'flow to an unknown workload', edit: replace('    to: patient-data/records-db\n', '    to: patient-data/records-dbb\n'), line: /records-dbb/, field: 'flows[1].to', says: /no workload "records-dbb"[\s\S]*did you mean "patient-data\/records-db"/ },
  { name: 'flow to an unknown port name', edit: replace('    ports: [postgres]\n', '    ports: [postgress]\n'), line: /postgress/, field: 'flows[1].ports[0]', says: /no port named "postgress"[\s\S]*did you mean "postgres"/ },
  { name: 'uppercase name', edit: replace('  - name: billing\n', '  - name: Billing\n'), line: /name: Billing/, field: 'tenants[2].name', says: /"Billing" is not valid/ },
  { name: 'name over 63 characters', edit: replace('  - name: billing\n', `  - name: ${'b'.repeat(64)}\n`), line: /bbbb/, field: 'tenants[2].name', says: /64 characters, at most 63/ },
  { name: 'port out of range', edit: replace('{ name: postgres, port: 5432 }', '{ name: postgres, port: 70000 }'), line: /70000/, field: 'tenants[1].workloads[1].ports[0].port', says: /70000 is out of range/ },
  { name: 'invalid CIDR', edit: replace('cidr: 198.51.100.0/24', 'cidr: 198.51.100.0/33'), line: /\/33/, field: 'egress[1].cidr', says: /is not a CIDR/ },
  { name: 'CIDR with host bits', edit: replace('cidr: 198.51.100.0/24', 'cidr: 198.51.100.7/24'), line: /100\.7\/24/, field: 'egress[1].cidr', says: /write 198\.51\.100\.0\/24/ },
  {
    name: 'flow that breaks a guardrail',
    edit: (t) => `${t.replace('\negress:', '\n  - from: billing/invoicer\n    to: patient-data/records-api\n    ports: [http]\n\negress:')}`,
    line: /- from: billing\/invoicer/,
    field: 'flows[5]',
    says: /breaks guardrail "billing-never-reaches-phi" \(.*platform\.yaml:\d+:\d+\)/,
  },
];

describe('bad input', () => {
  test.each(cases)('$name', ({ edit, line, field, says }) => {
    const ws = workspace();
    expect(synth(ws).code).toBe(0);
    const before = treeDigest(ws.dist);
    const text = edit(exampleText());
    require('node:fs').writeFileSync(ws.intents, text);

    const run = synth(ws);

    expect(run.code).not.toBe(0);
    expect(treeDigest(ws.dist)).toEqual(before);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const first = run.stderr.split('\n')[0];
    const m = /^(.*platform\.yaml):(\d+):(\d+): error: (.*)$/.exec(first);
    expect(m).not.toBeNull();
    const lineText = text.split('\n')[Number(m![2]) - 1] ?? '';
    expect(lineText).toMatch(line);
    if (field) expect(m![4]).toMatch(typeof field === 'string' ? new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `) : field);
    expect(run.stderr).toMatch(says);
    expect(run.stderr).toMatch(/hint: \S/);
  });
});
