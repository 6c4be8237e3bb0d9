/**
 * cilium.io/v2 CiliumNetworkPolicy (namespaced) and CiliumClusterwideNetworkPolicy (cluster-scoped), compiled
 * to the engine's isolation + allow/deny-rule form. Field names follow the v1.18 CRDs; semantics follow the
 * Cilium policy docs and the agent's rule validation (cited in README.md). Specs the API server or the
 * agent would reject are input errors: the analyzer exists to catch a compiler's mistakes.
 */
import { CILIUM_NAMESPACE_LABEL, CILIUM_NAMESPACE_LABELS_PREFIX, Cluster, Workload, get, groupOf, str } from './cluster';
import { AnalysisInputError, formatLocation } from './errors';
import { ANY_IPV4, ANY_IPV6, Cidr, cidrCovers, parseCidr, parseCidrOrAddress, whyNotAddress } from './ip';
import type {
  AnyPeer,
  CompiledPolicy,
  CompiledRule,
  Direction,
  Effect,
  ExternalTarget,
  Grant,
  HttpRule,
  MatchPeer,
  NamedPort,
  Peer,
  PolicyKind,
  PolicyRef,
  RawPort,
  SourcedManifest,
} from './policy';
import { MAX_PORT, MIN_PORT, PROTOCOLS, PortMap, PortRange, Protocol, allPorts, normalizeRanges, unionPorts } from './ports';
import { Requirement, Selector, describeRequirement, describeSelector, failedRequirements, isRecord, makeSelector, parseSelector } from './selectors';

export const CILIUM_ENTITIES = ['all', 'world', 'cluster', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver'] as const;
export type CiliumEntity = (typeof CILIUM_ENTITIES)[number];

/** Reserved identities inside the `cluster` entity besides the workloads (Cilium docs, "Entities Based"). */
export const CLUSTER_RESERVED_ENTITIES: readonly CiliumEntity[] = ['host', 'remote-node', 'init', 'unmanaged', 'health', 'ingress', 'kube-apiserver'];

/** Cilium's per-toPorts-entry limit (api/rule_validation.go `maxPorts`). */
export const MAX_PORTS_PER_ENTRY = 40;

function kindFor(kind: string, namespaced: boolean): PolicyKind {
  return {
    accepts: (o) => o.kind === kind && (groupOf(o) === undefined || groupOf(o) === 'cilium.io'),
    namespaceOf: (o) => (namespaced ? (str(get(o, 'metadata', 'namespace')) ?? 'default') : undefined),
    compile: (m, cluster) => compileCiliumPolicy(m, cluster, namespaced),
  };
}

export const ciliumNetworkPolicyKind: PolicyKind = kindFor('CiliumNetworkPolicy', true);
export const ciliumClusterwideNetworkPolicyKind: PolicyKind = kindFor('CiliumClusterwideNetworkPolicy', false);

interface Section {
  key: 'ingress' | 'ingressDeny' | 'egress' | 'egressDeny';
  direction: Direction;
  effect: Effect;
}

const SECTIONS: readonly Section[] = [
  { key: 'ingress', direction: 'ingress', effect: 'allow' },
  { key: 'ingressDeny', direction: 'ingress', effect: 'deny' },
  { key: 'egress', direction: 'egress', effect: 'allow' },
  { key: 'egressDeny', direction: 'egress', effect: 'deny' },
];

/** The L3 peer fields of a rule, per direction (toFQDNs: egress allow rules only). */
const L3_FIELDS: Record<Direction, readonly string[]> = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toNodes', 'toGroups', 'toServices', 'toFQDNs'],
};

interface Context {
  cluster: Cluster;
  kind: string;
  /** The policy's namespace for a CiliumNetworkPolicy; undefined for a clusterwide one. */
  namespace: string | undefined;
}

function compileCiliumPolicy(m: SourcedManifest, cluster: Cluster, namespaced: boolean): CompiledPolicy[] {
  const kind = String(m.object.kind);
  const name = str(get(m.object, 'metadata', 'name'));
  const namespace = namespaced ? (str(get(m.object, 'metadata', 'namespace')) ?? 'default') : undefined;
  const where = `${formatLocation(m.source)}: ${kind} ${namespace !== undefined ? `${namespace}/` : ''}${name ?? '?'}`;
  if (!name) throw new AnalysisInputError(`${where}: metadata.name is missing`);
  const apiVersion = m.object.apiVersion;
  if (apiVersion !== undefined && apiVersion !== 'cilium.io/v2') {
    throw new AnalysisInputError(`${where}: apiVersion ${JSON.stringify(apiVersion)} is not served (the CRD serves cilium.io/v2 only)`);
  }
  const specs: { raw: unknown; label: string; prefix: string }[] = [];
  if (m.object.spec != null) specs.push({ raw: m.object.spec, label: 'spec', prefix: '' });
  if (m.object.specs != null) {
    if (!Array.isArray(m.object.specs)) throw new AnalysisInputError(`${where} specs: must be a list`);
    m.object.specs.forEach((raw: unknown, i) => specs.push({ raw, label: `specs[${i}]`, prefix: `specs[${i}].` }));
  }
  if (specs.length === 0) throw new AnalysisInputError(`${where}: needs spec or specs (Cilium rejects an empty policy)`);
  const ref: PolicyRef = namespace !== undefined ? { kind, namespace, name, source: m.source } : { kind, name, source: m.source };
  const ctx: Context = { cluster, kind, namespace };
  return specs.flatMap((s) => compileSpec(s.raw, `${where} ${s.label}`, s.prefix, ref, ctx));
}

function compileSpec(raw: unknown, at: string, prefix: string, ref: PolicyRef, ctx: Context): CompiledPolicy[] {
  if (!isRecord(raw)) throw new AnalysisInputError(`${at}: must be an object`);
  const hasEndpoints = raw.endpointSelector != null;
  const hasNodes = raw.nodeSelector != null;
  if (hasEndpoints && hasNodes) throw new AnalysisInputError(`${at}: endpointSelector and nodeSelector are mutually exclusive`);
  if (!hasEndpoints && !hasNodes) throw new AnalysisInputError(`${at}: needs an endpointSelector${ctx.namespace === undefined ? ' or a nodeSelector' : ''}`);
  if (hasNodes && ctx.namespace !== undefined) throw new AnalysisInputError(`${at}.nodeSelector: only a CiliumClusterwideNetworkPolicy may select nodes`);

  const lists = {} as Record<Section['key'], unknown[]>;
  let present = 0;
  for (const s of SECTIONS) {
    const v = raw[s.key];
    if (v == null) {
      lists[s.key] = [];
      continue;
    }
    if (!Array.isArray(v)) throw new AnalysisInputError(`${at}.${s.key}: must be a list`);
    lists[s.key] = v;
    present++;
  }
  if (present === 0) throw new AnalysisInputError(`${at}: needs at least one of ingress, ingressDeny, egress, egressDeny`);
  if (SECTIONS.every((s) => lists[s.key].length === 0)) {
    throw new AnalysisInputError(`${at}: Cilium rejects a rule whose ingress, ingressDeny, egress and egressDeny are all empty`);
  }
  const defaultDeny = raw.enableDefaultDeny;
  if (defaultDeny != null && !isRecord(defaultDeny)) throw new AnalysisInputError(`${at}.enableDefaultDeny: must be an object`);
  for (const d of ['ingress', 'egress'] as const) {
    const v = get(defaultDeny, d);
    if (v != null && typeof v !== 'boolean') throw new AnalysisInputError(`${at}.enableDefaultDeny.${d}: must be true or false`);
  }
  // Nodes are not modelled: a host policy neither isolates nor allows anything among workloads.
  if (hasNodes) return [];

  const subjectSel = ciliumSelector(raw.endpointSelector, `${at}.endpointSelector`);
  // A CiliumNetworkPolicy's endpointSelector always applies in its own namespace (ParseToCiliumRule).
  const scoped = ctx.namespace !== undefined ? withRequirement(subjectSel, { key: CILIUM_NAMESPACE_LABEL, op: 'In', values: [ctx.namespace] }) : subjectSel;
  const subjects = ctx.cluster.selectCilium(scoped);

  // Default deny per direction: explicit enableDefaultDeny, else on when that direction has (deny) rules.
  const isolates: Direction[] = [];
  for (const d of ['ingress', 'egress'] as const) {
    const explicit = get(defaultDeny, d);
    const rules = d === 'ingress' ? lists.ingress.length + lists.ingressDeny.length : lists.egress.length + lists.egressDeny.length;
    if (typeof explicit === 'boolean' ? explicit : rules > 0) isolates.push(d);
  }

  const rules: CompiledRule[] = [];
  for (const s of SECTIONS) {
    lists[s.key].forEach((rule, index) => rules.push(compileRule(rule, s, `${prefix}${s.key}`, index, `${at}.${s.key}[${index}]`, ctx)));
  }
  return [{ ref, subjects, isolates, rules }];
}

const EVERY_PORT: Grant = Object.freeze({ ranges: allPorts(), named: [] });
const EVERY_PORT_RAW: readonly RawPort[] = Object.freeze(PROTOCOLS.map((protocol) => ({ protocol })));

function compileRule(rule: unknown, s: Section, section: string, index: number, at: string, ctx: Context): CompiledRule {
  if (!isRecord(rule)) throw new AnalysisInputError(`${at}: must be an object`);
  const deny = s.effect === 'deny';
  if (deny && rule.toFQDNs != null) throw new AnalysisInputError(`${at}.toFQDNs: not allowed in ${s.key} (deny rules cannot select FQDNs)`);
  for (const f of ['fromRequires', 'toRequires']) {
    if (rule[f] != null && (!Array.isArray(rule[f]) || (rule[f] as unknown[]).length > 0)) {
      throw new AnalysisInputError(`${at}.${f}: not modelled by the analyzer (deprecated in Cilium; use the selectors themselves)`);
    }
  }
  const fields = L3_FIELDS[s.direction].filter((f) => rule[f] != null);
  for (const f of fields) if (!Array.isArray(rule[f])) throw new AnalysisInputError(`${at}.${f}: must be a list`);
  const nonEmpty = fields.filter((f) => (rule[f] as unknown[]).length > 0);
  if (nonEmpty.length > 1) {
    throw new AnalysisInputError(`${at}: combining ${nonEmpty[0]} and ${nonEmpty[1]} in one rule is rejected by Cilium; write one rule per peer kind`);
  }
  for (const f of ['icmps', 'toPorts']) if (rule[f] != null && !Array.isArray(rule[f])) throw new AnalysisInputError(`${at}.${f}: must be a list`);
  const icmps = (rule.icmps as unknown[] | undefined) ?? [];
  const toPorts = (rule.toPorts as unknown[] | undefined) ?? [];
  if (icmps.length > 0 && toPorts.length > 0) throw new AnalysisInputError(`${at}: icmps and toPorts cannot share a rule (Cilium: define a separate rule)`);

  // Ports: no toPorts (and no icmps) = every port; icmps only = ICMP, which is not modelled (no TCP/UDP/SCTP).
  let grants: readonly Grant[];
  let rawPorts: readonly RawPort[];
  if (toPorts.length > 0) ({ grants, rawPorts } = compileToPorts(toPorts, s, `${at}.toPorts`));
  else if (icmps.length > 0) [grants, rawPorts] = [[], []];
  else [grants, rawPorts] = [[EVERY_PORT], EVERY_PORT_RAW];

  // Peers: an explicitly empty selector list selects nothing; no L3 field with toPorts/icmps = every peer
  // (docs, "Layer 4 Policies": "to any layer 3 destination"); no L3 field and no L4 (`{}`) = nothing.
  let peers: Peer[];
  if (fields.some((f) => f !== 'toFQDNs' && (rule[f] as unknown[]).length === 0)) peers = [];
  else if (nonEmpty.length === 1) peers = compilePeers(nonEmpty[0], rule[nonEmpty[0]] as unknown[], s, `${at}.${nonEmpty[0]}`, ctx);
  else if (toPorts.length > 0 || icmps.length > 0) peers = [{ type: 'any', index: null, description: 'any peer (toPorts without an L3 selector)' }];
  else peers = [];

  return { direction: s.direction, effect: s.effect, section, index, peers, ports: unionGrants(grants), grants, rawPorts };
}

function unionGrants(grants: readonly Grant[]): Grant {
  let ranges: PortMap = {};
  const named = new Map<string, NamedPort>();
  for (const g of grants) {
    ranges = unionPorts(ranges, g.ranges);
    for (const n of g.named) named.set(`${n.protocol}/${n.name}`, n);
  }
  return { ranges, named: [...named.values()] };
}

function compilePeers(field: string, list: unknown[], s: Section, at: string, ctx: Context): Peer[] {
  return list.map((raw, i): Peer => {
    const where = `${at}[${i}]`;
    const label = `${field}[${i}]`;
    switch (field) {
      case 'fromEndpoints':
      case 'toEndpoints':
        return endpointPeer(raw, i, label, where, s.effect, ctx);
      case 'fromCIDR':
      case 'toCIDR': {
        const cidr = typeof raw === 'string' ? parseCidrOrAddress(raw) : undefined;
        if (!cidr) throw new AnalysisInputError(`${where}: ${JSON.stringify(raw)} is not a CIDR or an IP address${typeof raw === 'string' ? `: ${whyNotAddress(raw)}` : ''}`);
        return cidrPeer(i, label, cidr, []);
      }
      case 'fromCIDRSet':
      case 'toCIDRSet':
        return cidrSetPeer(raw, i, label, where);
      case 'fromEntities':
      case 'toEntities':
        return entityPeer(raw, i, label, where, s.effect, ctx);
      case 'toFQDNs':
        return fqdnPeer(raw, i, label, where);
      default: {
        // fromNodes/toNodes, fromGroups/toGroups, toServices: nodes, cloud groups and Services are not modelled.
        if (!isRecord(raw)) throw new AnalysisInputError(`${where}: must be an object`);
        if (field.endsWith('Nodes')) parseSelector(raw, where);
        return nothingPeer(i, `${label} (${field.endsWith('Nodes') ? 'nodes are' : field === 'toServices' ? 'Services are' : 'cloud provider groups are'} not modelled: matches nothing here)`);
      }
    }
  });
}

function nothingPeer(index: number, description: string, external: readonly ExternalTarget[] = []): MatchPeer {
  return { type: 'entity', index, members: [], external, description, whyNot: () => description };
}

/** Label keys in Cilium selectors may carry a source: `k8s:` and `any:` match pod labels, other sources do not. */
export function ciliumKey(key: string): string {
  const i = key.indexOf(':');
  if (i < 0) return key;
  const source = key.slice(0, i);
  return source === 'k8s' || source === 'any' ? key.slice(i + 1) : key;
}

function ciliumSelector(raw: unknown, where: string): Selector {
  if (!isRecord(raw)) throw new AnalysisInputError(`${where}: a label selector must be an object`);
  const sel = parseSelector(raw, where);
  return makeSelector(sel.requirements.map((r) => ({ ...r, key: ciliumKey(r.key) })));
}

function withRequirement(sel: Selector, r: Requirement): Selector {
  return makeSelector([...sel.requirements, r]);
}

function endpointPeer(raw: unknown, index: number, label: string, where: string, effect: Effect, ctx: Context): Peer {
  const user = ciliumSelector(raw, where);
  const reserved = user.requirements.filter((r) => r.key.startsWith('reserved:'));
  if (reserved.length > 0) {
    // Selectors on reserved labels are left alone (no namespace added): `reserved:<entity>` alone is that entity.
    const only = user.requirements.length === 1 ? user.requirements[0] : undefined;
    const entity = only?.key.slice('reserved:'.length);
    if (only && (only.op === 'Exists' || (only.op === 'In' && only.values.every((v) => v === ''))) && isEntity(entity)) {
      return entityPeer(entity, index, `${label} reserved:${entity} =`, where, effect, ctx);
    }
    return nothingPeer(index, `${label} ${describeSelector(user)} (reserved labels: matches no workload)`);
  }
  const hasNamespace = user.requirements.some((r) => r.key === CILIUM_NAMESPACE_LABEL);
  const hasNamespaceLabels = user.requirements.some((r) => r.key.startsWith(CILIUM_NAMESPACE_LABELS_PREFIX));
  // getEndpointSelector: without a namespace requirement a CNP peer is its own namespace, unless it selects
  // by namespace labels; a CCNP peer is any (Cilium-managed, i.e. namespaced) pod.
  const home = ctx.namespace !== undefined && !hasNamespace && !hasNamespaceLabels ? ctx.namespace : undefined;
  const sel = home !== undefined ? withRequirement(user, { key: CILIUM_NAMESPACE_LABEL, op: 'In', values: [home] }) : user;
  const scope = home !== undefined ? ` in namespace ${home}` : hasNamespace || hasNamespaceLabels ? '' : ' in every namespace';
  const description = `${label} ${describeSelector(user)}${scope}`;
  const cluster = ctx.cluster;
  return {
    type: 'selector',
    index,
    members: cluster.selectCilium(sel),
    external: [],
    description,
    whyNot(w: Workload): string {
      if (home !== undefined && w.namespace !== home) {
        return `${w.id} is not in namespace ${home} (a ${ctx.kind} peer without ${CILIUM_NAMESPACE_LABEL} selects only there)`;
      }
      const failed = failedRequirements(sel, cluster.ciliumLabels(w));
      return failed.length > 0 ? `${w.id} fails ${failed.map(describeRequirement).join(',')}` : 'peer matches';
    },
  };
}

function cidrPeer(index: number, label: string, cidr: Cidr, except: Cidr[]): MatchPeer {
  const text = `${cidr.text}${except.length > 0 ? ` except ${except.map((e) => e.text).join(', ')}` : ''}`;
  return {
    type: 'cidr',
    index,
    members: [],
    external: [{ kind: 'cidr', cidr, except }],
    description: `${label} ${text}`,
    whyNot: (w) => `${w.id} is a workload: Cilium CIDR rules only match addresses outside the cluster`,
  };
}

function cidrSetPeer(raw: unknown, index: number, label: string, where: string): MatchPeer {
  if (!isRecord(raw)) throw new AnalysisInputError(`${where}: must be an object`);
  const set = ['cidr', 'cidrGroupRef', 'cidrGroupSelector'].filter((k) => raw[k] != null);
  if (set.length !== 1) throw new AnalysisInputError(`${where}: needs exactly one of cidr, cidrGroupRef, cidrGroupSelector`);
  if (set[0] !== 'cidr') return nothingPeer(index, `${label} ${set[0]} (CiliumCIDRGroup objects are not read: matches nothing here)`);
  const cidr = typeof raw.cidr === 'string' ? parseCidr(raw.cidr) : undefined;
  if (!cidr) throw new AnalysisInputError(`${where}.cidr: ${JSON.stringify(raw.cidr)} is not a CIDR (address/prefix)${typeof raw.cidr === 'string' ? `: ${whyNotAddress(raw.cidr)}` : ''}`);
  const exceptRaw = raw.except ?? [];
  if (!Array.isArray(exceptRaw)) throw new AnalysisInputError(`${where}.except: must be a list`);
  const except = exceptRaw.map((e: unknown, i) => {
    const c = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!c) throw new AnalysisInputError(`${where}.except[${i}]: ${JSON.stringify(e)} is not a CIDR${typeof e === 'string' ? `: ${whyNotAddress(e)}` : ''}`);
    if (!cidrCovers(cidr, c)) throw new AnalysisInputError(`${where}.except[${i}]: ${c.text} is not inside ${cidr.text}`);
    return c;
  });
  return cidrPeer(index, label, cidr, except);
}

function isEntity(v: unknown): v is CiliumEntity {
  return typeof v === 'string' && (CILIUM_ENTITIES as readonly string[]).includes(v);
}

const WORLD_TARGETS: readonly ExternalTarget[] = [
  { kind: 'cidr', cidr: parseCidr(ANY_IPV4)!, except: [] },
  { kind: 'cidr', cidr: parseCidr(ANY_IPV6)!, except: [] },
];

function entityPeer(raw: unknown, index: number, label: string, where: string, effect: Effect, ctx: Context): Peer {
  if (!isEntity(raw)) throw new AnalysisInputError(`${where}: ${JSON.stringify(raw)} is not a Cilium entity (${CILIUM_ENTITIES.join(', ')})`);
  const description = `${label} entity ${raw}`;
  switch (raw) {
    case 'all':
      return { type: 'any', index, description } satisfies AnyPeer;
    case 'none':
      return nothingPeer(index, `${description} (selects nothing)`);
    case 'world':
      return { type: 'entity', index, members: [], external: WORLD_TARGETS, description, whyNot: (w) => `${w.id} is a workload, not outside the cluster` };
    case 'cluster': {
      const members = ctx.cluster.workloads.map((w) => w.index);
      // Reported as workloads only; a deny also covers the reserved members' entity entries.
      const external: ExternalTarget[] = effect === 'deny' ? CLUSTER_RESERVED_ENTITIES.map((entity) => ({ kind: 'entity', entity })) : [];
      return { type: 'entity', index, members, external, identities: CLUSTER_RESERVED_ENTITIES.map((e) => `entity:${e}`), description, whyNot: () => 'peer matches' };
    }
    default:
      return { type: 'entity', index, members: [], external: [{ kind: 'entity', entity: raw }], description, whyNot: (w) => `${w.id} is a workload, not the ${raw} entity` };
  }
}

const FQDN_NAME = /^([-a-zA-Z0-9_]+[.]?)+$/;
const FQDN_PATTERN = /^([-a-zA-Z0-9_*]+[.]?)+$/;

function fqdnPeer(raw: unknown, index: number, label: string, where: string): MatchPeer {
  if (!isRecord(raw)) throw new AnalysisInputError(`${where}: must be an object`);
  const keys = ['matchName', 'matchPattern'].filter((k) => raw[k] != null);
  if (keys.length !== 1) throw new AnalysisInputError(`${where}: needs exactly one of matchName, matchPattern`);
  const value = raw[keys[0]];
  const pattern = keys[0] === 'matchName' ? FQDN_NAME : FQDN_PATTERN;
  if (typeof value !== 'string' || !pattern.test(value)) throw new AnalysisInputError(`${where}.${keys[0]}: ${JSON.stringify(value)} is not a valid ${keys[0]}`);
  return {
    type: 'fqdn',
    index,
    members: [],
    external: [{ kind: 'fqdn', fqdn: value }],
    description: `${label} ${keys[0]} ${value}`,
    whyNot: (w) => `${w.id} is a workload: toFQDNs matches addresses outside the cluster`,
  };
}

function compileToPorts(list: unknown[], s: Section, at: string): { grants: Grant[]; rawPorts: RawPort[] } {
  const grants: Grant[] = [];
  const rawPorts: RawPort[] = [];
  list.forEach((entry, i) => {
    const where = `${at}[${i}]`;
    if (!isRecord(entry)) throw new AnalysisInputError(`${where}: must be an object`);
    if (s.effect === 'deny' && entry.rules != null) throw new AnalysisInputError(`${where}.rules: ${s.key} rules cannot hold L7 rules`);
    const ports = entry.ports ?? [];
    if (!Array.isArray(ports)) throw new AnalysisInputError(`${where}.ports: must be a list`);
    if (ports.length > MAX_PORTS_PER_ENTRY) {
      throw new AnalysisInputError(`${where}.ports: ${ports.length} ports; Cilium allows at most ${MAX_PORTS_PER_ENTRY} per toPorts entry`);
    }
    const ranges: Partial<Record<Protocol, PortRange[]>> = {};
    const named: NamedPort[] = [];
    const protocolsUsed = new Set<string>();
    let zero = false;
    ports.forEach((p: unknown, j) => {
      const parsed = ciliumPort(p, `${where}.ports[${j}]`);
      protocolsUsed.add(parsed.written);
      zero ||= parsed.all;
      for (const protocol of parsed.protocols) {
        if (parsed.name !== undefined) {
          named.push({ name: parsed.name, protocol });
          rawPorts.push({ protocol, name: parsed.name });
        } else if (parsed.all) {
          (ranges[protocol] ??= []).push([MIN_PORT, MAX_PORT]);
          rawPorts.push({ protocol });
        } else {
          (ranges[protocol] ??= []).push(parsed.range!);
          rawPorts.push({ protocol, range: parsed.range! });
        }
      }
    });
    const http = l7Rules(entry.rules, s, zero, protocolsUsed, `${where}.rules`);
    const map: PortMap = {};
    for (const p of PROTOCOLS) if (ranges[p]) map[p] = normalizeRanges(ranges[p]!);
    grants.push(http && http.length > 0 ? { ranges: map, named, http } : { ranges: map, named });
  });
  return { grants, rawPorts };
}

interface CiliumPort {
  /** The protocol as written (ANY when absent). */
  written: string;
  protocols: readonly Protocol[];
  /** Port "0": every port. */
  all: boolean;
  range?: PortRange;
  name?: string;
}

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

function ciliumPort(p: unknown, at: string): CiliumPort {
  if (!isRecord(p)) throw new AnalysisInputError(`${at}: must be an object`);
  const { port, endPort } = p;
  if (port === undefined || port === null) throw new AnalysisInputError(`${at}.port: required`);
  if (typeof port !== 'string') throw new AnalysisInputError(`${at}.port: must be a string (Cilium ports are quoted, e.g. "${String(port)}"), got ${JSON.stringify(port)}`);
  const written = p.protocol == null || p.protocol === '' ? 'ANY' : p.protocol;
  if (written !== 'TCP' && written !== 'UDP' && written !== 'SCTP' && written !== 'ANY') {
    throw new AnalysisInputError(`${at}.protocol: ${JSON.stringify(written)} is not TCP, UDP, SCTP or ANY`);
  }
  const protocols: readonly Protocol[] = written === 'ANY' ? PROTOCOLS : [written];
  const end = endPort ?? 0;
  if (typeof end !== 'number' || !Number.isInteger(end) || end < 0 || end > MAX_PORT) {
    throw new AnalysisInputError(`${at}.endPort: ${JSON.stringify(endPort)} is not a port number (0-65535)`);
  }
  if (/^[0-9]+$/.test(port)) {
    const n = Number(port);
    if (n > MAX_PORT) throw new AnalysisInputError(`${at}.port: ${port} is above 65535`);
    if (n === 0) return { written, protocols, all: true };
    if (end !== 0 && end < n) throw new AnalysisInputError(`${at}.endPort: ${end} is below port ${n}`);
    return { written, protocols, all: false, range: [n, Math.max(n, end)] };
  }
  // A named port (IANA service name, compared case-insensitively); Cilium ignores endPort for it.
  const name = port.toLowerCase();
  if (!IANA_SVC_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    throw new AnalysisInputError(`${at}.port: ${JSON.stringify(port)} is neither a port number nor a valid port name`);
  }
  return { written, protocols, all: false, name };
}

function l7Rules(raw: unknown, s: Section, zero: boolean, protocols: Set<string>, at: string): HttpRule[] | undefined {
  if (raw == null) return undefined;
  if (!isRecord(raw)) throw new AnalysisInputError(`${at}: must be an object`);
  const kinds = ['http', 'kafka', 'dns', 'l7proto'].filter((k) => raw[k] != null);
  if (kinds.length > 1) throw new AnalysisInputError(`${at}: only one of http, kafka, dns, l7proto per entry`);
  if (raw.l7 != null && raw.l7proto == null) throw new AnalysisInputError(`${at}.l7: needs l7proto`);
  for (const k of ['http', 'kafka', 'dns', 'l7']) if (raw[k] != null && !Array.isArray(raw[k])) throw new AnalysisInputError(`${at}.${k}: must be a list`);
  const dns = (raw.dns as unknown[] | undefined) ?? [];
  if (dns.length > 0 && s.direction === 'ingress') throw new AnalysisInputError(`${at}.dns: DNS rules are not allowed on ingress`);
  dns.forEach((d, i) => {
    const keys = isRecord(d) ? ['matchName', 'matchPattern'].filter((k) => d[k] != null) : [];
    if (keys.length !== 1) throw new AnalysisInputError(`${at}.dns[${i}]: needs exactly one of matchName, matchPattern`);
  });
  const http = ((raw.http as unknown[] | undefined) ?? []).map((h, i): HttpRule => {
    if (!isRecord(h)) throw new AnalysisInputError(`${at}.http[${i}]: must be an object`);
    const out: HttpRule = {};
    for (const f of ['method', 'path', 'host'] as const) {
      const v = h[f];
      if (v == null) continue;
      if (typeof v !== 'string') throw new AnalysisInputError(`${at}.http[${i}].${f}: must be a string`);
      out[f] = v;
    }
    return out;
  });
  const hasL7 = http.length > 0 || dns.length > 0 || ((raw.kafka as unknown[] | undefined) ?? []).length > 0 || raw.l7proto != null;
  if (hasL7 && zero) throw new AnalysisInputError(`${at}: L7 rules cannot be used with port "0"`);
  if (hasL7 && dns.length === 0) {
    for (const p of protocols) if (p !== 'TCP') throw new AnalysisInputError(`${at}: L7 rules only apply to TCP ports (a port here is ${p}; set protocol: TCP)`);
  }
  return http;
}
