/**
 * The focused input rules beyond the schema, run by the checker in one call: label syntax and reserved
 * keys, port names, HTTP patterns under RE2, composed name lengths, and addresses written as hosts.
 * Each lives in its own module; this only runs them in a fixed order.
 */
import { checkAddress, looksLikeAddress } from './addresses';
import { checkLabels } from './label-rules';
import { checkComposedNames } from './name-limits';
import { checkPortNames } from './port-names';
import { checkHttpPatterns } from './regex-rules';
import { RuleContext } from './rule-context';
import { PlatformSpec } from './types';

export function checkInputRules(spec: PlatformSpec, ctx: RuleContext): void {
  checkLabels(spec, ctx);
  checkPortNames(spec, ctx);
  checkHttpPatterns(spec, ctx);
  checkComposedNames(spec, ctx);
  checkHosts(spec, ctx);
}

/** `apiServer.host` may be a DNS name or an address; an address must be canonical like every other. */
function checkHosts(spec: PlatformSpec, ctx: RuleContext): void {
  spec.clusters.forEach((c, i) => {
    const host = c.apiServer?.host;
    if (host === undefined || !looksLikeAddress(host)) return;
    const checked = checkAddress(host);
    if ('problem' in checked) ctx.fail(['clusters', i, 'apiServer', 'host'], checked.problem.message, host.includes(':') && !checked.problem.hint.startsWith('write') ? 'write an IPv6 address without a port (the port goes in apiServer.port), or a DNS name.' : checked.problem.hint);
  });
}
