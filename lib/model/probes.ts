/**
 * The connectivity probes of one cluster: what a pod that the policies treat like a workload tries on
 * the live cluster after each sync, and what it must find. Computed by lib/probes/plan.ts from the
 * resolved platform and what the intents promise; rendered by lib/constructs/probe-jobs.ts; proven
 * consistent with the rendered policies by lib/probes/prove.ts. Plain data, so every stage (and the
 * `bulkhead probes` JSON) reads the same thing.
 */
import { SourceLocation } from './source-location';

/** Why a probe exists. */
export type ProbeKind =
  /** A declared flow on one of its ports: must connect. */
  | 'flow'
  /** Across a guardrail (each direction): must not connect. */
  | 'guardrail'
  /** A pair no flow declares: must not connect (default deny). */
  | 'undeclared'
  /** Name resolution from a tenant through the cluster's DNS. */
  | 'dns'
  /** An HTTP request a flow's rules admit, or one they do not (Cilium answers 403). */
  | 'http';

/**
 * What the probe must find. `open`: the TCP handshake completes; `blocked`: the connection times out
 * (Cilium and NetworkPolicy drop silently); `resolves`: the name resolves; `admitted`: an HTTP answer
 * other than Cilium's denial; `forbidden`: Cilium's `403` with body `Access denied`.
 */
export type ProbeExpectation = 'open' | 'blocked' | 'resolves' | 'admitted' | 'forbidden';

export interface ProbeRequest {
  readonly method: string;
  /** A literal path, no query string. */
  readonly path: string;
  /** The Host header, when a rule asks for one; otherwise curl sends `<service host>:<port>`. */
  readonly host?: string;
}

export interface Probe {
  readonly kind: ProbeKind;
  /** The workload whose pods the probe pod stands in for (`tenant/name`). */
  readonly from: string;
  /** The destination workload (`tenant/name`), or the cluster's DNS server for `dns` probes. */
  readonly to: string;
  /** The name the probe connects to or resolves: the destination's Service, or a name to resolve. */
  readonly host: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly expect: ProbeExpectation;
  /** `http` probes: the request sent. */
  readonly request?: ProbeRequest;
  /** What the probe checks, in the reviewer's terms (a flow, a guardrail, ...); stable text. */
  readonly reason: string;
  /** Where the intent behind it is declared (for error messages only; never rendered into files). */
  readonly origin?: SourceLocation;
}

/** Something the plan could not probe, and why: listed, never silently dropped. */
export interface NotProbed {
  readonly kind: 'flow' | 'http' | 'egress' | 'route' | 'dns' | 'guardrail';
  /** What was left out, e.g. `billing/ledger -> 198.51.100.0/24 TCP/443`. */
  readonly what: string;
  readonly reason: string;
}

export interface ProbePlan {
  readonly cluster: string;
  /** `clusters[].probes.enabled`: when false, nothing is rendered (the plan is still computed). */
  readonly enabled: boolean;
  /** `clusters[].probes.max`: the most probes the plan holds. */
  readonly max: number;
  /** In priority order: guardrails, DNS, HTTP, flows (round-robin over tenants), the undeclared sample. */
  readonly probes: readonly Probe[];
  /** Probes left out to stay within `max`, per kind. */
  readonly leftOut: Readonly<Partial<Record<ProbeKind, number>>>;
  readonly notProbed: readonly NotProbed[];
}

/** The Job that runs a workload's probes, in the workload's namespace. Workload names are at most 55 characters. */
export const probeJobName = (workload: string): string => `${workload}-probes`;

/** The label every probe pod carries besides its source's; no policy selects on it. */
export const PROBE_LABEL = 'bulkhead.dev/probe';

/** The in-cluster name of a workload's Service. */
export const serviceHost = (id: string): string => {
  const [tenant, name] = id.split('/');
  return `${name}.${tenant}.svc.cluster.local`;
};

/** One line naming a probe, as the Job prints it and the plan lists it: `flow web/a -> shop/b TCP/8080`. */
export function describeProbe(p: Probe): string {
  const request = p.request ? ` ${p.request.method} ${p.request.path}${p.request.host ? ` host ${p.request.host}` : ''}` : '';
  const to = p.kind === 'dns' ? `${p.to} (${p.host})` : p.to;
  return `${p.kind} ${p.from} -> ${to} ${p.protocol}/${p.port}${request}`;
}
