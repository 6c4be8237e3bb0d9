/**
 * HTTP requests for the probes of a flow with HTTP rules: one the rules admit and one they do not.
 *
 * Cilium hands a port's HTTP rules to Envoy, which matches `method`, `path` and `host` as RE2 regular
 * expressions against the whole `:method`, `:path` and `:authority` (see ../shared/reference/domain-facts.md,
 * "Cilium"). A request is derived by simplifying the regular expression into a literal (drop optional
 * groups and `.*`, fill `+` classes with one character) and is used only if it then provably matches the
 * whole expression; when no candidate does, the probe is listed as not probed, with the reason.
 *
 * Matching uses JavaScript's RegExp, anchored, which agrees with RE2 on the expressions RE2 accepts apart
 * from a few syntax corners (RE2 has no lookaround or backreferences, which the checker could not have
 * let through to Envoy anyway); the candidates are plain literals, so both engines decide them alike.
 */
import { HttpRule } from '../model/platform';
import { ProbeRequest } from '../model/probes';

export type Derived = { readonly request: ProbeRequest } | { readonly reason: string };

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
/** Characters a path may hold without percent-encoding (RFC 3986 unreserved, plus `/`). */
const URL_SAFE_PATH = /^\/[A-Za-z0-9/._~-]*$/;
const HOST_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$/;
/** A path nothing sensible serves: the forbidden probe's first candidate. */
export const FORBIDDEN_PATH = '/bulkhead-probe-forbidden';

/** Does `value` match the whole regular expression, as Envoy's safe_regex does? Undefined patterns match anything. */
export function fullMatch(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** Does the request, sent with `authority` as its Host, satisfy the rule (every field it sets)? */
export function ruleAdmits(rule: HttpRule, request: ProbeRequest, authority: string): boolean {
  return fullMatch(rule.method, request.method) && fullMatch(rule.path, request.path) && fullMatch(rule.host, request.host ?? authority);
}

/** A request that `rule` admits, or why none can be shown. `authority` is the Host curl sends by default. */
export function admittedRequest(rule: HttpRule, authority: string): Derived {
  const method = METHODS.find((m) => fullMatch(rule.method, m));
  if (!method) return { reason: `no common method (${METHODS.join(', ')}) matches the method rule "${rule.method}"` };
  const path = pathCandidates(rule.path).find((p) => URL_SAFE_PATH.test(p) && fullMatch(rule.path, p));
  if (path === undefined) return { reason: `no literal path derived from "${rule.path}" provably matches it` };
  let host: string | undefined;
  if (rule.host !== undefined && !fullMatch(rule.host, authority)) {
    host = literalCandidates(rule.host).find((h) => HOST_NAME.test(h) && fullMatch(rule.host, h));
    if (host === undefined) return { reason: `no literal host derived from "${rule.host}" provably matches it` };
  }
  return { request: { method, path, ...(host !== undefined ? { host } : {}) } };
}

/** A request that none of `rules` admits, close to `admitted` so that only the rules tell them apart. */
export function forbiddenRequest(rules: readonly HttpRule[], admitted: ProbeRequest, authority: string): Derived {
  const candidates: ProbeRequest[] = [
    { ...admitted, path: FORBIDDEN_PATH },
    ...METHODS.filter((m) => m !== admitted.method && m !== 'HEAD').map((method) => ({ ...admitted, method })),
    { ...admitted, host: 'bulkhead-probe-forbidden.invalid' },
  ];
  const request = candidates.find((c) => !rules.some((r) => ruleAdmits(r, c, authority)));
  if (!request) return { reason: 'the rules admit every request tried (another path, every common method, another host): there is nothing to forbid' };
  return { request };
}

/** Literal paths that may match `pattern`, most natural first. */
function pathCandidates(pattern: string | undefined): string[] {
  if (pattern === undefined) return ['/'];
  return unique([...literalCandidates(pattern).map((p) => (p === '' ? '/' : p)), '/']);
}

/** The pattern with its regex syntax simplified away, in a few variants. */
function literalCandidates(pattern: string): string[] {
  const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  let dropped = body;
  // Optional and starred groups, innermost first: `/records(/.*)?` -> `/records`.
  for (let previous = ''; previous !== dropped; ) {
    previous = dropped;
    dropped = dropped.replace(/\([^()]*\)[?*]/g, '').replace(/\([^()]*\)\{0,?[0-9]*\}/g, '');
  }
  const filled = (s: string) =>
    s
      .replace(/\.\*|\.\?/g, '')
      .replace(/\.\+/g, 'x')
      .replace(/\[\^[^\]]*\][+]/g, 'x')
      .replace(/\\d[+]?|\[0-9\][+]?/g, '1')
      .replace(/\[a-z[^\]]*\][+]?/gi, 'a')
      .replace(/\(\?:([^()|]*)\)/g, '$1')
      .replace(/\(([^()|]*)\)/g, '$1')
      .replace(/\\([./\-_~])/g, '$1')
      .replace(/[?]/g, '');
  // A group of alternatives: try its first alternative.
  const firstAlternative = (s: string) => s.replace(/\((?:\?:)?([^()|]*)\|[^()]*\)/g, '$1');
  return unique([filled(dropped), filled(firstAlternative(dropped)), filled(firstAlternative(body)), filled(body)]);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
