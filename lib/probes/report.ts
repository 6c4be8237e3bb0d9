/**
 * The probe plan for people and programs: a section of CONNECTIVITY.md, and the text and JSON that
 * `bulkhead probes` prints. Stable text (plan order, no positions), so diffs show only real changes.
 *
 * JSON (`bulkhead probes --format json`), one object per cluster:
 *
 *   { "cluster": "dev", "enabled": true, "max": 200,
 *     "probes": [{ "kind": "flow" | "guardrail" | "undeclared" | "dns" | "http",
 *                  "from": "tenant/workload", "to": "tenant/workload" (dns: "kube-system/coredns"),
 *                  "host": "<the name connected to or resolved>", "port": 8080, "protocol": "TCP" | "UDP",
 *                  "expect": "open" | "blocked" | "resolves" | "admitted" | "forbidden",
 *                  "request": { "method", "path", "host"? } (http only),
 *                  "reason": "<what it checks>", "job": "tenant/<workload>-probes" }],
 *     "leftOut": { "<kind>": <count> },       // probes beyond max, by kind (empty when none)
 *     "notProbed": [{ "kind", "what", "reason" }] }
 *
 * Fields are only ever added; probes are listed in priority order (the order the plan keeps them).
 */
import { Probe, ProbeKind, ProbePlan, describeProbe, probeJobName } from '../model/probes';

const KINDS: readonly ProbeKind[] = ['flow', 'guardrail', 'dns', 'http', 'undeclared'];
const KIND_NOUN: Record<ProbeKind, string> = { flow: 'declared flow port', guardrail: 'guardrail crossing', dns: 'DNS lookup', http: 'HTTP request', undeclared: 'undeclared pair' };

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const jobOf = (p: Probe) => `${p.from.split('/')[0]}/${probeJobName(p.from.split('/')[1])}`;

/** `12 probes: 4 declared flow ports, 2 guardrail crossings, ...`. */
export function summarizeProbes(plan: ProbePlan): string {
  const counts = KINDS.map((k) => [k, plan.probes.filter((p) => p.kind === k).length] as const).filter(([, n]) => n > 0);
  const left = Object.values(plan.leftOut).reduce((a, b) => a + (b ?? 0), 0);
  return (
    `${plural(plan.probes.length, 'probe')}${counts.length ? `: ${counts.map(([k, n]) => plural(n, KIND_NOUN[k])).join(', ')}` : ''}` +
    `${left ? `; ${left} more left out to stay within ${plan.max} (${leftOutText(plan)})` : ''}`
  );
}

function leftOutText(plan: ProbePlan): string {
  return KINDS.filter((k) => plan.leftOut[k]).map((k) => plural(plan.leftOut[k]!, KIND_NOUN[k])).join(', ');
}

/** The `## Probes` section of CONNECTIVITY.md. */
export function probesReport(plan: ProbePlan): string {
  const out: string[] = ['## Probes', ''];
  const jobs = new Set(plan.probes.map(jobOf)).size;
  if (!plan.enabled) {
    out.push(`Off on this cluster (\`clusters[].probes.enabled: false\`): nothing is rendered. The plan would hold ${summarizeProbes(plan)}.`, '');
    return out.join('\n');
  }
  out.push(
    `${plural(jobs, 'Job')} in \`probes/\` check the live cluster after each sync of its probes Application (Argo CD PostSync hooks;`,
    'without Argo CD, `kubectl apply -f probes/`): each runs as a pod the policies treat like its source workload and tries',
    'the connections below; a probe that finds anything else fails its Job (and the sync). Synth proved every expectation',
    'against the manifests in this directory with bulkhead\'s analyzer. See the README, "Connectivity probes".',
    '',
    `**${summarizeProbes(plan)}**`,
    '',
  );
  if (plan.probes.length) {
    out.push('| kind | from | to | port | request | expected | why |', '|---|---|---|---|---|---|---|');
    for (const p of plan.probes) {
      const to = p.kind === 'dns' ? `${p.host} (${p.to})` : p.to;
      const request = p.request ? `${p.request.method} ${p.request.path}${p.request.host ? ` host ${p.request.host}` : ''}` : '-';
      out.push(`| ${p.kind} | ${p.from} | ${cell(to)} | ${p.protocol}/${p.port} | ${cell(request)} | ${p.expect} | ${cell(p.reason)} |`);
    }
    out.push('');
  }
  out.push('### Not probed', '');
  if (!plan.notProbed.length) out.push('Nothing: every flow, guardrail and tenant is probed.', '');
  else {
    out.push('| kind | what | why |', '|---|---|---|');
    for (const n of plan.notProbed) out.push(`| ${n.kind} | ${cell(n.what)} | ${cell(n.reason)} |`);
    out.push('');
  }
  return out.join('\n');
}

export function probesToText(plan: ProbePlan): string {
  const lines = [`cluster ${plan.cluster}: ${summarizeProbes(plan)}${plan.enabled ? '' : ' (probes are off: clusters[].probes.enabled is false)'}`];
  for (const p of plan.probes) lines.push(`  expect ${p.expect.padEnd(9)} ${describeProbe(p)}  [${jobOf(p)}] ${p.reason}`);
  if (plan.notProbed.length) {
    lines.push('not probed:');
    for (const n of plan.notProbed) lines.push(`  ${n.kind} ${n.what}: ${n.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

export function probesToJson(plan: ProbePlan): string {
  const json = {
    cluster: plan.cluster,
    enabled: plan.enabled,
    max: plan.max,
    probes: plan.probes.map((p) => ({
      kind: p.kind,
      from: p.from,
      to: p.to,
      host: p.host,
      port: p.port,
      protocol: p.protocol,
      expect: p.expect,
      ...(p.request ? { request: { method: p.request.method, path: p.request.path, ...(p.request.host ? { host: p.request.host } : {}) } } : {}),
      reason: p.reason,
      job: jobOf(p),
    })),
    leftOut: Object.fromEntries(KINDS.filter((k) => plan.leftOut[k]).map((k) => [k, plan.leftOut[k]])),
    notProbed: plan.notProbed.map((n) => ({ kind: n.kind, what: n.what, reason: n.reason })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
