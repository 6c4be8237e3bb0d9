/** Requests derived from HTTP rules: used only when they provably match (or provably match none). */
import { admittedRequest, forbiddenRequest, fullMatch, ruleAdmits } from '../../lib/probes/http-requests';

const AUTHORITY = 'api.shop.svc.cluster.local:8080';
const admitted = (rule: Parameters<typeof admittedRequest>[0]) => {
  const d = admittedRequest(rule, AUTHORITY);
  return 'request' in d ? d.request : d.reason;
};

test('regular expressions match whole values, as Envoy does', () => {
  expect(fullMatch('/records(/.*)?', '/records')).toBe(true);
  expect(fullMatch('/records(/.*)?', '/records/7')).toBe(true);
  expect(fullMatch('/records(/.*)?', '/x/records')).toBe(false);
  expect(fullMatch('GET|HEAD', 'GET')).toBe(true);
  expect(fullMatch('GET|HEAD', 'GETS')).toBe(false);
  expect(fullMatch(undefined, 'anything')).toBe(true);
});

test.each([
  [{ method: 'GET', path: '/records(/.*)?' }, { method: 'GET', path: '/records' }],
  [{ method: 'POST', path: '/api/v[0-9]+/items' }, { method: 'POST', path: '/api/v1/items' }],
  [{ method: 'PUT|PATCH', path: '^/users/[^/]+$' }, { method: 'PUT', path: '/users/x' }],
  [{ path: '/.*' }, { method: 'GET', path: '/' }],
  [{ method: 'GET', path: '/health(z)?' }, { method: 'GET', path: '/health' }],
  [{}, { method: 'GET', path: '/' }],
  [{ method: 'GET', host: 'portal\\.example\\.com' }, { method: 'GET', path: '/', host: 'portal.example.com' }],
])('an admitted request for %j is %j, and the rule admits it', (rule, request) => {
  expect(admitted(rule)).toEqual(request);
  expect(ruleAdmits(rule, request, AUTHORITY)).toBe(true);
});

test('when no literal provably matches, it says so instead of guessing', () => {
  expect(admitted({ method: 'GET', path: '/a{3}' })).toMatch(/no literal path/);
  expect(admitted({ method: 'BREW' })).toMatch(/no common method/);
});

test('the forbidden request matches none of the rules, and is as close to the admitted one as it can be', () => {
  const rules = [{ method: 'GET', path: '/records(/.*)?' }];
  const ok = { method: 'GET', path: '/records' };
  const d = forbiddenRequest(rules, ok, AUTHORITY);
  expect(d).toEqual({ request: { method: 'GET', path: '/bulkhead-probe-forbidden' } });
  // When every path is admitted, another method is the difference.
  const anyPath = forbiddenRequest([{ method: 'GET' }], { method: 'GET', path: '/' }, AUTHORITY);
  expect(anyPath).toEqual({ request: { method: 'POST', path: '/' } });
  // Rules that admit everything leave nothing to forbid.
  expect(forbiddenRequest([{}], { method: 'GET', path: '/' }, AUTHORITY)).toEqual({ reason: expect.stringMatching(/admit every request/) });
});
