/**
 * Peers outside the cluster (address blocks, DNS names, Cilium entities) as platform.yaml can write them:
 * canonical CIDRs, lowercase DNS names, the kube-apiserver entity. Shared by the egress derivation, the
 * findings and the proof, so that all three agree on what is expressible.
 */
import ipaddr from 'ipaddr.js';
import type { ExternalConnection, ExternalTarget } from '../analysis';
import { compare } from './inventory';

/** Where egress goes, in the form platform.yaml writes it (canonical CIDRs, lowercase names). */
export type Target =
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except: readonly string[] }
  | { readonly kind: 'fqdn'; readonly fqdn: string }
  | { readonly kind: 'entity'; readonly entity: 'kube-apiserver' };

/** bulkhead's `egress[].fqdn` (schema/platform.schema.json). */
const FQDN = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function targetKey(t: Target): string {
  return t.kind === 'cidr' ? `cidr ${t.cidr}${t.except.length ? ` except ${t.except.join(',')}` : ''}` : t.kind === 'fqdn' ? `fqdn ${t.fqdn}` : `entity ${t.entity}`;
}

/** The network address form bulkhead requires (`10.0.0.1/8` -> `10.0.0.0/8`). */
export function canonicalCidr(text: string): string {
  const [addr, bits] = ipaddr.parseCIDR(text);
  const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  return `${network.toString()}/${bits}`;
}

/** The outside peer as platform.yaml can write it, or why it cannot. */
export function expressibleTarget(e: ExternalConnection): Target | { readonly reason: string } {
  if (e.kind === 'cidr') {
    const cidr = canonicalCidr(e.cidr);
    const except = [...new Set(e.except.map(canonicalCidr))].sort(compare);
    const [net, bits] = ipaddr.parseCIDR(cidr);
    const inside = except.every((x) => {
      const [inner, innerBits] = ipaddr.parseCIDR(x);
      return inner.kind() === net.kind() && innerBits > bits && inner.match(net, bits);
    });
    return inside ? { kind: 'cidr', cidr, except } : { reason: 'an except block that is not strictly inside its CIDR' };
  }
  if (e.kind === 'fqdn') {
    const fqdn = e.fqdn.toLowerCase().replace(/\.$/, '');
    return FQDN.test(fqdn) ? { kind: 'fqdn', fqdn } : { reason: `the DNS pattern ${JSON.stringify(e.fqdn)} (bulkhead takes a name or *.domain)` };
  }
  if (e.entity === 'kube-apiserver') return { kind: 'entity', entity: 'kube-apiserver' };
  return { reason: `the Cilium entity ${e.entity} (bulkhead names only kube-apiserver)` };
}

/** Whether a rule's outside peer stands for this target (a rule's CIDR may be wider once denies cut it). */
export function sameTarget(t: ExternalTarget, target: Target): boolean {
  if (target.kind === 'cidr') return t.kind === 'cidr' && insideRule(t.cidr, target.cidr);
  if (target.kind === 'fqdn') return t.kind === 'fqdn' && t.fqdn.toLowerCase().replace(/\.$/, '') === target.fqdn;
  return t.kind === 'entity' && t.entity === target.entity;
}

/** `cidr` lies within the rule's block. */
function insideRule(rule: Extract<ExternalTarget, { kind: 'cidr' }>['cidr'], cidr: string): boolean {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return network.kind() === rule.network.kind() && bits >= rule.prefix && network.match(rule.network, rule.prefix);
}

export function describeOutside(e: ExternalConnection): string {
  if (e.kind === 'cidr') return `${e.cidr}${e.except.length ? ` except ${e.except.join(', ')}` : ''}`;
  if (e.kind === 'fqdn') return `DNS name ${e.fqdn}`;
  return e.entity === 'ingress' ? 'the gateway proxy (Cilium entity ingress)' : `the Cilium entity ${e.entity}`;
}

export function matchesOutside(t: ExternalTarget, e: ExternalConnection): boolean {
  if (e.kind === 'cidr') return t.kind === 'cidr' && insideRule(t.cidr, e.cidr);
  if (e.kind === 'fqdn') return t.kind === 'fqdn' && t.fqdn === e.fqdn;
  return t.kind === 'entity' && t.entity === e.entity;
}
