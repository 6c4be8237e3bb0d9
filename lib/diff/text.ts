/**
 * `bulkhead diff --format txt`: for a terminal, risk first like the Markdown. Colours come from the caller
 * (none when stdout is not a TTY) and say risk: red for guardrail findings and connections across a base
 * guardrail, yellow for what opens, dim for what closes.
 */
import type { PolicyCost } from './connectivity';
import type { DiffReport } from './diff';
import type { IntentRef } from './intents';
import type { ResourceRef } from './resources';
import { Row, exposureRowsOf, groupCrossings, isRisk, movesOf, rowLabel, rowsOf } from './rows';

export interface TextColors {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  bold: (s: string) => string;
  dim: (s: string) => string;
}

export function toText(report: DiffReport, sides: { base: string; head: string }, c: TextColors): string {
  const first = report.headCheck.status === 'invalid' || report.headCheck.status === 'stale' ? c.red(c.bold(report.verdict)) : c.bold(report.verdict);
  const out: string[] = [first];
  if (report.headCheck.status === 'stale') out.push(`committed output against the base: ${report.changes}`);
  out.push(c.dim(`base ${sides.base} -> head ${sides.head}`));
  for (const n of report.notes) out.push(c.yellow(`note: ${n}`));

  const g = report.guardrails;
  if (g.left.length + g.added.length + g.removed.length + g.changed.length + g.violated.length) {
    out.push('', 'guardrails:');
    for (const d of g.left) out.push(c.red(`  ! ${d.message} (${d.side} side of ${d.rule}, at ${d.at} in the base; ${d.workloads.join(', ')})`));
    for (const r of g.removed) {
      out.push(c.red(`  - removed ${r.name} (${r.rule}), was at ${r.at}`));
      for (const x of groupCrossings(r.crossedInHead)) out.push(c.red(`      now crossed in ${x.clusters.join(', ')} by ${x.connections.join(', ')}`));
    }
    for (const v of g.violated) out.push(c.red(`  ! newly violated in ${v.cluster}: ${v.name} (${v.at}) by ${v.connections.join(', ')}`));
    for (const x of g.changed) out.push(c.yellow(`  ~ changed ${x.name} at ${x.at}: ${x.was} -> ${x.rule}`));
    for (const a of g.added) out.push(c.green(`  + added ${a.name} (${a.rule}) at ${a.at}`));
  }

  const rows = rowsOf(report);
  const paint = (r: Row) => (r.crosses.length ? c.red : isRisk(r) ? c.yellow : c.dim);
  const sign = (r: Row) => (r.kind === 'opened' ? '+' : r.kind === 'closed' ? '-' : '~');
  const intents = (list: readonly IntentRef[], prefix = '') => list.map((i) => c.dim(`      ${prefix}${i.at}: ${i.intent}`));
  const section = (title: string, list: readonly Row[]) => {
    if (!list.length) return;
    out.push('', title);
    for (const r of list) {
      out.push(paint(r)(`  ${sign(r)} ${r.from} -> ${r.to}  ${r.ports}  [${rowLabel(r)}; ${r.clusters.join(', ')}]`));
      for (const x of r.crosses) out.push(c.red(`      forbidden in the base by ${x.name} (${x.at}): ${x.rule}`));
      if (r.kind === 'opened') out.push(...(r.intents.length ? intents(r.intents) : [c.yellow('      no intent in the head declares it')]));
      else if (r.subject === 'http') out.push(...intents(r.intents, 'head '), ...intents(r.baseIntents, 'base '));
      else out.push(...intents(r.baseIntents, 'base '));
    }
  };
  section('opened:', rows.filter(isRisk));
  const exposure = exposureRowsOf(report);
  if (exposure.length) {
    out.push('', 'gateways and routes:');
    for (const e of [...exposure].sort((a, b) => Number(b.risk) - Number(a.risk)))
      out.push((e.risk ? c.yellow : c.dim)(`  ${e.risk ? '+' : '-'} ${e.kind}: ${e.gateways.join(', ')} ${e.what}${e.routes.length ? ` (route ${e.routes.join(', ')})` : ''} [${e.clusters.join(', ')}]`));
  }
  section('closed:', rows.filter((r) => !isRisk(r)));
  const moves = movesOf(report);
  if (moves.length) out.push('', 'renamed and moved workloads:', ...moves.map((m) => `  ${m.from} -> ${m.to} (${m.clusters.join(', ')}): ${m.note}`));

  const r = report.resources;
  if (r.added.length + r.removed.length + r.changed.length) {
    out.push('', `resources: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed`);
    const name = (x: ResourceRef) => `${x.cluster ? `${x.cluster}: ` : ''}${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name}`;
    for (const x of r.added) out.push(c.green(`  + ${name(x)}`));
    for (const x of r.removed) out.push(c.red(`  - ${name(x)}`));
    for (const x of r.changed) out.push(c.yellow(`  ~ ${name(x)}: ${[x.movedFrom ? `moved from ${x.movedFrom}` : '', ...x.fields].filter(Boolean).join(', ')}`));
  }
  const f = report.files;
  const nFiles = f.added.length + f.removed.length + f.changed.length;
  if (nFiles) out.push('', `files under dist/ and argocd/: ${f.added.length} added, ${f.removed.length} removed, ${f.changed.length} changed (--format md or json includes the raw diff)`);

  const costs = report.clusters
    .map((x) => ({ name: x.name, b: costLine(x.policyCost.base), h: costLine(x.policyCost.head) }))
    .filter((x) => x.b !== x.h);
  if (costs.length) {
    out.push('', 'policy cost (NetworkPolicies, CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies, policy-map largest, total):');
    for (const x of costs) out.push(`  ${x.name}: ${x.b} -> ${x.h}`);
  }
  return `${out.join('\n')}\n`;
}

const costLine = (p: PolicyCost | null) =>
  p ? `${p.networkPolicies}/${p.ciliumNetworkPolicies}/${p.ciliumClusterwideNetworkPolicies}, ${p.policyMapMax ? `${p.policyMapMax.entries} (${p.policyMapMax.workload})` : '0'}, ${p.policyMapTotal}` : 'none';
