/** `bulkhead diff --format txt`: for a terminal; colours come from the caller (none when stdout is not a TTY). */
import type { PolicyCost } from './connectivity';
import type { DiffReport } from './diff';
import type { ResourceRef } from './resources';
import { Row, groupCrossings, rowLabel, rowsOf } from './rows';

export interface TextColors {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  bold: (s: string) => string;
  dim: (s: string) => string;
}

export function toText(report: DiffReport, sides: { base: string; head: string }, c: TextColors): string {
  const out: string[] = [c.bold(report.verdict), c.dim(`base ${sides.base} -> head ${sides.head}`)];
  for (const n of report.notes) out.push(c.yellow(`note: ${n}`));

  const rows = rowsOf(report);
  if (rows.length) {
    out.push('', 'who can reach whom:');
    const paint = (r: Row) => (r.kind === 'opened' ? c.green : r.kind === 'closed' ? c.red : c.yellow);
    const sign = (r: Row) => (r.kind === 'opened' ? '+' : r.kind === 'closed' ? '-' : '~');
    for (const r of rows) {
      out.push(paint(r)(`  ${sign(r)} ${r.from} -> ${r.to}  ${r.ports}  [${rowLabel(r)}; ${r.clusters.join(', ')}]`));
      if (r.kind === 'opened')
        out.push(...(r.intents.length ? r.intents.map((i) => c.dim(`      ${i.at}: ${i.intent}`)) : [c.yellow('      no intent in the head declares it')]));
    }
  }
  const g = report.guardrails;
  if (g.added.length + g.removed.length + g.changed.length + g.violated.length) {
    out.push('', 'guardrails:');
    for (const r of g.removed) {
      out.push(c.red(`  - removed ${r.name} (${r.rule}), was at ${r.at}`));
      for (const x of groupCrossings(r.crossedInHead)) out.push(c.red(`      now crossed in ${x.clusters.join(', ')} by ${x.connections.join(', ')}`));
    }
    for (const v of g.violated) out.push(c.red(`  ! newly violated in ${v.cluster}: ${v.name} (${v.at}) by ${v.connections.join(', ')}`));
    for (const x of g.changed) out.push(c.yellow(`  ~ changed ${x.name} at ${x.at}: ${x.was} -> ${x.rule}`));
    for (const a of g.added) out.push(c.green(`  + added ${a.name} (${a.rule}) at ${a.at}`));
  }
  const renamed = [...new Set(report.clusters.flatMap((x) => x.workloads.renamed.map((r) => `${r.from} -> ${r.to}`)))];
  if (renamed.length) out.push('', `renamed with the same connections: ${renamed.join(', ')}`);

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
