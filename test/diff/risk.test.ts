/**
 * `bulkhead diff` leads with risk, on a temporary git repository of the tests' own platform (two PHI
 * tenants behind one guardrail, a canary route): a relabel that walks a tenant out of a guardrail, a
 * workload moved out of it, a head whose platform.yaml does not check, output not re-synthesized, and a
 * canary shift with a new hostname. Each scenario is a branch whose last commit is "the PR".
 */
import { GUARDED_PLATFORM, edit, lineOf } from '../support/guarded-platform';
import { Repo } from './repo';

const OUTPUT = ['platform.yaml', 'dist', 'argocd'];
const GUARDRAIL = 'billing-never-reaches-phi';
const HIPAA = 'HIPAA 45 CFR 164.312(a)(1) access control';

const relabel = (text: string, tenant: string) => edit(text, `  - name: ${tenant}\n    labels:\n      data-class: phi\n`, `  - name: ${tenant}\n    labels:\n      data-class: restricted\n`);
const addFlow = (text: string, flow: string) => edit(text, /^guardrails:\n/m, `${flow}guardrails:\n`);
const INVOICER_TO_RECORDS = '  - from: billing/invoicer\n    to: patient-data/records-api\n    ports: [http]\n    description: Invoices need the patient record.\n';

const TEXTS = {
  base: GUARDED_PLATFORM,
  // patient-data leaves the PHI side; lab-results keeps the guardrail alive, so the head compiles.
  relabel: addFlow(relabel(GUARDED_PLATFORM, 'patient-data'), INVOICER_TO_RECORDS),
  // Both PHI tenants relabelled: the guardrail protects nothing, so the head does not compile.
  nothing: relabel(relabel(GUARDED_PLATFORM, 'patient-data'), 'lab-results'),
  // records-api moves to a new public tenant, its flows follow, and billing may now call it.
  move: addFlow(
    edit(
      edit(
        edit(GUARDED_PLATFORM, '      - name: records-api\n        image: hashicorp/http-echo:1.0\n        ports: [{ name: http, port: 8080 }]\n', ''),
        '  - name: lab-results\n',
        '  - name: research\n    labels: { data-class: public }\n    workloads:\n      - name: records-api\n        image: hashicorp/http-echo:1.0\n        ports: [{ name: http, port: 8080 }]\n  - name: lab-results\n',
      ),
      /patient-data\/records-api/g,
      'research/records-api',
    ),
    '  - from: billing/invoicer\n    to: research/records-api\n    ports: [http]\n',
  ),
  // The canary goes from 10% to 50%, and the portal gets a second public hostname.
  route: edit(
    edit(edit(GUARDED_PLATFORM, 'port: http, weight: 90 }', 'port: http, weight: 50 }'), 'port: http, weight: 10 }', 'port: http, weight: 50 }'),
    'hostnames: [portal.example.com]',
    'hostnames: [portal.example.com, beta.example.com]',
  ),
  // A flow added to platform.yaml, synth not run.
  stale: addFlow(GUARDED_PLATFORM, '  - from: web/frontend-canary\n    to: billing/invoicer\n    ports: [http]\n'),
};
type Branch = Exclude<keyof typeof TEXTS, 'base'>;
/** Branches whose commit holds platform.yaml only: synth would fail (nothing) or was not run (stale). */
const UNSYNTHESIZED: readonly Branch[] = ['nothing', 'stale'];

let repo: Repo;
beforeAll(() => {
  repo = new Repo();
  repo.write('.gitignore', 'node_modules/\n.cdk8s.out/\n.bulkhead-tmp-*/\n');
  repo.write('platform.yaml', TEXTS.base);
  repo.synth();
  repo.commit('The guarded platform, synthesized', [...OUTPUT, '.gitignore']);
  for (const branch of Object.keys(TEXTS).filter((b) => b !== 'base') as Branch[]) {
    repo.git('checkout', '-q', '-b', branch, 'main');
    repo.write('platform.yaml', TEXTS[branch]);
    if (UNSYNTHESIZED.includes(branch)) repo.commit(`PR: ${branch}, not synthesized`, ['platform.yaml']);
    else {
      repo.synth();
      repo.commit(`PR: ${branch}`, OUTPUT);
    }
  }
  repo.checkout('main');
});
afterAll(() => repo?.remove());

const diff = async (branch: Branch | 'main', ...args: string[]) => {
  repo.checkout(branch);
  return repo.cli(['diff', '--base', 'main', ...args]);
};
const json = async (branch: Branch, ...args: string[]) => {
  const run = await diff(branch, '--format', 'json', ...args);
  expect(run.stderr).toBe('');
  return { code: run.code, doc: JSON.parse(run.stdout) };
};
const guardrailAt = () => `platform.yaml:${lineOf(TEXTS.base, `  - name: ${GUARDRAIL}`)}:5`;

describe('relabel: patient-data data-class phi -> restricted, plus a flow billing/invoicer -> patient-data/records-api', () => {
  test('the tenant that left the protected side is a guardrail finding, named in the verdict; --fail-on guardrail exits 1', async () => {
    const { doc } = await json('relabel');
    expect(doc.headCheck).toEqual({ status: 'ok' });
    expect(doc.guardrails.left).toEqual([
      {
        name: GUARDRAIL,
        rule: 'tenant billing <-> data-class=phi',
        control: HIPAA,
        at: guardrailAt(),
        side: 'to',
        tenant: 'patient-data',
        subject: 'patient-data',
        workloads: ['patient-data/records-api', 'patient-data/records-db'],
        reason: 'label data-class phi -> restricted',
        message: `patient-data no longer protected by ${GUARDRAIL}: label data-class phi -> restricted`,
        clusters: ['lab'],
      },
    ]);
    // The guardrail itself did not change: nothing removed or changed, and the head's guardrail holds.
    expect(doc.guardrails).toMatchObject({ removed: [], changed: [], violated: [], added: [] });
    expect(doc.verdict).toBe(`bulkhead: patient-data no longer protected by ${GUARDRAIL}, 1 connection opened across a base guardrail in lab`);
    for (const gate of ['guardrail', 'opened', 'any']) expect((await diff('relabel', '--fail-on', gate)).code).toBe(1);
    expect((await diff('relabel', '--fail-on', 'exposure')).code).toBe(0);
  });

  test('the opened connection is marked as crossing the base guardrail, and leads the table', async () => {
    const { doc } = await json('relabel');
    const [lab] = doc.clusters;
    expect(lab.connections.opened).toEqual([
      expect.objectContaining({ from: 'billing/invoicer', to: 'patient-data/records-api', crosses: [{ name: GUARDRAIL, rule: 'tenant billing <-> data-class=phi', control: HIPAA, at: guardrailAt() }] }),
    ]);
    expect(doc.summary).toMatchObject({ connectionsOpened: 1, connectionsCrossingGuardrail: 1, guardrailMembersLeft: 1 });
    const md = (await diff('relabel', '--format', 'md')).stdout;
    const lines = md.split('\n');
    expect(lines[1]).toBe(`**bulkhead: patient-data no longer protected by ${GUARDRAIL}, 1 connection opened across a base guardrail** in lab`);
    // Guardrail findings first, then the crossing row, each with the stop sign; no green anywhere.
    const finding = lines.findIndex((l) => l.startsWith(`- ⛔ **patient-data no longer protected by \`${GUARDRAIL}\`**: label data-class phi -> restricted`));
    const crossing = lines.findIndex((l) => l.startsWith(`| ⛔ opened across ${GUARDRAIL} | \`billing/invoicer\` | \`patient-data/records-api\` |`));
    expect(finding).toBeGreaterThan(1);
    expect(crossing).toBeGreaterThan(finding);
    expect(md).not.toContain('🟢');
    const txt = (await diff('relabel')).stdout;
    expect(txt.split('\n')[0]).toBe(doc.verdict);
    expect(txt).toContain(`  ! patient-data no longer protected by ${GUARDRAIL}: label data-class phi -> restricted`);
  });
});

describe('move: patient-data/records-api moves to a new public tenant, and billing may call it there', () => {
  test('reported as a move, a workload leaving the guardrail, and a connection crossing it', async () => {
    const { code, doc } = await json('move', '--fail-on', 'guardrail');
    expect(code).toBe(1);
    const [lab] = doc.clusters;
    expect(lab.workloads).toEqual({ added: [], removed: [], renamed: [], moved: [{ from: 'patient-data/records-api', to: 'research/records-api' }] });
    // Its flows followed it: they are not reported as closed and opened; only billing's new flow opens.
    expect(lab.connections.closed).toEqual([]);
    expect(lab.connections.opened).toEqual([expect.objectContaining({ from: 'billing/invoicer', to: 'research/records-api', crosses: [expect.objectContaining({ name: GUARDRAIL })] })]);
    expect(doc.guardrails.left).toEqual([
      expect.objectContaining({
        side: 'to',
        tenant: 'patient-data',
        subject: 'patient-data/records-api',
        workloads: ['patient-data/records-api'],
        reason: 'moved to tenant research (now research/records-api), which has data-class=public',
      }),
    ]);
    const md = (await diff('move', '--format', 'md')).stdout;
    expect(md).toContain(
      "- `patient-data/records-api` → `research/records-api` (lab): moved to tenant research; the Deployment is recreated (new pods) and the Service's DNS name changes from records-api.patient-data.svc to records-api.research.svc, so clients calling it by name must follow.",
    );
  });
});

describe("a head whose platform.yaml does not check (the guardrail's PHI side selects nothing)", () => {
  test('first line says so with the error; nothing is reported removed; exit 2 whatever --fail-on says', async () => {
    const line = lineOf(TEXTS.nothing, '    to: { labels: { data-class: phi } }');
    const error = `platform.yaml:${line}:9: error: guardrails[0].to: guardrail "${GUARDRAIL}" protects nothing: its to side (data-class=phi) selects no workload in any cluster (lab): no tenant has data-class=phi`;
    for (const args of [[], ['--fail-on', 'opened'], ['--format', 'md']]) {
      const run = await diff('nothing', ...args);
      expect(run.code).toBe(2);
      const first = run.stdout.split('\n')[args.includes('md') ? 1 : 0];
      expect(first).toBe(args.includes('md') ? `**bulkhead: the head's platform.yaml does not check: ${error}**` : `bulkhead: the head's platform.yaml does not check: ${error}`);
      expect(run.stdout).not.toMatch(/guardrail removed|removed billing/);
    }
    const { code, doc } = await json('nothing');
    expect(code).toBe(2);
    expect(doc.headCheck).toEqual({ status: 'invalid', message: `platform.yaml does not check: ${error}` });
    expect(doc.guardrails.removed).toEqual([]);
    expect(doc.clusters).toEqual([]);
    // What is known: who carried the label in the base, and where it went in the head as written.
    expect(doc.guardrails.left.map((d: { message: string }) => d.message)).toEqual([
      `lab-results no longer protected by ${GUARDRAIL}: label data-class phi -> restricted`,
      `patient-data no longer protected by ${GUARDRAIL}: label data-class phi -> restricted`,
    ]);
  });
});

describe('platform.yaml edited without re-running synth', () => {
  test('committed: the first line says dist/ is stale, exit 2 under every --fail-on', async () => {
    for (const gate of [[], ['--fail-on', 'opened'], ['--fail-on', 'guardrail'], ['--fail-on', 'exposure'], ['--fail-on', 'any']]) {
      const run = await diff('stale', ...gate);
      expect(run.code).toBe(2);
      expect(run.stdout.split('\n')[0]).toMatch(/^bulkhead: dist\/ is stale: platform\.yaml compiles to other output \(\d+ files differ: dist\/lab\/.*\); run `npm run synth` and commit dist\/ and argocd\/$/);
    }
    const { doc } = await json('stale');
    expect(doc.headCheck.stale.changed).toEqual(expect.arrayContaining(['dist/lab/tenants/billing.yaml', 'dist/lab/tenants/web.yaml', 'dist/lab/CONNECTIVITY.md']));
    expect(doc.headCheck.stale.added).toEqual([]);
    // The committed output is unchanged, and the report says so under the stale line.
    expect(doc.changes).toBe('No change in who can reach whom; nothing changed in dist/ or argocd/.');
    expect(doc.fails).toEqual({ opened: true, guardrail: true, exposure: true, any: true });
  });

  test('in the working tree: the same, and nothing is written', async () => {
    repo.checkout('main');
    repo.write('platform.yaml', TEXTS.stale);
    try {
      const before = repo.digest();
      const run = await repo.cli(['diff', '--base', 'main', '--fail-on', 'opened']);
      expect(run.code).toBe(2);
      expect(run.stdout.split('\n')[0]).toMatch(/^bulkhead: dist\/ is stale: /);
      // Compiled in memory: dist/, argocd/ and the index are as they were.
      expect(repo.digest()).toEqual(before);
    } finally {
      repo.git('checkout', '--', 'platform.yaml');
    }
  });

  test('a fresh head passes the check', async () => {
    const { doc } = await json('route');
    expect(doc.headCheck).toEqual({ status: 'ok' });
  });
});

describe('route: the canary from 90/10 to 50/50, and a new hostname', () => {
  test('shown in the exposure section; --fail-on exposure exits 1', async () => {
    const { code, doc } = await json('route', '--fail-on', 'exposure');
    expect(code).toBe(1);
    const [lab] = doc.clusters;
    expect(lab.exposure).toEqual({
      listeners: { added: [], removed: [] },
      hostnames: { added: [{ gateway: 'bulkhead-gateways/public', hostname: 'beta.example.com', routes: ['web/portal'] }], removed: [] },
      // Both backends were already reachable: only the split and the hostname changed.
      backends: { reachable: [], unreachable: [] },
      shares: [
        {
          route: 'web/portal',
          gateways: ['bulkhead-gateways/public'],
          match: '/',
          backends: [
            { backend: 'web/frontend-canary:8080', before: 10, after: 50 },
            { backend: 'web/frontend:8080', before: 90, after: 50 },
          ],
        },
      ],
    });
    expect(doc.verdict).toBe('bulkhead: 1 hostname newly served, 1 traffic split changed in lab');
    expect(doc.fails).toMatchObject({ exposure: true, opened: true, guardrail: false });
    const md = (await diff('route', '--format', 'md')).stdout;
    const section = md.slice(md.indexOf('#### Gateways and routes'));
    expect(section).toContain('| ⚠️ hostname added | `bulkhead-gateways/public` | beta.example.com | `web/portal` | lab |');
    expect(section).toContain('| ⚠️ traffic split changed | `bulkhead-gateways/public` | /: web/frontend-canary:8080 10% → 50%, web/frontend:8080 90% → 50% | `web/portal` | lab |');
    // The base itself passes: no exposure change against itself.
    expect((await diff('main', '--fail-on', 'exposure')).code).toBe(0);
  });
});
