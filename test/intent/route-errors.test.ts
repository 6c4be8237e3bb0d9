/**
 * Route and gateway mistakes are compile errors at their line, with what to do, and dist/ untouched:
 * a backend that is not a workload or port, all weights zero, an invalid hostname, two routes
 * claiming one hostname and path, a route to a missing gateway or one that does not admit its tenant.
 */
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';

const replace = (from: string | RegExp, to: string) => (t: string) => {
  const out = t.replace(from, to);
  if (out === t) throw new Error(`test edit did not apply: ${from}`);
  return out;
};
const SECOND_ROUTE = `  - name: portal-copy
    tenant: web
    gateway: public
    hostnames: [portal.example.com]
    rules:
      - path: /
        backends:
          - { to: web/frontend, port: http }
`;

const cases: Array<{ name: string; edit: (t: string) => string; line: RegExp; field: RegExp; says: RegExp }> = [
  { name: 'backend that is no workload', edit: replace('{ to: web/frontend-canary, port: http, weight: 10 }', '{ to: web/frontend-canery, port: http, weight: 10 }'), line: /frontend-canery/, field: /routes\[0\]\.rules\[0\]\.backends\[1\]\.to/, says: /no workload "web\/frontend-canery"[\s\S]*did you mean "web\/frontend-canary"/ },
  { name: 'backend port that does not exist', edit: replace('{ to: billing/invoicer, port: http }', '{ to: billing/invoicer, port: https }'), line: /port: https/, field: /backends\[0\]\.port/, says: /has no TCP port "https"[\s\S]*ports there: http \(8080\)/ },
  { name: 'all weights zero', edit: (t) => t.replace('port: http, weight: 90 }', 'port: http, weight: 0 }').replace('port: http, weight: 10 }', 'port: http, weight: 0 }'), line: /^\s+backends:/, field: /routes\[0\]\.rules\[0\]\.backends/, says: /every backend has weight 0/ },
  { name: 'invalid hostname', edit: replace('hostnames: [portal.example.com]', 'hostnames: [Portal_Example.com]'), line: /Portal_Example/, field: /routes\[0\]\.hostnames\[0\]/, says: /"Portal_Example\.com" is not a valid hostname/ },
  { name: 'two routes claiming one hostname and path', edit: (t) => t + SECOND_ROUTE, line: /hostnames: \[portal\.example\.com\]/, field: /routes\[1\]\.hostnames\[0\]/, says: /claims portal\.example\.com\/ \(PathPrefix\) on gateway "public", as route "portal" does \(.*platform\.yaml:\d+:\d+\)/ },
  { name: 'route to a gateway that does not exist', edit: replace('    gateway: public\n', '    gateway: publik\n'), line: /gateway: publik/, field: /routes\[0\]\.gateway/, says: /no gateway named "publik"[\s\S]*did you mean "public"/ },
  { name: 'gateway that does not admit the tenant', edit: replace('  - name: public\n    listeners:\n', '  - name: public\n    tenants: [billing]\n    listeners:\n'), line: /tenant: web/, field: /routes\[0\]\.tenant/, says: /gateway "public" \(.*\) does not admit routes from tenant "web"[\s\S]*hint: add web to the gateway's tenants/ },
  { name: 'HTTPS listener without a certificate', edit: replace(', tls: { certificate: portal-tls } }', ' }'), line: /name: https/, field: /gateways\[0\]\.listeners\[1\]/, says: /HTTPS listener "https" needs a certificate/ },
];

test.each(cases)('$name', ({ edit, line, field, says }) => {
  const text = edit(exampleText());
  const ws = workspace(text);
  const run = synth(ws);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(says);
  expect(run.stderr).toMatch(field);
  const lines = [...run.stderr.matchAll(/platform\.yaml:(\d+):(\d+): error/g)].map((m) => text.split('\n')[Number(m[1]) - 1]);
  expect(lines).toContainEqual(expect.stringMatching(line));
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(treeDigest(ws.dist)).toEqual({});
});
