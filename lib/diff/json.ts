/**
 * `bulkhead diff --format json`: a stable contract (version 1). Objects are built field by field so that
 * fields added to the report later do not leak into it; new fields may be added, none removed or renamed
 * without bumping `version`. 2-space indent; every list in the order given below.
 *
 * PortMap = { TCP?: [lo, hi][], UDP?: ..., SCTP?: ... }       (inclusive ranges, as the analyzer's JSON)
 * IntentRef = { intent: string, at: "platform.yaml:LINE:COL", description?: string }
 * Resource = { apiVersion, kind, namespace?, name, file, cluster? }
 *   kind "(document)" with name = file (or file#index) for YAML documents that are not API objects.
 *
 * {
 *   version: 1,
 *   verdict: string,                       one line, as printed at the top of md/txt
 *   base, head: { source: string,          the --base/--head argument ("." for the working tree)
 *                 kind: "git" | "dir", commit?: string (git: the resolved commit),
 *                 hasOutput: boolean,      false: no dist/ (a base without output is a first PR)
 *                 intents: string | null } the intents file read, null if missing or it does not check
 *   notes: string[],
 *   summary: { connectionsOpened, connectionsClosed, externalOpened, externalClosed, exposureOpened,
 *              exposureClosed, httpWidened, httpNarrowed, workloadsRenamed, guardrailsAdded, guardrailsRemoved,
 *              guardrailsChanged, guardrailsViolated, resourcesAdded, resourcesRemoved, resourcesChanged,
 *              filesChanged: number,      connection/external/exposure/http counts are distinct across clusters
 *              clusters: string[] },      clusters where who-can-reach-whom changed
 *   fails: { opened: boolean, guardrail: boolean, any: boolean },    what each --fail-on would do
 *   clusters: [{                           by name; one per subdirectory of dist/ on either side
 *     name, status: "added" | "removed" | "changed" | "unchanged",
 *     workloads: { added: string[], removed: string[], renamed: [{ from, to }] },   ids "ns/name"
 *     connections: {
 *       opened: [{ from, to, ports: PortMap, whole: boolean, flows: IntentRef[], l7?: L7[] }],
 *                                          ports = newly open ports only; whole = nothing was open before;
 *                                          flows = the head's flows behind them ([] = no flow declares it);
 *                                          l7 = HTTP restrictions on those ports, as in the analyzer's JSON:
 *                                          [{ direction, ports: PortMap, http: HttpRule[] }]
 *       closed: [{ from, to, ports: PortMap, whole: boolean }] },              whole = nothing stays open
 *     external: {
 *       opened: [{ direction: "egress" | "ingress", workload, kind: "cidr" | "fqdn" | "entity", target,
 *                  except: string[], ports: PortMap, whole: boolean, egress: IntentRef[] }],
 *       closed: [ same without egress ] },
 *     gateway: { opened: [{ workload, ports: PortMap, whole, routes: IntentRef[] }], closed: [ same without routes ] },
 *                                          ports Cilium's gateway proxy may (no longer) reach
 *     http: [{ from, to, direction: "ingress" | "egress", ports: PortMap,
 *              base: HttpRule[] | null, head: HttpRule[] | null, widened: boolean }],
 *                                          HttpRule = { method?, path?, host? }; null = every request passes
 *     policyCost: { base: Cost | null, head: Cost | null } }],     null: no output on that side
 *       Cost = { networkPolicies, ciliumNetworkPolicies, ciliumClusterwideNetworkPolicies: number,
 *                policyMapMax: { workload, entries } | null, policyMapTotal: number }
 *   guardrails: {
 *     added:    [{ name, rule, control?, at }],                    at = head position
 *     removed:  [{ name, rule, control?, at, crossedInHead: [{ cluster, connections: string[] }] }],
 *                                          at = base position; crossedInHead = head connections it forbade
 *     changed:  [{ name, rule, control?, at, was: string }],       rule = head's, was = base's
 *     violated: [{ name, rule, control?, at, cluster, connections: string[] }] },
 *                                          head guardrails crossed by connections the base did not have
 *   resources: { added: Resource[], removed: Resource[],
 *                changed: [Resource & { fields: string[], movedFrom?: string }] },
 *                                          fields like "spec.ingress[0].from", at most 6 field names deep
 *   files: { added: string[], removed: string[], changed: string[] },   under dist/ and argocd/
 *   rawDiff: string                        unified diff of those files ("" when none)
 * }
 */
import type { PolicyCost } from './connectivity';
import { DiffReport, fails } from './diff';
import type { IntentRef } from './intents';
import type { ResourceRef } from './resources';

export const JSON_VERSION = 1;

const intent = (i: IntentRef) => ({ intent: i.intent, at: i.at, ...(i.description !== undefined ? { description: i.description } : {}) });
const resource = (r: ResourceRef) => ({
  apiVersion: r.apiVersion,
  kind: r.kind,
  ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
  name: r.name,
  file: r.file,
  ...(r.cluster !== undefined ? { cluster: r.cluster } : {}),
});
const cost = (c: PolicyCost | null) =>
  c && {
    networkPolicies: c.networkPolicies,
    ciliumNetworkPolicies: c.ciliumNetworkPolicies,
    ciliumClusterwideNetworkPolicies: c.ciliumClusterwideNetworkPolicies,
    policyMapMax: c.policyMapMax && { workload: c.policyMapMax.workload, entries: c.policyMapMax.entries },
    policyMapTotal: c.policyMapTotal,
  };
const guardrail = (g: { name: string; rule: string; control?: string; at: string }) => ({ name: g.name, rule: g.rule, ...(g.control !== undefined ? { control: g.control } : {}), at: g.at });
const side = (s: DiffReport['base']) => ({ source: s.source, kind: s.kind, ...(s.commit ? { commit: s.commit } : {}), hasOutput: s.hasOutput, intents: s.intents });

export function toJson(report: DiffReport): string {
  const s = report.summary;
  const doc = {
    version: JSON_VERSION,
    verdict: report.verdict,
    base: side(report.base),
    head: side(report.head),
    notes: report.notes,
    summary: {
      connectionsOpened: s.connectionsOpened,
      connectionsClosed: s.connectionsClosed,
      externalOpened: s.externalOpened,
      externalClosed: s.externalClosed,
      exposureOpened: s.exposureOpened,
      exposureClosed: s.exposureClosed,
      httpWidened: s.httpWidened,
      httpNarrowed: s.httpNarrowed,
      workloadsRenamed: s.workloadsRenamed,
      guardrailsAdded: s.guardrailsAdded,
      guardrailsRemoved: s.guardrailsRemoved,
      guardrailsChanged: s.guardrailsChanged,
      guardrailsViolated: s.guardrailsViolated,
      resourcesAdded: s.resourcesAdded,
      resourcesRemoved: s.resourcesRemoved,
      resourcesChanged: s.resourcesChanged,
      filesChanged: s.filesChanged,
      clusters: s.clusters,
    },
    fails: { opened: fails(report, 'opened'), guardrail: fails(report, 'guardrail'), any: fails(report, 'any') },
    clusters: report.clusters.map((c) => ({
      name: c.name,
      status: c.status,
      workloads: { added: c.workloads.added, removed: c.workloads.removed, renamed: c.workloads.renamed.map((r) => ({ from: r.from, to: r.to })) },
      connections: {
        opened: c.opened.map((o) => ({
          from: o.from,
          to: o.to,
          ports: o.ports,
          whole: o.whole,
          flows: o.flows.map(intent),
          ...(o.l7 ? { l7: o.l7.map((l) => ({ direction: l.direction, ports: l.ports, http: l.http })) } : {}),
        })),
        closed: c.closed.map((o) => ({ from: o.from, to: o.to, ports: o.ports, whole: o.whole })),
      },
      external: {
        opened: c.externalOpened.map((e) => ({ direction: e.direction, workload: e.workload, kind: e.kind, target: e.target, except: e.except, ports: e.ports, whole: e.whole, egress: e.egress.map(intent) })),
        closed: c.externalClosed.map((e) => ({ direction: e.direction, workload: e.workload, kind: e.kind, target: e.target, except: e.except, ports: e.ports, whole: e.whole })),
      },
      gateway: {
        opened: c.exposureOpened.map((e) => ({ workload: e.workload, ports: e.ports, whole: e.whole, routes: e.routes.map(intent) })),
        closed: c.exposureClosed.map((e) => ({ workload: e.workload, ports: e.ports, whole: e.whole })),
      },
      http: c.http.map((h) => ({ from: h.from, to: h.to, direction: h.direction, ports: h.ports, base: h.base, head: h.head, widened: h.widened })),
      policyCost: { base: cost(c.policyCost.base), head: cost(c.policyCost.head) },
    })),
    guardrails: {
      added: report.guardrails.added.map(guardrail),
      removed: report.guardrails.removed.map((g) => ({ ...guardrail(g), crossedInHead: g.crossedInHead.map((x) => ({ cluster: x.cluster, connections: x.connections })) })),
      changed: report.guardrails.changed.map((g) => ({ ...guardrail(g), was: g.was })),
      violated: report.guardrails.violated.map((g) => ({ ...guardrail(g), cluster: g.cluster, connections: g.connections })),
    },
    resources: {
      added: report.resources.added.map(resource),
      removed: report.resources.removed.map(resource),
      changed: report.resources.changed.map((r) => ({ ...resource(r), fields: r.fields, ...(r.movedFrom !== undefined ? { movedFrom: r.movedFrom } : {}) })),
    },
    files: { added: report.files.added, removed: report.files.removed, changed: report.files.changed },
    rawDiff: report.rawDiff,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
