/**
 * A guardrail always protects someone: a side that selects no workload is a compile error at that side's
 * position, and CONNECTIVITY.md lists each guardrail's members on both sides.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUARDED_PLATFORM, edit, lineOf } from '../support/guarded-platform';
import { synth, treeDigest, workspace } from '../support/workspace';

const relabel = (text: string, tenant: string) => edit(text, `  - name: ${tenant}\n    labels:\n      data-class: phi\n`, `  - name: ${tenant}\n    labels:\n      data-class: restricted\n`);

test('relabelling every tenant out of a guardrail fails synth at the side that matches nothing, naming the selector', () => {
  const ws = workspace(GUARDED_PLATFORM);
  expect(synth(ws).code).toBe(0);
  const before = treeDigest(ws.dist);
  const text = relabel(relabel(GUARDED_PLATFORM, 'patient-data'), 'lab-results');
  fs.writeFileSync(ws.intents, text);
  const run = synth(ws);
  expect(run.code).toBe(1);
  const [first, hint] = run.stderr.split('\n');
  const line = lineOf(text, '    to: { labels: { data-class: phi } }');
  expect(first).toBe(
    `${ws.intents}:${line}:9: error: guardrails[0].to: guardrail "billing-never-reaches-phi" protects nothing: its to side (data-class=phi) selects no workload in any cluster (lab): no tenant has data-class=phi`,
  );
  // The hint says who carries the label now, so the reviewer sees where the PHI tenants went.
  expect(hint).toContain('patient-data (data-class=restricted), lab-results (data-class=restricted)');
  expect(hint).toContain('HIPAA 45 CFR 164.312(a)(1)');
  expect(treeDigest(ws.dist)).toEqual(before);
});

test('a side naming a tenant without workloads protects nothing either; the from side is named', () => {
  const text = edit(GUARDED_PLATFORM, /  - name: billing\n    labels: \{ data-class: financial \}\n    workloads:\n[\s\S]*?(?=flows:)/, '  - name: billing\n    labels: { data-class: financial }\n');
  const flowless = edit(text, '  - from: web/frontend\n    to: billing/invoicer\n    ports: [http]\n  - from: billing/invoicer\n    to: billing/ledger\n    ports: [grpc]\n', '');
  const ws = workspace(flowless);
  const run = synth(ws);
  expect(run.code).toBe(1);
  expect(run.stderr.split('\n')[0]).toMatch(/guardrails\[0\]\.from: guardrail "billing-never-reaches-phi" protects nothing: its from side \(tenant billing\) selects no workload in any cluster \(lab\): billing has no workloads$/);
});

test('one tenant leaving while another still matches compiles; CONNECTIVITY.md lists the members of both sides', () => {
  const relabelled = relabel(GUARDED_PLATFORM, 'patient-data');
  for (const [text, phi] of [
    [GUARDED_PLATFORM, ['lab-results | results-api', 'patient-data | records-api, records-db']],
    [relabelled, ['lab-results | results-api']],
  ] as const) {
    const ws = workspace(text);
    expect(synth(ws).stderr).toBe('');
    const report = fs.readFileSync(path.join(ws.dist, 'lab', 'CONNECTIVITY.md'), 'utf8');
    const rows = report.split('\n').filter((l) => l.startsWith('| billing-never-reaches-phi | from') || l.startsWith('| billing-never-reaches-phi | to'));
    expect(rows).toEqual([
      '| billing-never-reaches-phi | from (tenant billing) | billing | invoicer, ledger |',
      ...phi.map((m) => `| billing-never-reaches-phi | to (data-class=phi) | ${m} |`),
    ]);
  }
});
