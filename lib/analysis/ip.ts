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
 * Parses an address, or returns undefined. Only canonical text is read: IPv4 as four decimal octets without
 * leading zeros (ipaddr.js, like inet_aton, would read `010.1.1.1` as octal and also take `10`, hex and
 * three-part forms, which people read differently), IPv6 as RFC 5952 text (lowercase, no leading zeros in a
 * group, the longest zero run as `::`). `whyNotAddress` says what is wrong and what to write.
 * IPv4-mapped IPv6 is folded to IPv4, as the kernel treats it.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (IPV4.test(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text) && canonicalIpv6(text) === text) return ipaddr.process(text);
  return undefined;
}

/**
 * A CIDR in canonical text (see `parseIp`) with a decimal prefix. Host bits are accepted, as Kubernetes and
 * Cilium accept them (the block is the network they belong to; `canonicalCidr` gives it).
 */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(text);
  if (!m) return undefined;
  const addr = parseIp(m[1]);
  const prefix = Number(m[2]);
  if (!addr || prefix > (m[1].includes(':') ? 128 : 32)) return undefined;
  return { text, network: m[1].includes(':') ? ipaddr.IPv6.parse(m[1]) : addr, prefix };
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

function canonicalIpv6(text: string): string {
  const a = ipaddr.IPv6.parse(text);
  return a.isIPv4MappedAddress() ? `::ffff:${a.toIPv4Address().toString()}` : a.toRFC5952String();
}

/**
 * Why `text` (an address, or a CIDR when it has a `/`) is not read, for messages: the ambiguity of leading
 * zeros with both readings, the one reading of hex, integer and short forms, the canonical IPv6 text.
 */
export function whyNotAddress(text: string): string {
  const [addr, prefix] = text.split('/', 2);
  const suffix = prefix === undefined ? '' : `/${prefix}`;
  if (prefix !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return `the prefix length "${prefix}" is not a plain decimal number`;
  if (addr.includes(':')) {
    if (!ipaddr.IPv6.isValid(addr)) return 'not an IPv6 address';
    return `not canonical IPv6 text (RFC 5952); write ${canonicalIpv6(addr)}${suffix}`;
  }
  const parts = addr.split('.');
  if (parts.length === 4 && parts.every((p) => /^[0-9]+$/.test(p)) && parts.some((p) => /^0[0-9]/.test(p))) {
    const decimal = parts.map(Number).join('.');
    const octal = ipaddr.IPv4.isValid(addr) ? ipaddr.IPv4.parse(addr).toString() : undefined;
    return `leading zeros are ambiguous (${octal ? `octal ${octal}` : 'octal'} or decimal ${decimal}); write ${decimal}${suffix} if decimal is meant`;
  }
  if (ipaddr.IPv4.isValid(addr)) return `not dotted-decimal (inet_aton reads it as ${ipaddr.IPv4.parse(addr).toString()}); write ${ipaddr.IPv4.parse(addr).toString()}${suffix}`;
  return 'not an IP address';
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

/** A CIDR, or a bare address as a host prefix (`/32`, `/128`), as Cilium's `toCIDR`/`fromCIDR` accept. */
export function parseCidrOrAddress(text: string): Cidr | undefined {
  if (text.includes('/')) return parseCidr(text);
  const ip = parseIp(text);
  if (!ip) return undefined;
  return parseCidr(`${text}/${ip.kind() === 'ipv4' ? 32 : 128}`);
}

/** True when the two prefixes share an address (for prefixes that means one covers the other). */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrCovers(a, b) || cidrCovers(b, a);
}

interface Prefix {
  bits: 32 | 128;
  base: bigint;
  len: number;
}

function toPrefix(c: Cidr): Prefix {
  const bits = c.network.kind() === 'ipv4' ? 32 : 128;
  let value = 0n;
  for (const byte of c.network.toByteArray()) value = (value << 8n) | BigInt(byte);
  const hostBits = BigInt(bits - c.prefix);
  return { bits, base: (value >> hostBits) << hostBits, len: c.prefix };
}

function formatPrefix(p: Prefix): string {
  const bytes: number[] = [];
  let v = p.base;
  for (let i = 0; i < p.bits / 8; i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  const addr = p.bits === 32 ? new ipaddr.IPv4(bytes) : new ipaddr.IPv6(bytes);
  return `${addr.toString()}/${p.len}`;
}

function prefixCovers(outer: Prefix, inner: Prefix): boolean {
  if (outer.bits !== inner.bits || inner.len < outer.len) return false;
  const shift = BigInt(outer.bits - outer.len);
  return inner.base >> shift === outer.base >> shift;
}

/** `10.1.2.3/8` -> `10.0.0.0/8`: the network in canonical text form (identity key for a CIDR). */
export function canonicalCidr(c: Cidr): string {
  return formatPrefix(toPrefix(c));
}

/**
 * The prefixes that cover `cidr` minus `except` exactly (what Cilium turns a CIDR rule with exceptions into):
 * removing a /24 from a /16 leaves 8 prefixes. Canonical text, sorted by address.
 */
export function cidrFragments(cidr: Cidr, except: readonly Cidr[]): string[] {
  let blocks: Prefix[] = [toPrefix(cidr)];
  for (const e of except.map(toPrefix)) {
    const next: Prefix[] = [];
    for (const b of blocks) {
      if (prefixCovers(e, b)) continue; // removed entirely
      if (!prefixCovers(b, e)) {
        next.push(b); // disjoint
        continue;
      }
      // Walk from b down to e, keeping the sibling half at each level.
      let cur = b;
      while (cur.len < e.len) {
        const half = 1n << BigInt(cur.bits - cur.len - 1);
        const low: Prefix = { bits: cur.bits, base: cur.base, len: cur.len + 1 };
        const high: Prefix = { bits: cur.bits, base: cur.base + half, len: cur.len + 1 };
        if (prefixCovers(low, e)) {
          next.push(high);
          cur = low;
        } else {
          next.push(low);
          cur = high;
        }
      }
    }
    blocks = next;
  }
  return blocks.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : a.len - b.len)).map(formatPrefix);
}
