/**
 * The PR comment, risk first: a hidden marker (the workflow finds its earlier comment by it and updates
 * that one), a one-line verdict, guardrail findings, what opens (connections across a base guardrail
 * first), gateways and routes, what closes, renames and moves, a Mermaid graph of only the changed edges,
 * then `<details>` for resources, policy cost and the raw diff.
 *
 * GitHub rejects a comment over 65,536 characters. Every table and list is built whole, then rows are cut,
 * least risky first (the raw diff, resources, policy cost, the graph, closed rows, ... and guardrail findings
 * last), until the comment fits; each cut says how many rows it left out and where they are: the JSON
 * report, which the pull-request workflow uploads as an artifact, holds every one.
 */
import type { PolicyCost } from './connectivity';
import type { DiffReport } from './diff';
import type { IntentRef } from './intents';
import type { ResourceRef } from './resources';
import { ExposureRow, Row, exposureRowsOf, groupCrossings, isRisk, movesOf, rowLabel, rowsOf } from './rows';

export const MARKER = '<!-- bulkhead-diff -->';
/** GitHub's limit is 65,536 characters; stay below it with room to spare (emoji count twice in JS lengths). */
export const MAX_COMMENT = 60_000;
/** The artifact the pull-request workflow uploads the JSON report as. */
export const JSON_ARTIFACT = 'bulkhead-diff';
const MAX_EDGES = 60;
/** Intents named per row; the rest are counted (the JSON report names all). */
const MAX_INTENTS = 3;
/** Head connections named per removed guardrail. */
const MAX_CROSSINGS = 5;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const ICON = { guardrail: '⛔', risk: '⚠️', neutral: '⚪', good: '🔵' } as const;
const WHERE = `The JSON report holds everything (\`bulkhead diff --format json\`; the pull-request workflow uploads it as the artifact \`${JSON_ARTIFACT}\`).`;

/** A part of the comment: text always printed, and rows that may be cut from the end to fit. */
interface Block {
  readonly head: readonly string[];
  /** Printed before the first kept row (a table header). */
  readonly tableHead?: readonly string[];
  readonly rows: readonly string[];
  /** Lower is cut first; must not increase along the rows (they are cut from the end). */
  readonly priority: (row: number) => number;
  readonly tail?: readonly string[];
  /** Where in `tail` the cut note goes (default 0: right after the rows). */
  readonly noteAt?: number;
  /** What `n` cut rows are, for the cut note: `3 rows of the resources table`. */
  readonly cut: (n: number) => string;
}

export function toMarkdown(report: DiffReport, sides: { base: string; head: string }, budget = MAX_COMMENT): string {
  const intro = [MARKER, verdictLine(report)];
  if (report.headCheck.status === 'stale') intro.push('', `Committed output against the base: ${report.changes}`);
  intro.push('', `<sub>base ${sides.base} → head ${sides.head}</sub>`, '');
  for (const n of report.notes) intro.push(`> **Note:** ${n}`, '');

  const rows = rowsOf(report);
  const opened = rows.filter(isRisk);
  const closed = rows.filter((r) => !isRisk(r));
  const exposure = exposureRowsOf(report);
  const blocks: Block[] = [
    { head: intro, rows: [], priority: () => 0, cut: () => '' },
    guardrailBlock(report),
    connectionBlock('Opened', opened, 'declared by', (r) => (r.crosses.length ? 90 : 80)),
    exposureBlock(exposure),
    connectionBlock('Closed', closed, 'declared in the base by', () => 40),
    movesBlock(report),
    mermaidBlock(rows),
    ...resourcesBlocks(report),
    policyCostBlock(report),
    rawDiffBlock(report),
  ].filter((b): b is Block => b !== undefined);
  return fit(blocks, budget);
}

function verdictLine(report: DiffReport): string {
  // `**bulkhead: 1 connection opened, 1 guardrail removed** in dev, prod`
  const s = report.summary;
  const where = s.clusters.length ? ` in ${s.clusters.join(', ')}` : '';
  const v = report.verdict;
  if (v === report.changes && where && v.endsWith(where)) return `**${v.slice(0, -where.length)}**${where}`;
  return `**${v}**`;
}

const refs = (list: readonly IntentRef[]) =>
  list.slice(0, MAX_INTENTS).map((i) => `${code(i.at)} ${cell(i.intent)}`).join('<br>') + (list.length > MAX_INTENTS ? `<br>and ${list.length - MAX_INTENTS} more` : '');

function guardrailBlock(report: DiffReport): Block | undefined {
  const g = report.guardrails;
  const lines: string[] = [];
  for (const d of g.left)
    lines.push(
      `- ${ICON.guardrail} **${cell(d.subject)} no longer ${d.side === 'to' ? 'protected' : 'restricted'} by ${code(d.name)}**: ${cell(d.reason)} (${d.side} side, ${d.rule}${d.control ? `; ${d.control}` : ''}; at ${code(d.at)} in the base; workloads ${d.workloads.map(code).join(', ')})`,
    );
  for (const r of g.removed) {
    const groups = groupCrossings(r.crossedInHead);
    const crossed = groups.length
      ? ` The head now has connections it forbade: ${groups.map((c) => `${c.connections.slice(0, MAX_CROSSINGS).map(code).join(', ')}${c.connections.length > MAX_CROSSINGS ? ` and ${c.connections.length - MAX_CROSSINGS} more` : ''} in ${c.clusters.join(', ')}`).join('; ')}.`
      : ' No head connection crosses it yet.';
    lines.push(`- ${ICON.guardrail} guardrail removed: ${code(r.name)} (${r.rule}${r.control ? `; ${r.control}` : ''}), was at ${code(r.at)}.${crossed}`);
  }
  for (const v of g.violated)
    lines.push(`- ${ICON.guardrail} guardrail newly violated in ${v.cluster}: ${code(v.name)} (${code(v.at)}) by ${v.connections.slice(0, MAX_CROSSINGS).map(code).join(', ')}${v.connections.length > MAX_CROSSINGS ? ` and ${v.connections.length - MAX_CROSSINGS} more` : ''}`);
  for (const c of g.changed) lines.push(`- ${ICON.risk} guardrail changed: ${code(c.name)} at ${code(c.at)}: ${c.was} → ${c.rule}`);
  for (const a of g.added) lines.push(`- ${ICON.good} guardrail added: ${code(a.name)} (${a.rule}${a.control ? `; ${a.control}` : ''}) at ${code(a.at)}`);
  if (!lines.length) return undefined;
  return { head: ['#### Guardrails', ''], rows: lines, priority: () => 100, tail: [''], cut: (n) => count(n, 'guardrail finding') };
}

function connectionBlock(title: string, rows: readonly Row[], declared: string, priority: (r: Row) => number): Block | undefined {
  if (!rows.length) return undefined;
  const lines = rows.map((r) => {
    const icon = r.crosses.length ? ICON.guardrail : isRisk(r) ? ICON.risk : ICON.neutral;
    const head = r.kind === 'opened' ? (r.intents.length ? refs(r.intents) : '⚠️ no intent declares it') : r.subject === 'http' ? refs(r.intents) : '';
    const base = r.baseIntents.length ? refs(r.baseIntents) : '';
    const by = r.subject === 'http' ? [head && `head: ${head}`, base && `base: ${base}`].filter(Boolean).join('<br>') : isRisk(r) ? head : base;
    const across = r.crosses.length ? `<br>forbidden in the base by ${r.crosses.map((g) => `${code(g.name)} (${code(g.at)})`).join(', ')}` : '';
    return `| ${icon} ${rowLabel(r)} | ${code(r.from)} | ${code(r.to)} | ${cell(r.ports)} | ${r.clusters.join(', ')} | ${by}${across} |`;
  });
  return {
    head: [`#### ${title}`, ''],
    tableHead: [`| change | from | to | ports | clusters | ${declared} |`, '| --- | --- | --- | --- | --- | --- |'],
    rows: lines,
    priority: (i) => priority(rows[i]),
    tail: [''],
    cut: (n) => count(n, `${title.toLowerCase()} row`),
  };
}

function exposureBlock(rows: readonly ExposureRow[]): Block | undefined {
  if (!rows.length) return undefined;
  const sorted = [...rows].sort((a, b) => Number(b.risk) - Number(a.risk));
  return {
    head: ['#### Gateways and routes', ''],
    tableHead: ['| change | gateway | what | routes | clusters |', '| --- | --- | --- | --- | --- |'],
    rows: sorted.map((r) => `| ${r.risk ? ICON.risk : ICON.neutral} ${r.kind} | ${r.gateways.map(code).join(', ')} | ${cell(r.what)} | ${r.routes.map(code).join(', ')} | ${r.clusters.join(', ')} |`),
    priority: (i) => (sorted[i].risk ? 75 : 40),
    tail: [''],
    cut: (n) => count(n, 'gateway and route row'),
  };
}

function movesBlock(report: DiffReport): Block | undefined {
  const moves = movesOf(report);
  if (!moves.length) return undefined;
  return {
    head: ['#### Renamed and moved workloads', ''],
    rows: moves.map((m) => `- ${code(m.from)} → ${code(m.to)} (${m.clusters.join(', ')}): ${m.note}.`),
    priority: () => 60,
    tail: [''],
    cut: (n) => count(n, 'renamed or moved workload'),
  };
}

function mermaidBlock(rows: readonly Row[]): Block | undefined {
  const edges = rows.filter((r) => r.kind === 'opened' || r.kind === 'closed');
  if (!edges.length) return undefined;
  const shown = edges.slice(0, MAX_EDGES);
  const ids = new Map<string, string>();
  const label = (s: string) => s.replace(/"/g, '#quot;');
  // A node's label is written where it first appears.
  const node = (name: string) => {
    const id = ids.get(name);
    if (id) return id;
    const fresh = `n${ids.size}`;
    ids.set(name, fresh);
    return `${fresh}["${label(name)}"]`;
  };
  const lines = ['```mermaid', 'flowchart LR'];
  const styles: string[] = [];
  shown.forEach((r, i) => {
    const arrow = r.kind === 'opened' ? '-->' : '-.->';
    lines.push(`  ${node(r.from)} ${arrow}|"${r.kind}: ${label(r.ports)}"| ${node(r.to)}`);
    // Risk colours: red across a guardrail, orange (warning) opened, grey (neutral) closed.
    const colour = r.crosses.length ? '#cf222e' : r.kind === 'opened' ? '#bc4c00' : '#8c959f';
    styles.push(`  linkStyle ${i} stroke:${colour},stroke-width:2px`);
  });
  lines.push(...styles, '```');
  if (edges.length > shown.length) lines.push(`<sub>${edges.length - shown.length} more changed edges are in the tables above.</sub>`);
  return { head: [], rows: [lines.join('\n')], priority: () => 30, tail: [''], cut: () => 'the graph of changed edges' };
}

const resourceName = (r: ResourceRef) => (r.namespace ? `${r.namespace}/${r.name}` : r.name);

function resourcesBlocks(report: DiffReport): Block[] {
  const r = report.resources;
  const total = r.added.length + r.removed.length + r.changed.length;
  const files = report.files;
  const nFiles = files.added.length + files.removed.length + files.changed.length;
  if (!total && !nFiles) return [];
  const rows: string[] = [];
  for (const x of r.added) rows.push(`| added | ${x.cluster ?? ''} | ${x.kind} | ${code(resourceName(x))} | ${code(x.file)} |`);
  for (const x of r.removed) rows.push(`| removed | ${x.cluster ?? ''} | ${x.kind} | ${code(resourceName(x))} | ${code(x.file)} |`);
  for (const x of r.changed) {
    const moved = x.movedFrom ? `moved from ${code(x.movedFrom)}${x.fields.length ? '; ' : ''}` : '';
    rows.push(`| changed | ${x.cluster ?? ''} | ${x.kind} | ${code(resourceName(x))} | ${moved}${x.fields.map(code).join(', ')} |`);
  }
  const counts = [files.added.length && `${files.added.length} added`, files.removed.length && `${files.removed.length} removed`, files.changed.length && `${files.changed.length} changed`].filter(Boolean).join(', ');
  return [
    {
      head: [`<details><summary>Resources: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed</summary>`, '', ...(nFiles ? [`Files: ${counts} under dist/ and argocd/.`, ''] : [])],
      tableHead: ['| change | cluster | kind | namespace/name | file or changed fields |', '| --- | --- | --- | --- | --- |'],
      rows,
      priority: () => 20,
      tail: ['', '</details>', ''],
      cut: (n) => `${count(n, 'row')} of the resources table`,
    },
  ];
}

const costCells = (c: PolicyCost | null) =>
  c
    ? [String(c.networkPolicies), String(c.ciliumNetworkPolicies), String(c.ciliumClusterwideNetworkPolicies), c.policyMapMax ? `${c.policyMapMax.entries} (${c.policyMapMax.workload})` : '0', String(c.policyMapTotal)]
    : ['–', '–', '–', '–', '–'];

function policyCostBlock(report: DiffReport): Block | undefined {
  if (!report.clusters.length) return undefined;
  const changed: string[] = [];
  const rows = report.clusters.map((c) => {
    const b = costCells(c.policyCost.base);
    const h = costCells(c.policyCost.head);
    if (b.join() !== h.join()) changed.push(c.name);
    return `| ${c.name} | ${b.map((x, i) => (x === h[i] ? x : `${x} → **${h[i]}**`)).join(' | ')} |`;
  });
  return {
    head: [`<details><summary>Policy cost: ${changed.length ? `changed in ${changed.join(', ')}` : 'unchanged'}</summary>`, ''],
    tableHead: ['| cluster | NetworkPolicies | CiliumNetworkPolicies | CiliumClusterwideNetworkPolicies | policy-map entries, largest workload | policy-map entries, total |', '| --- | --- | --- | --- | --- | --- |'],
    rows,
    priority: () => 25,
    tail: ['', "Policy-map entries are the analyzer's estimate of Cilium BPF policy-map entries per endpoint (see lib/analysis/README.md); `bpf.policyMapMax` bounds each workload.", '', '</details>', ''],
    cut: (n) => `${count(n, 'cluster')} of the policy-cost table`,
  };
}

/** A fence longer than any backtick run in `text` (CONNECTIVITY.md holds ```mermaid blocks). */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function rawDiffBlock(report: DiffReport): Block | undefined {
  if (!report.rawDiff) return undefined;
  const n = report.files.added.length + report.files.removed.length + report.files.changed.length;
  const fence = fenceFor(report.rawDiff);
  const lines = report.rawDiff.endsWith('\n') ? report.rawDiff.slice(0, -1).split('\n') : report.rawDiff.split('\n');
  return {
    head: [`<details><summary>Raw diff of dist/ and argocd/ (${n} ${n === 1 ? 'file' : 'files'})</summary>`, '', `${fence}diff`],
    rows: lines,
    priority: () => 10,
    tail: [fence, '</details>', ''],
    cut: (n) => `${count(n, 'line')} of the raw diff`,
    noteAt: 1,
  };
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const cutNote = (b: Block, n: number) => `_Left out to fit a pull-request comment (at most 65,536 characters): ${b.cut(n)}. ${WHERE}_`;

function render(b: Block, keep: number): string[] {
  const tail = [...(b.tail ?? [])];
  if (keep < b.rows.length) tail.splice(b.noteAt ?? 0, 0, '', cutNote(b, b.rows.length - keep), '');
  return [...b.head, ...(keep > 0 ? [...(b.tableHead ?? []), ...b.rows.slice(0, keep)] : []), ...tail];
}

/** Cuts rows, lowest priority first and from the end of each block, until the comment is at most `budget`. */
function fit(blocks: readonly Block[], budget: number): string {
  const keep = blocks.map((b) => b.rows.length);
  // Blank lines between blocks collapse to one (no line of the raw diff is empty: each starts with ' ', '+' or '-').
  const text = () => `${blocks.flatMap((b, i) => render(b, keep[i])).join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
  let total = text().length;
  if (total > budget) {
    const longestNote = Math.max(...blocks.map((b) => cutNote(b, b.rows.length).length + 4));
    const candidates = blocks.flatMap((b, bi) => b.rows.map((row, ri) => ({ bi, ri, priority: b.priority(ri), length: row.length + 1 })));
    candidates.sort((x, y) => x.priority - y.priority || y.ri - x.ri);
    for (const c of candidates) {
      if (total <= budget) break;
      if (keep[c.bi] === blocks[c.bi].rows.length) total += longestNote;
      keep[c.bi] = c.ri;
      total -= c.length;
    }
  }
  const out = text();
  if (out.length <= budget) return out;
  // Only text that is never cut (verdict, notes) can still be too long: cut it, and say so.
  const last = `\n\n_The rest is left out to fit a pull-request comment (at most 65,536 characters). ${WHERE}_\n`;
  return out.slice(0, budget - last.length) + last;
}
