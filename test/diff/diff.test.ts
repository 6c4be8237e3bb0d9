/**
 * `bulkhead diff` on temporary git repositories (see repo.ts): a PR that opens a flow, one that closes one,
 * a rename, the first PR, and reading refs without touching the working tree. One repository serves every
 * test (four synths); each test checks out its branch and runs `bulkhead diff --base HEAD~1` there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OPENED_FLOW, Repo, lineOf, scenarioRepo } from './repo';

let repo: Repo;
let texts: ReturnType<typeof scenarioRepo>['texts'];

beforeAll(() => {
  ({ repo, texts } = scenarioRepo());
});
afterAll(() => repo?.remove());

const json = async (args: string[]) => {
  const run = await repo.cli(['diff', ...args, '--format', 'json']);
  expect(run.stderr).toBe('');
  return { code: run.code, doc: JSON.parse(run.stdout) };
};

describe('a PR that opens a flow (billing/invoicer -> patient-data/records-api on 8080, guardrail removed)', () => {
  beforeAll(() => repo.checkout('open'));

  test('reports exactly that connection opened, in both clusters, with its flow in platform.yaml', async () => {
    const { code, doc } = await json(['--base', 'HEAD~1']);
    expect(code).toBe(0);
    const line = lineOf(texts.open, OPENED_FLOW);
    const guardrailLine = lineOf(texts.base, '  - name: billing-never-reaches-phi');
    for (const c of doc.clusters) {
      // Only the declared direction opens: nothing from records-api back to the invoicer.
      expect(c.connections).toEqual({
        opened: [
          {
            from: 'billing/invoicer',
            to: 'patient-data/records-api',
            ports: { TCP: [[8080, 8080]] },
            whole: true,
            flows: [{ intent: 'flow billing/invoicer -> patient-data/records-api on 8080', at: `platform.yaml:${line}:5`, description: 'Invoices need the patient record.' }],
            // The base's guardrail forbade it: the connection is marked as crossing it, at its base position.
            crosses: [{ name: 'billing-never-reaches-phi', rule: 'tenant billing <-> data-class=phi', control: 'HIPAA 45 CFR 164.312(a)(1) access control', at: `platform.yaml:${guardrailLine}:5` }],
          },
        ],
        closed: [],
      });
      expect(c.external).toEqual({ opened: [], closed: [] });
      expect(c.gateway).toEqual({ opened: [], closed: [] });
      expect(c.http).toEqual([]);
    }
    expect(doc.clusters.map((c: { name: string }) => c.name)).toEqual(['dev', 'prod']);
    expect(doc.summary).toMatchObject({ connectionsOpened: 1, connectionsCrossingGuardrail: 1, connectionsClosed: 0, guardrailsRemoved: 1, guardrailsViolated: 0, guardrailsAdded: 0, guardrailMembersLeft: 0 });
    expect(doc.headCheck).toEqual({ status: 'ok' });
  });

  test('reports the removed guardrail, where it was, and the head connection it would have forbidden', async () => {
    const { doc } = await json(['--base', 'HEAD~1']);
    const line = lineOf(texts.base, '  - name: billing-never-reaches-phi');
    expect(doc.guardrails).toEqual({
      left: [],
      added: [],
      removed: [
        {
          name: 'billing-never-reaches-phi',
          rule: 'tenant billing <-> data-class=phi',
          control: 'HIPAA 45 CFR 164.312(a)(1) access control',
          at: `platform.yaml:${line}:5`,
          crossedInHead: ['dev', 'prod'].map((cluster) => ({ cluster, connections: ['billing/invoicer -> patient-data/records-api (TCP 8080)'] })),
        },
      ],
      changed: [],
      violated: [],
    });
    // The guardrail's CiliumClusterwideNetworkPolicy goes with it: fewer policies.
    const dev = doc.clusters.find((c: { name: string }) => c.name === 'dev');
    expect(dev.policyCost.base.ciliumClusterwideNetworkPolicies).toBe(1);
    expect(dev.policyCost.head.ciliumClusterwideNetworkPolicies).toBe(0);
    expect(doc.resources.removed).toContainEqual(expect.objectContaining({ kind: 'CiliumClusterwideNetworkPolicy', name: 'guardrail-billing-never-reaches-phi', cluster: 'dev' }));
  });

  test('Markdown: the marker, a one-line verdict, the table row naming the flow, Mermaid, folded details', async () => {
    const run = await repo.cli(['diff', '--base', 'HEAD~1', '--format', 'md']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('<!-- bulkhead-diff -->');
    expect(lines[1]).toBe('**bulkhead: 1 guardrail removed, 1 connection opened across a base guardrail** in dev, prod');
    const line = lineOf(texts.open, OPENED_FLOW);
    const guardrailLine = lineOf(texts.base, '  - name: billing-never-reaches-phi');
    expect(run.stdout).toContain(
      `| ⛔ opened across billing-never-reaches-phi | \`billing/invoicer\` | \`patient-data/records-api\` | TCP 8080 | dev, prod | \`platform.yaml:${line}:5\` flow billing/invoicer -> patient-data/records-api on 8080<br>forbidden in the base by \`billing-never-reaches-phi\` (\`platform.yaml:${guardrailLine}:5\`) |`,
    );
    // Risk first: the guardrail section comes before the table of opened connections.
    expect(run.stdout.indexOf('guardrail removed: `billing-never-reaches-phi`')).toBeGreaterThan(0);
    expect(run.stdout.indexOf('guardrail removed: `billing-never-reaches-phi`')).toBeLessThan(run.stdout.indexOf('#### Opened'));
    // Red: the edge crosses a base guardrail.
    expect(run.stdout).toMatch(/```mermaid\nflowchart LR\n {2}n0\["billing\/invoicer"\] -->\|"opened: TCP 8080"\| n1\["patient-data\/records-api"\]\n {2}linkStyle 0 stroke:#cf222e/);
    expect(run.stdout).toContain('<details><summary>Resources:');
    expect(run.stdout).toContain('<details><summary>Policy cost: changed in dev, prod</summary>');
    expect(run.stdout).toMatch(/<details><summary>Raw diff of dist\/ and argocd\/ \(\d+ files\)<\/summary>\n\n`{3,}diff\n--- a\/dist\/dev\//);
  });

  test('--fail-on opened and --fail-on guardrail exit 1; the report is printed all the same', async () => {
    const opened = await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'opened']);
    expect(opened.code).toBe(1);
    expect(opened.stdout.split('\n')[0]).toBe('bulkhead: 1 guardrail removed, 1 connection opened across a base guardrail in dev, prod');
    expect(opened.stdout).toContain('+ billing/invoicer -> patient-data/records-api  TCP 8080');
    expect(opened.stdout).toContain('forbidden in the base by billing-never-reaches-phi');
    expect((await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'guardrail'])).code).toBe(1);
    expect((await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'any'])).code).toBe(1);
  });
});

describe('a PR that closes a flow (billing/invoicer -> billing/ledger)', () => {
  beforeAll(() => repo.checkout('close'));

  test('reports it closed, nothing opened; --fail-on opened and guardrail exit 0, any exits 1', async () => {
    const { doc } = await json(['--base', 'HEAD~1']);
    for (const c of doc.clusters) {
      // The closed connection cites the base's flow behind it.
      const flow = lineOf(texts.base, '  - from: billing/invoicer\n    to: billing/ledger\n');
      expect(c.connections).toEqual({
        opened: [],
        closed: [{ from: 'billing/invoicer', to: 'billing/ledger', ports: { TCP: [[9090, 9090]] }, whole: true, baseFlows: [{ intent: 'flow billing/invoicer -> billing/ledger on grpc', at: `platform.yaml:${flow}:5` }] }],
      });
      expect(c.external).toEqual({ opened: [], closed: [] });
    }
    expect(doc.verdict).toBe('bulkhead: 1 connection closed in dev, prod');
    expect(doc.fails).toEqual({ opened: false, guardrail: false, exposure: false, any: true });
    expect((await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'opened'])).code).toBe(0);
    expect((await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'guardrail'])).code).toBe(0);
    expect((await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'any'])).code).toBe(1);
    const md = await repo.cli(['diff', '--base', 'HEAD~1', '--format', 'md']);
    // Closed is neutral, not alarming: grey circle, grey edge.
    expect(md.stdout).toMatch(/\| ⚪ closed \| `billing\/invoicer` \| `billing\/ledger` \| TCP 9090 \| dev, prod \| `platform\.yaml:\d+:5` flow billing\/invoicer -> billing\/ledger on grpc \|/);
    expect(md.stdout).toContain('-.->|"closed: TCP 9090"|');
    expect(md.stdout).toContain('stroke:#8c959f');
  });
});

describe('a rename: billing/ledger becomes billing/settlement, its flow and egress follow', () => {
  beforeAll(() => repo.checkout('rename'));

  test('resources change, who-can-reach-whom does not, and the verdict says so', async () => {
    const { code, doc } = await json(['--base', 'HEAD~1', '--fail-on', 'opened']);
    expect(code).toBe(0);
    for (const c of doc.clusters) {
      expect(c.workloads).toEqual({ added: [], removed: [], renamed: [{ from: 'billing/ledger', to: 'billing/settlement' }], moved: [] });
      expect(c.connections).toEqual({ opened: [], closed: [] });
      expect(c.external).toEqual({ opened: [], closed: [] });
      expect(c.policyCost.base).toEqual(c.policyCost.head);
    }
    expect(doc.summary).toMatchObject({ connectionsOpened: 0, connectionsClosed: 0, externalOpened: 0, externalClosed: 0, guardrailsRemoved: 0, workloadsRenamed: 1, clusters: [] });
    const names = (list: Array<{ kind: string; namespace?: string; name: string; cluster?: string }>) =>
      list.filter((r) => r.cluster === 'dev').map((r) => `${r.kind} ${r.namespace}/${r.name}`);
    expect(names(doc.resources.added)).toEqual(expect.arrayContaining(['Deployment billing/settlement', 'Service billing/settlement', 'NetworkPolicy billing/settlement-ingress']));
    expect(names(doc.resources.removed)).toEqual(expect.arrayContaining(['Deployment billing/ledger', 'Service billing/ledger', 'NetworkPolicy billing/ledger-ingress']));
    // The invoicer's egress now names the new workload label.
    expect(doc.resources.changed).toContainEqual(expect.objectContaining({ kind: 'NetworkPolicy', namespace: 'billing', name: 'invoicer-egress', cluster: 'dev', fields: ['spec.egress[0].to[0].podSelector.matchLabels["bulkhead.dev/workload"]'] }));
    const resources = doc.summary.resourcesAdded + doc.summary.resourcesRemoved + doc.summary.resourcesChanged;
    expect(doc.verdict).toBe(`No change in who can reach whom (1 workload renamed: billing/ledger to billing/settlement); ${resources} resources changed.`);
    expect((await repo.cli(['diff', '--base', 'HEAD~1', '--fail-on', 'any'])).code).toBe(1);
    // The rename says what it costs at run time.
    const md = await repo.cli(['diff', '--base', 'HEAD~1', '--format', 'md']);
    expect(md.stdout).toContain(
      "- `billing/ledger` → `billing/settlement` (dev, prod): renamed, same connections; the Deployment is recreated (new pods) and the Service's DNS name changes from ledger.billing.svc to settlement.billing.svc, so clients calling it by name must follow.",
    );
  });
});

describe('the first PR: the base has no bulkhead output', () => {
  beforeAll(() => repo.checkout('main'));

  test('everything in the head is added or opened, with a note saying why', async () => {
    const { code, doc } = await json(['--base', 'HEAD~1', '--fail-on', 'opened']);
    expect(code).toBe(1);
    expect(doc.base).toMatchObject({ source: 'HEAD~1', kind: 'git', hasOutput: false, intents: null });
    expect(doc.notes).toEqual([expect.stringMatching(/^The base, HEAD~1 \([0-9a-f]{12}\), has no bulkhead output \(no dist\/\): everything in the head counts as added or opened\.$/)]);
    for (const c of doc.clusters) {
      expect(c.status).toBe('added');
      expect(c.policyCost.base).toBeNull();
      expect(c.connections.closed).toEqual([]);
      expect(c.connections.opened.every((o: { whole: boolean; flows: unknown[] }) => o.whole && o.flows.length > 0)).toBe(true);
      expect(c.connections.opened).toHaveLength(7);
      expect(c.external.opened.map((e: { target: string }) => e.target).sort()).toEqual(['198.51.100.0/24', 'api.stripe.com']);
      expect(c.gateway.opened.map((e: { workload: string }) => e.workload)).toEqual(['billing/invoicer', 'web/frontend', 'web/frontend-canary']);
      expect(c.exposure.hostnames.added).toEqual([{ gateway: 'bulkhead-gateways/public', hostname: 'portal.example.com', routes: ['web/portal'] }]);
      expect(c.exposure.backends.reachable.map((b: { workload: string }) => b.workload)).toEqual(['billing/invoicer', 'web/frontend', 'web/frontend-canary']);
    }
    expect(doc.guardrails.added.map((g: { name: string }) => g.name)).toEqual(['billing-never-reaches-phi']);
    expect(doc.resources.removed).toEqual([]);
    expect(doc.resources.changed).toEqual([]);
    expect(doc.resources.added.length).toBeGreaterThan(50);
    expect(doc.verdict).toBe(
      'bulkhead: 7 connections opened, 2 external destinations opened, 3 workloads newly exposed to a gateway, 2 gateway listeners added, 1 hostname newly served, 3 backends newly reachable from a gateway, 1 guardrail added in dev, prod',
    );
    const md = await repo.cli(['diff', '--base', 'HEAD~1', '--format', 'md']);
    expect(md.stdout.split('\n')[5]).toMatch(/^> \*\*Note:\*\* The base, HEAD~1 .* has no bulkhead output/);
  });
});

describe('reading git refs', () => {
  test('leaves the working tree, the index and HEAD untouched', async () => {
    repo.checkout('close');
    const before = repo.digest();
    const { code, doc } = await json(['--base', 'main', '--head', 'open']);
    expect(code).toBe(0);
    expect(doc.head).toMatchObject({ source: 'open', kind: 'git' });
    expect(doc.summary.connectionsOpened).toBe(1);
    await repo.cli(['diff', '--base', 'HEAD~1', '--head', 'rename', '--format', 'md']);
    expect(repo.digest()).toEqual(before);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  test('a directory works as a side too, and bad input is a usage error (exit 2)', async () => {
    repo.checkout('main');
    const dir = await json(['--base', '.', '--head', '.']);
    expect(dir.doc.verdict).toBe('No change in who can reach whom; nothing changed in dist/ or argocd/.');
    expect(dir.doc.base.kind).toBe('dir');
    const bad = await repo.cli(['diff', '--base', 'no-such-ref']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no-such-ref: not a directory, nor a commit');
    expect((await repo.cli(['diff', '--base', 'HEAD', '--format', 'html'])).code).toBe(2);
    expect((await repo.cli(['diff', '--base', 'HEAD', '--intents', '/etc/platform.yaml'])).code).toBe(2);
    expect((await repo.cli(['diff'])).code).toBe(2);
    const noHead = await repo.cli(['diff', '--base', 'HEAD', '--head', 'HEAD~1']);
    expect(noHead.code).toBe(2);
    expect(noHead.stderr).toContain('has no dist/');
  });
});

describe('directories as sides', () => {
  test('hand-edited output is stale: said first, exit 2; the ports no flow declares are still reported opened, with a warning', async () => {
    repo.checkout('main');
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-diff-head-'));
    try {
      fs.cpSync(path.join(repo.dir, 'dist'), path.join(copy, 'dist'), { recursive: true });
      fs.copyFileSync(path.join(repo.dir, 'platform.yaml'), path.join(copy, 'platform.yaml'));
      const file = path.join(copy, 'dist', 'dev', 'tenants', 'billing.yaml');
      const grpc = '        - port: grpc\n          protocol: TCP\n';
      const text = fs.readFileSync(file, 'utf8');
      expect(text.split(grpc)).toHaveLength(3); // the invoicer's egress and the ledger's ingress
      fs.writeFileSync(file, text.split(grpc).join('        - port: 9000\n          endPort: 9100\n          protocol: TCP\n'));

      const { code, doc } = await json(['--base', '.', '--head', copy]);
      expect(code).toBe(2);
      expect(doc.head).toMatchObject({ kind: 'dir', hasOutput: true, intents: 'platform.yaml' });
      // The edited file differs from what platform.yaml compiles to; argocd/ is missing from the copy.
      expect(doc.headCheck.status).toBe('stale');
      expect(doc.headCheck.stale.changed).toEqual(['dist/dev/tenants/billing.yaml']);
      expect(doc.headCheck.stale.added.length).toBeGreaterThan(0);
      expect(doc.headCheck.stale.added.every((f: string) => f.startsWith('argocd/'))).toBe(true);
      expect(doc.verdict).toMatch(/^bulkhead: dist\/ is stale: platform\.yaml compiles to other output \(\d+ files differ: dist\/dev\/tenants\/billing\.yaml, argocd\//);
      expect(doc.fails).toEqual({ opened: true, guardrail: true, exposure: true, any: true });
      const dev = doc.clusters.find((c: { name: string }) => c.name === 'dev');
      expect(dev.connections.opened).toEqual([{ from: 'billing/invoicer', to: 'billing/ledger', ports: { TCP: [[9000, 9089], [9091, 9100]] }, whole: false, flows: [], crosses: [] }]);
      expect(doc.clusters.find((c: { name: string }) => c.name === 'prod').status).toBe('unchanged');
      expect(doc.changes).toBe('bulkhead: 1 connection opened in dev');
      // argocd/ is absent from the copy: its removal is reported as removed resources, not as an error.
      expect(doc.resources.removed.some((r: { file: string }) => r.file.startsWith('argocd/'))).toBe(true);
      const md = await repo.cli(['diff', '--base', '.', '--head', copy, '--format', 'md']);
      expect(md.code).toBe(2);
      expect(md.stdout.split('\n')[1]).toMatch(/^\*\*bulkhead: dist\/ is stale: /);
      expect(md.stdout).toContain('| ⚠️ opened (more ports) | `billing/invoicer` | `billing/ledger` | TCP 9000-9089, 9091-9100 | dev | ⚠️ no intent declares it |');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
