/**
 * networking.k8s.io/v1 NetworkPolicy, compiled to the engine's isolation + allow-rule form.
 * Semantics follow the Kubernetes API reference; invalid specs the API server would reject are input errors,
 * not silently given a meaning (the analyzer exists to catch a compiler's mistakes).
 */
import { Cluster, Workload, get, groupOf, str } from './cluster';
import { AnalysisInputError, formatLocation } from './errors';
import { Cidr, cidrContains, cidrCovers, ipBlockContains, parseCidr, whyNotAddress } from './ip';
import type { CompiledPolicy, CompiledRule, Direction, ExternalTarget, NamedPort, Peer, PolicyKind, PortSpec, RawPort, SourcedManifest } from './policy';
import { MAX_PORT, MIN_PORT, PROTOCOLS, PortMap, PortRange, allPorts, isProtocol, normalizeRanges } from './ports';
import { Selector, describeRequirement, describeSelector, failedRequirements, isRecord, parseSelector } from './selectors';

export const networkPolicyKind: PolicyKind = {
  accepts: (o) => o.kind === 'NetworkPolicy' && (groupOf(o) === undefined || groupOf(o) === 'networking.k8s.io'),
  namespaceOf: (o) => str(get(o, 'metadata', 'namespace')) ?? 'default',
  compile: (m, cluster) => [compileNetworkPolicy(m, cluster)],
};

const RULE_KEYS: Record<Direction, { list: string; peers: string; type: string }> = {
  ingress: { list: 'ingress', peers: 'from', type: 'Ingress' },
  egress: { list: 'egress', peers: 'to', type: 'Egress' },
};

function compileNetworkPolicy(m: SourcedManifest, cluster: Cluster): CompiledPolicy {
  const name = str(get(m.object, 'metadata', 'name'));
  const namespace = str(get(m.object, 'metadata', 'namespace')) ?? 'default';
  const where = `${formatLocation(m.source)}: NetworkPolicy ${namespace}/${name ?? '?'}`;
  if (!name) throw new AnalysisInputError(`${where}: metadata.name is missing`);
  const spec = m.object.spec ?? {};
  if (!isRecord(spec)) throw new AnalysisInputError(`${where}: spec must be an object`);

  const podSelector = parseSelector(spec.podSelector, `${where} spec.podSelector`);
  const isolates = policyTypes(spec, where);
  const rules: CompiledRule[] = [];
  for (const direction of isolates) {
    const keys = RULE_KEYS[direction];
    const list = spec[keys.list] ?? [];
    if (!Array.isArray(list)) throw new AnalysisInputError(`${where} spec.${keys.list}: must be a list`);
    list.forEach((rule: unknown, index) => {
      const at = `${where} spec.${keys.list}[${index}]`;
      if (!isRecord(rule)) throw new AnalysisInputError(`${at}: must be an object`);
      const { spec, raw } = compilePorts(rule.ports, `${at}.ports`);
      rules.push({
        direction,
        effect: 'allow',
        section: keys.list,
        index,
        peers: compilePeers(rule[keys.peers], namespace, cluster, `${at}.${keys.peers}`),
        ports: spec,
        grants: [spec],
        rawPorts: raw,
      });
    });
  }
  return {
    ref: { kind: 'NetworkPolicy', namespace, name, source: m.source },
    subjects: cluster.selectWorkloads(namespace, null, podSelector),
    isolates,
    rules,
  };
}

/** Absent or empty: Ingress always, plus Egress when there is at least one egress rule (API defaulting). */
function policyTypes(spec: Record<string, unknown>, where: string): Direction[] {
  const raw = spec.policyTypes;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    const egress = spec.egress;
    return Array.isArray(egress) && egress.length > 0 ? ['ingress', 'egress'] : ['ingress'];
  }
  if (!Array.isArray(raw)) throw new AnalysisInputError(`${where} spec.policyTypes: must be a list`);
  const out = new Set<Direction>();
  for (const t of raw) {
    if (t === 'Ingress') out.add('ingress');
    else if (t === 'Egress') out.add('egress');
    else throw new AnalysisInputError(`${where} spec.policyTypes: ${JSON.stringify(t)} is not Ingress or Egress`);
  }
  return (['ingress', 'egress'] as const).filter((d) => out.has(d));
}

function compilePeers(raw: unknown, home: string, cluster: Cluster, where: string): Peer[] {
  // A missing or empty peer list matches every source/destination, in-cluster or not.
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return [{ type: 'any', index: null }];
  if (!Array.isArray(raw)) throw new AnalysisInputError(`${where}: must be a list`);
  return raw.map((peer: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isRecord(peer)) throw new AnalysisInputError(`${at}: must be an object`);
    const hasSelectors = peer.podSelector != null || peer.namespaceSelector != null;
    if (peer.ipBlock != null) {
      if (hasSelectors) throw new AnalysisInputError(`${at}: ipBlock cannot be combined with podSelector or namespaceSelector`);
      return ipBlockPeer(peer.ipBlock, index, cluster, `${at}.ipBlock`);
    }
    if (!hasSelectors) throw new AnalysisInputError(`${at}: a peer needs podSelector, namespaceSelector or ipBlock`);
    const podSel = peer.podSelector != null ? parseSelector(peer.podSelector, `${at}.podSelector`) : null;
    const nsSel = peer.namespaceSelector != null ? parseSelector(peer.namespaceSelector, `${at}.namespaceSelector`) : null;
    return new SelectorPeer(index, cluster.selectWorkloads(home, nsSel, podSel), cluster, home, nsSel, podSel);
  });
}

/**
 * A class rather than an object literal with closures: large platforms have tens of thousands of peers, and
 * per-peer closures (plus the dictionary-mode objects getters cause) cost far more memory than the members.
 */
class SelectorPeer {
  readonly type = 'selector';
  readonly external: readonly ExternalTarget[] = NO_EXTERNAL;

  constructor(
    readonly index: number,
    readonly members: readonly number[],
    private readonly cluster: Cluster,
    private readonly home: string,
    private readonly nsSel: Selector | null,
    private readonly podSel: Selector | null,
  ) {}

  get description(): string {
    const ns = this.nsSel ? `namespaceSelector ${describeSelector(this.nsSel)}` : `namespace ${this.home}`;
    return this.podSel ? `${ns}, podSelector ${describeSelector(this.podSel)}` : `${ns}, all pods`;
  }

  whyNot(w: Workload): string {
    const reasons: string[] = [];
    if (this.nsSel) {
      const failed = failedRequirements(this.nsSel, this.cluster.namespace(w.namespace)?.labels ?? {});
      if (failed.length > 0) reasons.push(`namespace ${w.namespace} fails namespaceSelector ${failed.map(describeRequirement).join(',')}`);
    } else if (w.namespace !== this.home) {
      reasons.push(`${w.id} is not in namespace ${this.home} (podSelector alone selects only there)`);
    }
    if (this.podSel) {
      const failed = failedRequirements(this.podSel, w.labels);
      if (failed.length > 0) reasons.push(`${w.id} fails podSelector ${failed.map(describeRequirement).join(',')}`);
    }
    return reasons.join('; ') || 'peer matches';
  }
}

function ipBlockPeer(raw: unknown, index: number, cluster: Cluster, where: string): Peer {
  if (!isRecord(raw) || typeof raw.cidr !== 'string') throw new AnalysisInputError(`${where}: needs a cidr string`);
  const cidr = parseCidr(raw.cidr);
  if (!cidr) throw new AnalysisInputError(`${where}.cidr: ${JSON.stringify(raw.cidr)} is not a valid CIDR: ${whyNotAddress(raw.cidr)}`);
  const exceptRaw = raw.except ?? [];
  if (!Array.isArray(exceptRaw)) throw new AnalysisInputError(`${where}.except: must be a list`);
  const except: Cidr[] = exceptRaw.map((e: unknown, i) => {
    const c = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!c) throw new AnalysisInputError(`${where}.except[${i}]: ${JSON.stringify(e)} is not a valid CIDR${typeof e === 'string' ? `: ${whyNotAddress(e)}` : ''}`);
    // The API server rejects except entries outside the cidr; they would be meaningless here too.
    if (!cidrCovers(cidr, c)) throw new AnalysisInputError(`${where}.except[${i}]: ${c.text} is not inside ${cidr.text}`);
    return c;
  });
  const members = cluster.withIps.filter((i) => cluster.workloads[i].ips.some((ip) => ipBlockContains(cidr, except, ip)));
  const description = `ipBlock ${cidr.text}${except.length > 0 ? ` except ${except.map((e) => e.text).join(', ')}` : ''}`;
  const whyNot = (w: Workload): string => {
    if (w.ips.length === 0) return `${w.id} declares no pod IP (an ipBlock matches a pod only through status.podIP/podIPs)`;
    const ips = w.ips.map((ip) => ip.toString()).join(', ');
    if (!w.ips.some((ip) => cidrContains(cidr, ip))) return `${w.id} IP ${ips} is outside ${cidr.text}`;
    return `${w.id} IP ${ips} is excluded by except`;
  };
  return { type: 'ipBlock', index, members, external: [{ kind: 'cidr', cidr, except }], description, whyNot };
}

const NO_EXTERNAL: readonly ExternalTarget[] = Object.freeze([]);
const EVERY_PORT_RAW: readonly RawPort[] = Object.freeze(PROTOCOLS.map((protocol) => ({ protocol })));

function compilePorts(raw: unknown, where: string): { spec: PortSpec; raw: readonly RawPort[] } {
  // A missing or empty port list matches every port of every protocol.
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return { spec: { ranges: allPorts(), named: [] }, raw: EVERY_PORT_RAW };
  if (!Array.isArray(raw)) throw new AnalysisInputError(`${where}: must be a list`);
  const ranges: Record<string, PortRange[]> = {};
  const named: NamedPort[] = [];
  const rawPorts: RawPort[] = [];
  raw.forEach((p: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(p)) throw new AnalysisInputError(`${at}: must be an object`);
    const protocol = p.protocol ?? 'TCP';
    if (!isProtocol(protocol)) throw new AnalysisInputError(`${at}.protocol: ${JSON.stringify(protocol)} is not TCP, UDP or SCTP`);
    const { port, endPort } = p;
    if (typeof port === 'string') {
      // IANA_SVC_NAME: a quoted number such as "53" is a (malformed) name, not a port number.
      if (!/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(port) || !/[a-z]/.test(port)) {
        throw new AnalysisInputError(`${at}.port: ${JSON.stringify(port)} is neither a port number nor a valid port name`);
      }
      if (endPort != null) throw new AnalysisInputError(`${at}.endPort: only allowed with a numeric port`);
      named.push({ name: port, protocol });
      rawPorts.push({ protocol, name: port });
      return;
    }
    const range = portRange(port, endPort, at);
    (ranges[protocol] ??= []).push(range);
    rawPorts.push(port == null ? { protocol } : { protocol, range });
  });
  const map: PortMap = {};
  for (const [protocol, list] of Object.entries(ranges)) if (isProtocol(protocol)) map[protocol] = normalizeRanges(list);
  return { spec: { ranges: map, named }, raw: rawPorts };
}

function portRange(port: unknown, endPort: unknown, at: string): PortRange {
  if (port == null) {
    if (endPort != null) throw new AnalysisInputError(`${at}.endPort: only allowed with a numeric port`);
    return [MIN_PORT, MAX_PORT];
  }
  if (!isPortNumber(port)) throw new AnalysisInputError(`${at}.port: ${JSON.stringify(port)} is not a port number (1-65535)`);
  if (endPort == null) return [port, port];
  if (!isPortNumber(endPort)) throw new AnalysisInputError(`${at}.endPort: ${JSON.stringify(endPort)} is not a port number (1-65535)`);
  if (endPort < port) throw new AnalysisInputError(`${at}.endPort: ${endPort} is below port ${port}`);
  return [port, endPort];
}

function isPortNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_PORT && v <= MAX_PORT;
}
