/**
 * The PR comment: a hidden marker (the workflow finds its earlier comment by it and updates that one), a
 * one-line verdict, the table of opened and closed flows, guardrail changes, a Mermaid graph of only the
 * changed edges, then `<details>` for resources, policy cost and the raw diff. Kept under GitHub's 65,536
 * characters per comment by shortening the raw diff first.
 */
import type { PolicyCost } from './connectivity';
import { DiffReport, verdictParts } from './diff';
import type { ResourceRef } from './resources';
import { Row, groupCrossings, rowLabel, rowsOf } from './rows';

export const MARKER = '<!-- bulkhead-diff -->';
/** GitHub rejects comments over 65,536 characters; leave room for what the workflow adds. */
export const MAX_COMMENT = 60_000;
const MAX_EDGES = 60;
const MAX_RESOURCE_ROWS = 200;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const ICON: Record<Row['kind'], string> = { opened: '🟢', closed: '🔴', 'http-widened': '🟠', 'http-narrowed': '🔵' };

export function toMarkdown(report: DiffReport, sides: { base: string; head: string }): string {
  const out: string[] = [MARKER, verdictLine(report), ''];
  out.push(`<sub>base ${sides.base} → head ${sides.head}</sub>`, '');
  for (const n of report.notes) out.push(`> **Note:** ${n}`, '');

  const rows = rowsOf(report);
  if (rows.length) {
    out.push('| change | from | to | ports | clusters | declared by |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const declared =
        r.kind !== 'opened' ? '' : r.intents.length ? r.intents.map((i) => `${code(i.at)} ${cell(i.intent)}`).join('<br>') : '⚠️ no intent declares it';
      out.push(`| ${ICON[r.kind]} ${rowLabel(r)} | ${code(r.from)} | ${code(r.to)} | ${cell(r.ports)} | ${r.clusters.join(', ')} | ${declared} |`);
    }
    out.push('');
  }
  out.push(...guardrailLines(report));
  const renamed = [...new Set(report.clusters.flatMap((c) => c.workloads.renamed.map((r) => `${code(r.from)} → ${code(r.to)}`)))];
  if (renamed.length) out.push(`Renamed with the same connections: ${renamed.join(', ')}.`, '');
  out.push(...mermaid(rows));
  out.push(...resourcesSection(report), ...policyCostSection(report));
  return withRawDiff(out.join('\n'), report);
}

function verdictLine(report: DiffReport): string {
  const s = report.summary;
  if (!verdictParts(s).length) return `**${report.verdict}**`;
  // `**bulkhead: 1 connection opened, 1 guardrail removed** in dev, prod`
  const where = s.clusters.length ? ` in ${s.clusters.join(', ')}` : '';
  const head = where && report.verdict.endsWith(where) ? report.verdict.slice(0, -where.length) : report.verdict;
  return `**${head}**${where}`;
}

function guardrailLines(report: DiffReport): string[] {
  const g = report.guardrails;
  const lines: string[] = [];
  for (const r of g.removed) {
    const crossed = r.crossedInHead.length
      ? ` The head now has connections it forbade: ${groupCrossings(r.crossedInHead).map((c) => `${c.connections.map(code).join(', ')} in ${c.clusters.join(', ')}`).join('; ')}.`
      : ' No head connection crosses it yet.';
    lines.push(`- 🔴 guardrail removed: ${code(r.name)} (${r.rule}${r.control ? `; ${r.control}` : ''}), was at ${code(r.at)}.${crossed}`);
  }
  for (const v of g.violated) lines.push(`- 🔴 guardrail newly violated in ${v.cluster}: ${code(v.name)} (${code(v.at)}) by ${v.connections.map(code).join(', ')}`);
  for (const c of g.changed) lines.push(`- 🟠 guardrail changed: ${code(c.name)} at ${code(c.at)}: ${c.was} → ${c.rule}`);
  for (const a of g.added) lines.push(`- 🔵 guardrail added: ${code(a.name)} (${a.rule}${a.control ? `; ${a.control}` : ''}) at ${code(a.at)}`);
  return lines.length ? [...lines, ''] : [];
}

function mermaid(rows: Row[]): string[] {
  const edges = rows.filter((r) => r.kind === 'opened' || r.kind === 'closed');
  if (!edges.length) return [];
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
    const from = node(r.from);
    const to = node(r.to);
    const arrow = r.kind === 'opened' ? '-->' : '-.->';
    lines.push(`  ${from} ${arrow}|"${r.kind}: ${label(r.ports)}"| ${to}`);
    styles.push(`  linkStyle ${i} stroke:${r.kind === 'opened' ? '#1a7f37' : '#cf222e'},stroke-width:2px`);
  });
  lines.push(...styles, '```');
  if (edges.length > shown.length) lines.push(`<sub>${edges.length - shown.length} more changed edges are in the table above.</sub>`);
  return [...lines, ''];
}

function resourceName(r: ResourceRef): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

function resourcesSection(report: DiffReport): string[] {
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
  const shown = rows.slice(0, MAX_RESOURCE_ROWS);
  const more = rows.length > shown.length ? [``, `${rows.length - shown.length} more rows: see the raw diff.`] : [];
  const fileLine = nFiles ? [`Files: ${[files.added.length && `${files.added.length} added`, files.removed.length && `${files.removed.length} removed`, files.changed.length && `${files.changed.length} changed`].filter(Boolean).join(', ')} under dist/ and argocd/.`, ''] : [];
  return [
    `<details><summary>Resources: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed</summary>`,
    '',
    ...fileLine,
    ...(total ? ['| change | cluster | kind | namespace/name | file or changed fields |', '| --- | --- | --- | --- | --- |', ...shown, ...more] : []),
    '',
    '</details>',
    '',
  ];
}

const costCells = (c: PolicyCost | null) =>
  c
    ? [String(c.networkPolicies), String(c.ciliumNetworkPolicies), String(c.ciliumClusterwideNetworkPolicies), c.policyMapMax ? `${c.policyMapMax.entries} (${c.policyMapMax.workload})` : '0', String(c.policyMapTotal)]
    : ['–', '–', '–', '–', '–'];

function policyCostSection(report: DiffReport): string[] {
  if (!report.clusters.length) return [];
  const changed: string[] = [];
  const rows = report.clusters.map((c) => {
    const b = costCells(c.policyCost.base);
    const h = costCells(c.policyCost.head);
    if (b.join() !== h.join()) changed.push(c.name);
    return `| ${c.name} | ${b.map((x, i) => (x === h[i] ? x : `${x} → **${h[i]}**`)).join(' | ')} |`;
  });
  return [
    `<details><summary>Policy cost: ${changed.length ? `changed in ${changed.join(', ')}` : 'unchanged'}</summary>`,
    '',
    '| cluster | NetworkPolicies | CiliumNetworkPolicies | CiliumClusterwideNetworkPolicies | policy-map entries, largest workload | policy-map entries, total |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Policy-map entries are the analyzer\'s estimate of Cilium BPF policy-map entries per endpoint (see lib/analysis/README.md); `bpf.policyMapMax` bounds each workload.',
    '',
    '</details>',
    '',
  ];
}

/** A fence longer than any backtick run in `text` (CONNECTIVITY.md holds ```mermaid blocks). */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function withRawDiff(body: string, report: DiffReport): string {
  if (!report.rawDiff) return `${body.trimEnd()}\n`;
  const n = report.files.added.length + report.files.removed.length + report.files.changed.length;
  const open = `<details><summary>Raw diff of dist/ and argocd/ (${n} ${n === 1 ? 'file' : 'files'})</summary>\n\n`;
  const close = '\n</details>\n';
  let diff = report.rawDiff;
  const budget = MAX_COMMENT - body.length - open.length - close.length - 400;
  let cut = '';
  if (diff.length > budget) {
    const keep = diff.slice(0, Math.max(0, budget));
    const at = keep.lastIndexOf('\n');
    const kept = at >= 0 ? keep.slice(0, at + 1) : '';
    const dropped = diff.slice(kept.length).split('\n').length - 1;
    diff = kept;
    cut = `\n_The diff is cut here (${dropped} more lines) to fit in a comment: run \`bulkhead diff\` locally or read the PR's file diff._\n`;
  }
  const fence = fenceFor(diff);
  return `${body.trimEnd()}\n\n${open}${fence}diff\n${diff}${diff.endsWith('\n') || !diff ? '' : '\n'}${fence}\n${cut}${close}`;
}
