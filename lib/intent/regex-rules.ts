/**
 * HTTP rule patterns (`flows[].http[].method/path/host`) as Cilium's proxy will read them. Cilium hands
 * them to Envoy, whose `safe_regex` is Google RE2 (and the agent compiles them with Go's regexp, also
 * RE2): no lookahead or lookbehind, no backreferences, bounded repetition. JavaScript's RegExp accepts all
 * of those, so a pattern it takes can still be refused by Cilium at run time, after the policy was synced.
 * RE2JS is a port of RE2 (via RE2J) in plain JavaScript, so the check needs no native build.
 */
import { RE2JS } from 're2js';
import { FieldPath } from './diagnostics';
import { RuleContext } from './rule-context';
import { PlatformSpec } from './types';

const FIELDS = ['method', 'path', 'host'] as const;

export function checkHttpPatterns(spec: PlatformSpec, ctx: RuleContext): void {
  (spec.flows ?? []).forEach((flow, fi) =>
    (flow.http ?? []).forEach((rule, ri) => {
      for (const field of FIELDS) {
        const pattern = rule[field];
        if (pattern === undefined) continue;
        const problem = re2Problem(pattern);
        if (problem) reportPattern(ctx, ['flows', fi, 'http', ri, field], pattern, problem);
      }
    }),
  );
}

/** RE2's complaint about `pattern`, or undefined when RE2 compiles it. */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
  }
}

function reportPattern(ctx: RuleContext, path: FieldPath, pattern: string, problem: string): void {
  const perlOnly = /\(\?[=!<]|\\[1-9]/.test(pattern);
  ctx.fail(
    path,
    `${JSON.stringify(pattern)} is not a regular expression Cilium's proxy (Envoy, RE2) accepts: ${problem}`,
    perlOnly
      ? 'RE2 has no lookahead or lookbehind ((?=, (?!, (?<=, (?<!) and no backreferences (\\1): list the requests to allow instead of excluding some, e.g. "/records(/[0-9]+)?".'
      : 'fix the pattern; RE2 syntax is that of Go regexp (https://github.com/google/re2/wiki/Syntax).',
  );
}
