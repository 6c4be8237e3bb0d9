/** Addresses and CIDRs for ipBlock peers. All CIDR arithmetic is ipaddr.js's. */
import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  /** As written in the manifest. */
  text: string;
  network: IpAddress;
  prefix: number;
}

/**
 * Parses an address, or returns undefined. IPv4 must be dotted-quad (ipaddr.js would also take `10` or hex
 * forms, which Kubernetes rejects); IPv4-mapped IPv6 is folded to IPv4, as the kernel treats it.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.process(text);
  return undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  let parsed: [IpAddress, number];
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) parsed = ipaddr.IPv4.parseCIDR(text);
  else if (text.includes(':') && ipaddr.IPv6.isValidCIDR(text)) parsed = ipaddr.IPv6.parseCIDR(text);
  else return undefined;
  return { text, network: parsed[0], prefix: parsed[1] };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return ip.kind() === cidr.network.kind() && ip.match(cidr.network, cidr.prefix);
}

/** True when every address of `inner` is in `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.network.kind() === inner.network.kind() &&
    inner.prefix >= outer.prefix &&
    inner.network.match(outer.network, outer.prefix)
  );
}

export function ipBlockContains(cidr: Cidr, except: readonly Cidr[], ip: IpAddress): boolean {
  return cidrContains(cidr, ip) && !except.some((e) => cidrContains(e, ip));
}

export const ANY_IPV4 = '0.0.0.0/0';
export const ANY_IPV6 = '::/0';
