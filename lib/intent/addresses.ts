/**
 * Addresses and address blocks as platform.yaml may write them: canonical text only, so that what a
 * reviewer reads is what the policy opens.
 *
 * Libraries disagree on anything else. ipaddr.js (and `inet_aton`) read `010.051.100.000` as octal
 * (8.41.100.0), Go's `net.ParseIP` refuses it, a person reads 10.51.100.0; `0xc6.0x33.0x64.0`, `3325256704`
 * and `198.51.25600` are all 198.51.100.0 to `inet_aton`. So IPv4 is four decimal octets without leading
 * zeros, IPv6 is RFC 5952 text (lowercase, no leading zeros in a group, the longest run of zero groups as
 * `::`), a prefix length is plain decimal, and a block is its network address. Every other spelling is an
 * error that shows the canonical form when there is one (and both readings when there are two).
 * ipaddr.js does the arithmetic, only after the text passed these checks.
 */
import * as ipaddr from 'ipaddr.js';

export interface AddressProblem {
  readonly message: string;
  readonly hint: string;
}

export type Checked<T> = { readonly ok: T } | { readonly problem: AddressProblem };

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const PREFIX = /^(0|[1-9][0-9]*)$/;
const EXAMPLE = 'write an address block such as 203.0.113.0/24 or 2001:db8::/32.';

/** An address (v4 or v6) in canonical text, or why not with the canonical form. */
export function checkAddress(text: string): Checked<string> {
  if (IPV4.test(text)) return { ok: text };
  if (text.includes(':')) return checkIpv6(text);
  return { problem: ipv4Problem(text, '') };
}

/** A CIDR in canonical text (canonical address, decimal prefix, no host bits), or why not. */
export function checkCidr(text: string): Checked<string> {
  const slash = text.indexOf('/');
  if (slash < 0) {
    const addr = checkAddress(text);
    if ('ok' in addr) return { problem: { message: `"${text}" is one address, not a CIDR`, hint: `write ${addr.ok}/${addr.ok.includes(':') ? 128 : 32} for this address alone, or the block it belongs to.` } };
    return { problem: { message: `"${text}" is not a CIDR`, hint: EXAMPLE } };
  }
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const v6 = addrText.includes(':');
  const max = v6 ? 128 : 32;
  const prefix = /^[0-9]+$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix > max)
    return { problem: { message: `"${text}" is not a CIDR: the prefix length "${prefixText}" is not a number from 0 to ${max}`, hint: EXAMPLE } };
  const addr = v6 ? checkIpv6(addrText) : IPV4.test(addrText) ? { ok: addrText } : { problem: ipv4Problem(addrText, `/${prefix}`) };
  if ('problem' in addr) {
    // Say the whole block the user should write, host bits cleared, when there is one reading.
    const reading = readingOf(addrText);
    const canonical = reading ? `${networkOf(reading, prefix)}/${prefix}` : undefined;
    const hint = canonical && !addr.problem.hint.includes(' or ') ? `write ${canonical}.` : addr.problem.hint;
    return { problem: { message: `"${text}": ${addr.problem.message}`, hint } };
  }
  const network = `${networkOf(addr.ok, prefix)}/${prefix}`;
  if (!PREFIX.test(prefixText)) return { problem: { message: `"${text}": the prefix length has a leading zero`, hint: `write ${network}.` } };
  if (network !== `${addr.ok}/${prefix}`) return { problem: { message: `"${text}" has host bits set`, hint: `write ${network} (the network address of that block).` } };
  return { ok: network };
}

/** True when `inner` (canonical) lies inside `outer` (canonical) and is smaller. */
export function isStrictlyInside(inner: string, outer: string): boolean {
  const [i, ib] = ipaddr.parseCIDR(inner);
  const [o, ob] = ipaddr.parseCIDR(outer);
  return i.kind() === o.kind() && ib > ob && i.match(o, ob);
}

/** True when `text` is meant as an IP address rather than a DNS name (digits and dots, hex forms, or a colon). */
export function looksLikeAddress(text: string): boolean {
  return text.includes(':') || /^[0-9][0-9a-fA-FxX.]*$/.test(text);
}

function checkIpv6(text: string): Checked<string> {
  if (text.includes('%')) return { problem: { message: `"${text}" has a zone index (%...), which means nothing outside one host`, hint: 'remove the zone index.' } };
  if (!ipaddr.IPv6.isValid(text)) return { problem: { message: `"${text}" is not an IPv6 address`, hint: EXAMPLE } };
  const canonical = canonicalIpv6(ipaddr.IPv6.parse(text));
  if (canonical === text) return { ok: text };
  return { problem: { message: `"${text}" is not in canonical form (RFC 5952: lowercase, no leading zeros in a group, the longest run of zero groups as ::)`, hint: `write ${canonical}.` } };
}

function canonicalIpv6(a: ipaddr.IPv6): string {
  return a.isIPv4MappedAddress() ? `::ffff:${a.toIPv4Address().toString()}` : a.toRFC5952String();
}

/**
 * Why an IPv4-looking text is not canonical. Leading zeros have two readings (octal for inet_aton and
 * ipaddr.js, decimal for people), so both are shown; hex, a single integer and two- or three-part forms
 * have one (inet_aton's), shown as what to write.
 */
function ipv4Problem(text: string, suffix: string): AddressProblem {
  const parts = text.split('.');
  if (parts.length === 4 && parts.every((p) => /^[0-9]+$/.test(p))) {
    const decimal = parts.map((p) => Number(p));
    const decimalOk = decimal.every((n) => n <= 255);
    const octal = ipaddr.IPv4.isValid(text) ? ipaddr.IPv4.parse(text).toString() : undefined;
    if (decimalOk && parts.some((p) => p.length > 1 && p.startsWith('0'))) {
      const asDecimal = decimal.join('.');
      return {
        message:
          `leading zeros make "${text}" ambiguous: ` +
          (octal && octal !== asDecimal ? `ipaddr.js and inet_aton read it as octal (${octal}), people as decimal (${asDecimal})` : `some tools read it as octal, people as decimal (${asDecimal})`),
        hint: `write ${asDecimal}${suffix} if you meant decimal${octal && octal !== asDecimal ? `, or ${octal}${suffix} if you meant octal` : ''}.`,
      };
    }
    if (!decimalOk) return { message: `"${text}" is not an IPv4 address (an octet is over 255)`, hint: EXAMPLE };
  }
  if (ipaddr.IPv4.isValid(text)) {
    const reading = ipaddr.IPv4.parse(text).toString();
    return { message: `"${text}" is not dotted-decimal (inet_aton reads it as ${reading})`, hint: `write ${reading}${suffix}.` };
  }
  return { message: `"${text}" is not an IP address`, hint: EXAMPLE };
}

/** The one reading of a non-canonical address, when it has exactly one (never for leading zeros). */
function readingOf(text: string): string | undefined {
  if (text.includes(':')) return ipaddr.IPv6.isValid(text) && !text.includes('%') ? canonicalIpv6(ipaddr.IPv6.parse(text)) : undefined;
  if (/(^|\.)0[0-9]/.test(text)) return undefined;
  return ipaddr.IPv4.isValid(text) ? ipaddr.IPv4.parse(text).toString() : undefined;
}

function networkOf(address: string, prefix: number): string {
  const parsed = ipaddr.parse(address);
  const network = parsed.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`);
  return network.kind() === 'ipv6' ? canonicalIpv6(network as ipaddr.IPv6) : network.toString();
}
