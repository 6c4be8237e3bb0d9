/**
 * Why a workload may or may not open a connection to something outside the workload set: an address
 * (`203.0.113.7`), a name (`fqdn:api.stripe.com`, as Cilium's toFQDNs) or a Cilium entity
 * (`entity:kube-apiserver`). Only the source's egress decides: nothing bulkhead reads governs the
 * outside's ingress. Named ports have no destination pod to resolve on, so only numbered rule ports count
 * (a rule naming its ports says so). Peers match as the analyzer's connectivity reads them (engine.ts):
 * an address by the CIDRs (minus excepts) of ipBlock/toCIDR/toCIDRSet peers and the world entity; a name
 * by toFQDNs matchName/matchPattern, and by peers open to the whole world (0.0.0.0/0 or ::/0, which
 * holds every resolved address); an entity by itself, and by `cluster` for the reserved identities in it.
 */
import type { Workload } from './cluster';
import { mergeHttp } from './engine';
import { AnalysisInputError } from './errors';
import type { RuleAllow, RuleDeny, RuleMiss, SideExplanation } from './explain';
import { ipBlockContains, parseIp } from './ip';
import type { CompiledPolicy, ExternalTarget, HttpRule, Peer } from './policy';
import { Protocol, formatPorts, portsContain } from './ports';

export type ExternalDestination =
  | { readonly kind: 'ip'; readonly ip: string }
  | { readonly kind: 'fqdn'; readonly fqdn: string }
  | { readonly kind: 'entity'; readonly entity: string };

/** `203.0.113.7`, `2001:db8::1`, `fqdn:NAME`, `entity:NAME`; undefined for anything else (a workload id). */
export function parseDestination(text: string): ExternalDestination | undefined {
  if (text.startsWith('fqdn:')) {
    const fqdn = text.slice(5).toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9*]([-a-z0-9*.]*[a-z0-9])?$/.test(fqdn)) throw new AnalysisInputError(`${text}: not a DNS name`);
    return { kind: 'fqdn', fqdn };
  }
  if (text.startsWith('entity:')) return { kind: 'entity', entity: text.slice(7) };
  return parseIp(text) ? { kind: 'ip', ip: text } : undefined;
}

export function describeDestination(d: ExternalDestination): string {
  return d.kind === 'ip' ? d.ip : d.kind === 'fqdn' ? `fqdn:${d.fqdn}` : `entity:${d.entity}`;
}

/** Whether a toFQDNs name or pattern (`*` is any run of name characters, as in Cilium's matchPattern) matches `name`. */
function fqdnMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p.includes('*')) return p === name;
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[-a-z0-9.]*')}$`);
  return re.test(name);
}

function targetMatches(t: ExternalTarget, d: ExternalDestination): boolean {
  switch (d.kind) {
    case 'ip': {
      const ip = parseIp(d.ip)!;
      return t.kind === 'cidr' && ipBlockContains(t.cidr, t.except, ip);
    }
    case 'fqdn':
      return (t.kind === 'fqdn' && fqdnMatches(t.fqdn, d.fqdn)) || (t.kind === 'cidr' && t.cidr.prefix === 0 && t.except.length === 0);
    case 'entity':
      return t.kind === 'entity' && t.entity === d.entity;
    default: {
      const unhandled: never = d;
      throw new Error(`unknown destination ${JSON.stringify(unhandled)}`);
    }
  }
}

function peerMatches(p: Peer, d: ExternalDestination): boolean {
  if (p.type === 'any') return true;
  return p.external.some((t) => targetMatches(t, d)) || (d.kind === 'entity' && (p.identities?.includes(`entity:${d.entity}`) ?? false));
}

/** The source's egress side for a connection to an outside destination (see explain.ts for the fields). */
export function explainExternalEgress(policies: readonly CompiledPolicy[], from: Workload, dest: ExternalDestination, port: number, protocol: Protocol): SideExplanation {
  const selecting = policies.filter((p) => p.subjects.includes(from.index));
  const isolating = selecting.filter((p) => p.isolates.includes('egress'));
  const isolated = isolating.length > 0;
  const allowedBy: RuleAllow[] = [];
  const deniedBy: RuleDeny[] = [];
  const misses: RuleMiss[] = [];
  const http: HttpRule[] = [];
  let l4Only = false;
  const where = describeDestination(dest);
  for (const policy of selecting) {
    for (const rule of policy.rules) {
      if (rule.direction !== 'egress') continue;
      if (rule.effect === 'allow' && !isolated) continue;
      const portOk = portsContain(rule.ports.ranges, port, protocol);
      const matching = rule.peers.filter((p) => peerMatches(p, dest));
      if (matching.length > 0 && portOk) {
        const grants = rule.grants.filter((g) => portsContain(g.ranges, port, protocol));
        const ruleHttp = grants.length > 0 && grants.every((g) => g.http) ? mergeHttp(grants.flatMap((g) => g.http!)) : undefined;
        for (const p of matching) {
          const hit = { policy: policy.ref, section: rule.section, ruleIndex: rule.index, peerIndex: p.index, peer: p.type === 'any' ? (p.description ?? 'any peer (rule has no peers)') : p.description };
          if (rule.effect === 'deny') deniedBy.push(hit);
          else allowedBy.push(ruleHttp ? { ...hit, http: ruleHttp } : hit);
        }
        if (rule.effect === 'allow') {
          if (ruleHttp) http.push(...ruleHttp);
          else l4Only = true;
        }
        continue;
      }
      if (rule.effect === 'deny') continue;
      const peerReasons = matching.length > 0 ? [] : rule.peers.map((p) => (p.type === 'any' ? '' : `peer ${p.index} (${p.description}): does not reach ${where}`));
      const named = rule.ports.named.map((n) => `${n.name}/${n.protocol}`);
      const note = named.length ? ` (named ports ${named.join(', ')} name no port outside the cluster)` : '';
      const portReason = portOk ? undefined : `${protocol} ${port} is not in the rule's ports: ${formatPorts(rule.ports.ranges)}${note}`;
      misses.push(portReason ? { policy: policy.ref, section: rule.section, ruleIndex: rule.index, peerReasons, portReason } : { policy: policy.ref, section: rule.section, ruleIndex: rule.index, peerReasons });
    }
  }
  const allowed = (!isolated || allowedBy.length > 0) && deniedBy.length === 0;
  const side: SideExplanation = { direction: 'egress', workload: from.id, allowed, isolated, isolatedBy: isolating.map((p) => p.ref), allowedBy, deniedBy, misses };
  if (allowed && isolated && !l4Only && http.length > 0) side.http = mergeHttp(http);
  return side;
}
