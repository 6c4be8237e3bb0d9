/**
 * HTTP rules (Cilium L7) on a connection, sorted into what platform.yaml can say and what it cannot.
 * bulkhead enforces HTTP rules at the destination, on single TCP ports, matching method, path and host;
 * so rules at the source's egress, rules on other protocols or wide ranges, and rules that also match
 * headers (which the analyzer does not model, and a flow cannot say) are left out: the written platform
 * then denies those ports, which is narrower than the original, never wider.
 */
import { isEmptyPorts, subtractPorts, unionPorts } from '../analysis';
import type { Connection, PortMap, SourcedManifest } from '../analysis';
import type { HttpRuleSpec } from '../intent/types';
import { SideRules, ruleName } from './attribution';
import { isRecord, records } from './template';

/** Widest port range whose HTTP rules are split into one flow port per number. */
const MAX_L7_RANGE = 64;

export interface L7Split {
  /** Ports without HTTP rules. */
  readonly plain: PortMap;
  /** HTTP-restricted ports a flow can carry, as single TCP ports. */
  readonly http: ReadonlyArray<{ ports: PortMap; rules: HttpRuleSpec[] }>;
  /** HTTP-restricted ports left out, with the side that restricts them and why. */
  readonly left: ReadonlyArray<{ direction: 'ingress' | 'egress'; ports: PortMap; reason: string }>;
}

/**
 * `ingressRules(ports)` names the destination's rules allowing the connection on `ports`; any of them in
 * `headerRules` (see `headerMatchingRules`) makes those ports inexpressible.
 */
export function splitL7(c: Connection, ingressRules: (ports: PortMap) => SideRules, headerRules: ReadonlySet<string>): L7Split {
  let plain = c.ports;
  for (const r of c.l7 ?? []) plain = subtractPorts(plain, r.ports);
  const left: Array<L7Split['left'][number]> = [];
  let sourceSide: PortMap = {};
  for (const r of c.l7 ?? []) {
    if (r.direction !== 'egress') continue;
    sourceSide = unionPorts(sourceSide, r.ports);
    left.push({ direction: 'egress', ports: r.ports, reason: 'HTTP rules at the source (bulkhead enforces HTTP rules at the destination)' });
  }
  const http: Array<L7Split['http'][number]> = [];
  for (const r of c.l7 ?? []) {
    if (r.direction !== 'ingress') continue;
    const ports = subtractPorts(r.ports, sourceSide);
    if (isEmptyPorts(ports)) continue;
    const rules = ingressRules(ports);
    const headers = rules !== 'open' && rules.some((rule) => headerRules.has(ruleName(rule)));
    const problem = headers ? 'HTTP rules that match headers, which platform.yaml cannot say' : l7Problem(ports, r.http);
    if (problem) left.push({ direction: 'ingress', ports, reason: problem });
    else http.push({ ports: singlePorts(ports), rules: r.http.map((h) => ({ ...h })) });
  }
  return { plain, http, left };
}

function l7Problem(ports: PortMap, rules: ReadonlyArray<{ method?: string; path?: string }>): string | undefined {
  if ((ports.UDP?.length ?? 0) + (ports.SCTP?.length ?? 0) > 0) return 'HTTP rules on a port other than TCP';
  if ((ports.TCP ?? []).some(([lo, hi]) => hi - lo + 1 > MAX_L7_RANGE)) return `HTTP rules on a range wider than ${MAX_L7_RANGE} ports`;
  for (const r of rules) {
    for (const re of [r.method, r.path]) {
      if (re === undefined) continue;
      try {
        new RegExp(re);
      } catch {
        return `HTTP rule ${JSON.stringify(re)} is not a regular expression bulkhead accepts`;
      }
    }
  }
  return undefined;
}

/** TCP ranges as single ports (HTTP rules in bulkhead take single ports): `{TCP: [[80, 81]]}` -> 80, 81. */
function singlePorts(ports: PortMap): PortMap {
  return { TCP: (ports.TCP ?? []).flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i): [number, number] => [lo + i, lo + i])) };
}

/** Cilium rules whose HTTP rules match headers, by rule name (`CiliumNetworkPolicy app/server ingress[1]`). */
export function headerMatchingRules(manifests: readonly SourcedManifest[]): Set<string> {
  const out = new Set<string>();
  for (const m of manifests) {
    const kind = m.object.kind;
    if (kind !== 'CiliumNetworkPolicy' && kind !== 'CiliumClusterwideNetworkPolicy') continue;
    const md = isRecord(m.object.metadata) ? m.object.metadata : {};
    const scope = kind === 'CiliumNetworkPolicy' ? `${String(md.namespace ?? 'default')}/` : '';
    const specs = [...(isRecord(m.object.spec) ? [{ spec: m.object.spec, prefix: '' }] : []), ...records(m.object.specs).map((spec, i) => ({ spec, prefix: `specs[${i}].` }))];
    for (const { spec, prefix } of specs) {
      records(spec.ingress).forEach((rule, index) => {
        const http = records(rule.toPorts).flatMap((p) => records(isRecord(p.rules) ? p.rules.http : undefined));
        if (http.some((h) => h.headers !== undefined || h.headerMatches !== undefined)) out.add(`${kind} ${scope}${String(md.name)} ${prefix}ingress[${index}]`);
      });
    }
  }
  return out;
}
