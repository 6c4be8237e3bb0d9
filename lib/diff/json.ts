/**
 * `bulkhead diff --format json`: a stable contract (version 1). Objects are built field by field so that
 * fields added to the report later do not leak into it; new fields may be added, none removed or renamed
 * without bumping `version`. 2-space indent; every list in the order given below. It holds everything the
 * Markdown comment may cut to fit GitHub's limit (every row, the whole raw diff).
 *
 * PortMap = { TCP?: [lo, hi][], UDP?: ..., SCTP?: ... }       (inclusive ranges, as the analyzer's JSON)
 * IntentRef = { intent: string, at: "platform.yaml:LINE:COL", description?: string }
 * Resource = { apiVersion, kind, namespace?, name, file, cluster? }
 *   kind "(document)" with name = file (or file#index) for YAML documents that are not API objects.
 *
 * {
 *   version: 1,
 *   verdict: string,                       one line, as printed at the top of md/txt: what the change does,
 *                                          or why the head cannot be judged (it does not compile, dist/ is stale)
 *   changes: string,                       what the comparison found (= verdict unless the head check failed)
 *   headCheck: { status: "ok" | "invalid" | "stale" | "unchecked", message?: string,
 *                stale?: { added, removed, changed: string[] } },
 *                                          invalid: the head's platform.yaml does not check or compile, and
 *                                          nothing is compared; stale: its committed dist/ or argocd/ differs
 *                                          from what it compiles to (files synth would add, remove, rewrite);
 *                                          unchecked: no platform.yaml in the head
 *   base, head: { source: string,          the --base/--head argument ("." for the working tree)
 *                 kind: "git" | "dir", commit?: string (git: the resolved commit),
 *                 hasOutput: boolean,      false: no dist/ (a base without output is a first PR)
 *                 intents: string | null } the intents file read, null if missing or it does not check
 *   notes: string[],
 *   summary: { connectionsOpened, connectionsClosed, externalOpened, externalClosed, exposureOpened,
 *              exposureClosed, httpWidened, httpNarrowed, workloadsRenamed, guardrailsAdded, guardrailsRemoved,
 *              guardrailsChanged, guardrailsViolated, resourcesAdded, resourcesRemoved, resourcesChanged,
 *              filesChanged, connectionsCrossingGuardrail, guardrailMembersLeft, workloadsMoved,
 *              listenersAdded, listenersRemoved, hostnamesAdded, hostnamesRemoved, backendsReachable,
 *              backendsUnreachable, sharesChanged: number,
 *                                         connection/external/exposure/http counts are distinct across clusters
 *              clusters: string[] },      clusters where who-can-reach-whom (gateways included) changed
 *   fails: { opened, guardrail, exposure, any: boolean },   what each --fail-on would do (all true when the
 *                                          head check is invalid or stale)
 *   clusters: [{                           by name; one per subdirectory of dist/ on either side
 *     name, status: "added" | "removed" | "changed" | "unchanged",
 *     workloads: { added: string[], removed: string[], renamed: [{ from, to }], moved: [{ from, to }] },
 *                                          ids "ns/name"; moved = same name in another namespace (tenant)
 *     connections: {
 *       opened: [{ from, to, ports: PortMap, whole: boolean, flows: IntentRef[], l7?: L7[],
 *                  crosses: Guardrail[] }],
 *                                          ports = newly open ports only; whole = nothing was open before;
 *                                          flows = the head's flows behind them ([] = no flow declares it);
 *                                          l7 = HTTP restrictions on those ports, as in the analyzer's JSON:
 *                                          [{ direction, ports: PortMap, http: HttpRule[] }];
 *                                          crosses = base guardrails that would have forbidden it
 *       closed: [{ from, to, ports: PortMap, whole: boolean, baseFlows: IntentRef[] }] },
 *                                          whole = nothing stays open; baseFlows = the base's flows behind them
 *     external: {
 *       opened: [{ direction: "egress" | "ingress", workload, kind: "cidr" | "fqdn" | "entity", target,
 *                  except: string[], ports: PortMap, whole: boolean, egress: IntentRef[] }],
 *       closed: [ same without egress ] },
 *     gateway: { opened: [{ workload, ports: PortMap, whole, routes: IntentRef[] }], closed: [ same without routes ] },
 *                                          ports Cilium's gateway proxy may (no longer) reach
 *     http: [{ from, to, direction: "ingress" | "egress", ports: PortMap,
 *              base: HttpRule[] | null, head: HttpRule[] | null, widened: boolean,
 *              flows: IntentRef[], baseFlows: IntentRef[] }],
 *                                          HttpRule = { method?, path?, host? }; null = every request passes
 *     exposure: {                          gateways and routes, from the rendered Gateway API objects
 *       listeners: { added, removed: [{ gateway, name, protocol, port, hostname? }] },   gateway "ns/name"
 *       hostnames: { added, removed: [{ gateway, hostname, routes: string[] }] },       hostname "*" = any
 *       backends: { reachable, unreachable: [{ gateway, route, workload, port }] },
 *                                          workloads a gateway's traffic (newly / no longer) reaches
 *       shares: [{ route, gateways: string[], match: string,
 *                  backends: [{ backend: "ns/svc:port", before: number | null, after: number | null }] }] },
 *                                          percent of a rule's requests per backend, for rules on both sides
 *     policyCost: { base: Cost | null, head: Cost | null } }],     null: no output on that side
 *       Cost = { networkPolicies, ciliumNetworkPolicies, ciliumClusterwideNetworkPolicies: number,
 *                policyMapMax: { workload, entries } | null, policyMapTotal: number }
 *   guardrails: {
 *     left:     [{ name, rule, control?, at, side: "from" | "to", tenant, subject, workloads: string[],
 *                  reason, message, clusters: string[] }],
 *                                          workloads (base ids) that left a side of a base guardrail: at = base
 *                                          position; subject = the tenant when all its workloads left, else ids;
 *                                          reason = "label data-class phi -> restricted", "moved to tenant ..."
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
import type { BackendReach, ExposureDiff, HostnameExposure, ListenerInfo } from './exposure';
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
const listener = (l: ListenerInfo) => ({ gateway: l.gateway, name: l.name, protocol: l.protocol, port: l.port, ...(l.hostname !== undefined ? { hostname: l.hostname } : {}) });
const hostname = (h: HostnameExposure) => ({ gateway: h.gateway, hostname: h.hostname, routes: h.routes });
const reach = (b: BackendReach) => ({ gateway: b.gateway, route: b.route, workload: b.workload, port: b.port });
const exposure = (e: ExposureDiff) => ({
  listeners: { added: e.listeners.added.map(listener), removed: e.listeners.removed.map(listener) },
  hostnames: { added: e.hostnames.added.map(hostname), removed: e.hostnames.removed.map(hostname) },
  backends: { reachable: e.backends.reachable.map(reach), unreachable: e.backends.unreachable.map(reach) },
  shares: e.shares.map((x) => ({ route: x.route, gateways: x.gateways, match: x.match, backends: x.backends.map((b) => ({ backend: b.backend, before: b.before, after: b.after })) })),
});
const side = (s: DiffReport['base']) => ({ source: s.source, kind: s.kind, ...(s.commit ? { commit: s.commit } : {}), hasOutput: s.hasOutput, intents: s.intents });

export function toJson(report: DiffReport): string {
  const s = report.summary;
  const doc = {
    version: JSON_VERSION,
    verdict: report.verdict,
    changes: report.changes,
    headCheck: {
      status: report.headCheck.status,
      ...(report.headCheck.message !== undefined ? { message: report.headCheck.message } : {}),
      ...(report.headCheck.stale ? { stale: { added: report.headCheck.stale.added, removed: report.headCheck.stale.removed, changed: report.headCheck.stale.changed } } : {}),
    },
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
      connectionsCrossingGuardrail: s.connectionsCrossingGuardrail,
      guardrailMembersLeft: s.guardrailMembersLeft,
      workloadsMoved: s.workloadsMoved,
      listenersAdded: s.listenersAdded,
      listenersRemoved: s.listenersRemoved,
      hostnamesAdded: s.hostnamesAdded,
      hostnamesRemoved: s.hostnamesRemoved,
      backendsReachable: s.backendsReachable,
      backendsUnreachable: s.backendsUnreachable,
      sharesChanged: s.sharesChanged,
      clusters: s.clusters,
    },
    fails: { opened: fails(report, 'opened'), guardrail: fails(report, 'guardrail'), exposure: fails(report, 'exposure'), any: fails(report, 'any') },
    clusters: report.clusters.map((c) => ({
      name: c.name,
      status: c.status,
      workloads: {
        added: c.workloads.added,
        removed: c.workloads.removed,
        renamed: c.workloads.renamed.map((r) => ({ from: r.from, to: r.to })),
        moved: c.workloads.moved.map((r) => ({ from: r.from, to: r.to })),
      },
      connections: {
        opened: c.opened.map((o) => ({
          from: o.from,
          to: o.to,
          ports: o.ports,
          whole: o.whole,
          flows: o.flows.map(intent),
          ...(o.l7 ? { l7: o.l7.map((l) => ({ direction: l.direction, ports: l.ports, http: l.http })) } : {}),
          crosses: o.crosses.map(guardrail),
        })),
        closed: c.closed.map((o) => ({ from: o.from, to: o.to, ports: o.ports, whole: o.whole, baseFlows: o.baseFlows.map(intent) })),
      },
      external: {
        opened: c.externalOpened.map((e) => ({ direction: e.direction, workload: e.workload, kind: e.kind, target: e.target, except: e.except, ports: e.ports, whole: e.whole, egress: e.egress.map(intent) })),
        closed: c.externalClosed.map((e) => ({ direction: e.direction, workload: e.workload, kind: e.kind, target: e.target, except: e.except, ports: e.ports, whole: e.whole })),
      },
      gateway: {
        opened: c.exposureOpened.map((e) => ({ workload: e.workload, ports: e.ports, whole: e.whole, routes: e.routes.map(intent) })),
        closed: c.exposureClosed.map((e) => ({ workload: e.workload, ports: e.ports, whole: e.whole })),
      },
      http: c.http.map((h) => ({ from: h.from, to: h.to, direction: h.direction, ports: h.ports, base: h.base, head: h.head, widened: h.widened, flows: h.flows.map(intent), baseFlows: h.baseFlows.map(intent) })),
      exposure: exposure(c.exposure),
      policyCost: { base: cost(c.policyCost.base), head: cost(c.policyCost.head) },
    })),
    guardrails: {
      left: report.guardrails.left.map((d) => ({
        ...guardrail(d),
        side: d.side,
        tenant: d.tenant,
        subject: d.subject,
        workloads: d.workloads,
        reason: d.reason,
        message: d.message,
        clusters: d.clusters,
      })),
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
