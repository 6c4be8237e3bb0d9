/**
 * Synth's proof that the probes say what the policies do: the analyzer reads the cluster's rendered
 * manifests, the probe Jobs and the cluster's DNS server together, and for every probe of the plan
 * - a rendered Job `<workload>-probes` in the source's namespace runs it (its script holds the probe's line);
 * - the probe pod gets what the probe expects: allowed for `open`, `resolves`, `admitted`, `forbidden`,
 *   denied for `blocked`;
 * - the probe pod is treated like the workload it stands in for (the same verdict as the source has in
 *   the verified connectivity, or, towards DNS, in what the verifier proved every workload gets);
 * - an HTTP probe's request is admitted by the HTTP rules the analyzer finds on that port (`admitted`),
 *   or by none of them (`forbidden`: the port must be restricted, or every request would pass).
 * The probe files must hold only Jobs and the plan ConfigMap: a probe must not open anything.
 * Every disagreement is a finding naming the probe, so synth fails and dist/ stays as it was.
 */
import { AnalysisInputError, Connectivity, Explanation, HttpRule, SourcedObject, explain, isAllowed, portsContain } from '../analysis';
import { formatLocation } from '../intent/diagnostics';
import { Probe, ProbePlan, describeProbe, probeJobName } from '../model/probes';
import { CLUSTER_DNS_ID, CLUSTER_DNS_OBJECTS, DNS_ALLOWED } from '../verify/cluster-dns';
import { Finding } from '../verify/verify';
import { ruleAdmits } from './http-requests';

/** What the probe files may hold: nothing that opens or closes a path. */
const PROBE_KINDS = new Set(['batch/v1/Job', 'v1/ConfigMap']);

/**
 * `rendered`: the cluster's manifests as the verifier read them; `verified`: the connectivity the verifier
 * computed from them (what the source workloads themselves get).
 */
export function proveProbes(plan: ProbePlan, rendered: readonly SourcedObject[], probeObjects: readonly SourcedObject[], verified: Connectivity): Finding[] {
  const findings: Finding[] = [];
  const scripts = new Map<string, string>();
  for (const o of probeObjects) {
    const m = o.object as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: JobSpec };
    const key = `${m.apiVersion}/${m.kind}`;
    if (!PROBE_KINDS.has(key)) {
      findings.push({ kind: 'probe', message: `${o.file}: ${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''} is not a probe Job: the probes must not add or change anything but their Jobs and plan` });
      continue;
    }
    if (m.kind === 'Job') scripts.set(`${m.metadata?.namespace}/${m.metadata?.name}`, (m.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]).join('\n'));
  }
  // One array for every question, so that the analyzer compiles the inventory once.
  const objects = [...rendered, ...probeObjects, ...CLUSTER_DNS_OBJECTS];
  for (const p of plan.probes) {
    const problem = disagreement(p, objects, scripts, verified);
    if (problem) findings.push({ kind: 'probe', message: `probe "${describeProbe(p)}" expecting ${p.expect} (${p.reason}${p.origin ? `, ${formatLocation(p.origin)}` : ''}): ${problem}` });
  }
  return findings;
}

interface JobSpec {
  template?: { spec?: { containers?: Array<{ command?: string[]; args?: string[] }> } };
}

function disagreement(p: Probe, objects: readonly SourcedObject[], scripts: ReadonlyMap<string, string>, verified: Connectivity): string | undefined {
  const [tenant, workload] = p.from.split('/');
  const job = `${tenant}/${probeJobName(workload)}`;
  const script = scripts.get(job);
  if (script === undefined) return `no Job ${job} is rendered to run it`;
  if (!script.includes(describeProbe(p))) return `Job ${job} does not run it`;
  let asProbe: Explanation;
  try {
    asProbe = explain(objects, { from: job, to: p.to, port: p.port, protocol: p.protocol });
  } catch (e) {
    if (e instanceof AnalysisInputError) return `the analyzer cannot judge it: ${e.message}`;
    throw e;
  }
  const sourceAllowed = p.to === CLUSTER_DNS_ID ? portsContain(DNS_ALLOWED, p.port, p.protocol) : isAllowed(verified, p.from, p.to, p.port, p.protocol);
  const wantAllowed = p.expect !== 'blocked';
  if (asProbe.allowed !== wantAllowed) return `the policies ${asProbe.allowed ? 'allow' : 'deny'} the probe pod (${job}) there${sourceAllowed === wantAllowed ? `, unlike ${p.from} itself: its pod is not treated like its source` : ''}`;
  if (sourceAllowed !== asProbe.allowed) return `the probe pod (${job}) is ${asProbe.allowed ? 'allowed' : 'denied'}, but ${p.from} itself is ${sourceAllowed ? 'allowed' : 'denied'}: it is not treated like its source`;
  if (p.kind !== 'http' || !p.request) return undefined;
  // Cilium's proxy enforces each restricting side; a request passes when every side's rules admit it.
  const sides = [asProbe.egress.http, asProbe.ingress.http].filter((r): r is HttpRule[] => r !== undefined);
  const authority = `${p.host}:${p.port}`;
  const rejectedBy = sides.filter((rules) => !rules.some((r) => ruleAdmits(r, p.request!, authority)));
  if (p.expect === 'admitted' && rejectedBy.length) return `the HTTP rules on ${p.protocol}/${p.port} do not admit the request (${describeRules(rejectedBy[0])})`;
  if (p.expect === 'forbidden' && !sides.length) return `no HTTP rule restricts ${p.protocol}/${p.port}, so every request passes`;
  if (p.expect === 'forbidden' && !rejectedBy.length) return `the HTTP rules on ${p.protocol}/${p.port} admit the request (${sides.map(describeRules).join('; ')})`;
  return undefined;
}

const describeRules = (rules: readonly HttpRule[]) => rules.map((r) => [r.method ?? '*', r.path ?? '*', r.host ? `host ${r.host}` : ''].filter(Boolean).join(' ')).join(', ');
