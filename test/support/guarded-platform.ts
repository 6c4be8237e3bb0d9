/**
 * A small platform of the tests' own (not the example): one kind cluster, a public web tier, two PHI tenants
 * behind one guardrail (so that one of them can leave it while the guardrail still protects the other),
 * billing, and a gateway route with a 90/10 canary split. Written as YAML text so that tests edit it as a
 * reviewer would and positions in errors and reports are real.
 */
export const GUARDED_PLATFORM = `apiVersion: bulkhead.dev/v1alpha1
kind: Platform
metadata:
  name: guarded
gitops:
  repoURL: https://github.com/example/guarded.git
clusters:
  - name: lab
    provider: kind
tenants:
  - name: web
    labels: { data-class: public }
    workloads:
      - name: frontend
        image: nginxinc/nginx-unprivileged:1.27-alpine
        user: 101
        writablePaths: [/tmp]
        ports: [{ name: http, port: 8080 }]
      - name: frontend-canary
        image: nginxinc/nginx-unprivileged:1.28-alpine
        user: 101
        writablePaths: [/tmp]
        ports: [{ name: http, port: 8080 }]
  - name: patient-data
    labels:
      data-class: phi
    workloads:
      - name: records-api
        image: hashicorp/http-echo:1.0
        ports: [{ name: http, port: 8080 }]
      - name: records-db
        image: hashicorp/http-echo:1.0
        ports: [{ name: postgres, port: 5432 }]
  - name: lab-results
    labels:
      data-class: phi
    workloads:
      - name: results-api
        image: hashicorp/http-echo:1.0
        ports: [{ name: http, port: 8080 }]
  - name: billing
    labels: { data-class: financial }
    workloads:
      - name: invoicer
        image: hashicorp/http-echo:1.0
        ports: [{ name: http, port: 8080 }]
      - name: ledger
        image: hashicorp/http-echo:1.0
        ports: [{ name: grpc, port: 9090 }]
flows:
  - from: web/frontend
    to: patient-data/records-api
    ports: [http]
    description: The portal reads patient records.
  - from: patient-data/records-api
    to: patient-data/records-db
    ports: [postgres]
  - from: web/frontend
    to: billing/invoicer
    ports: [http]
  - from: billing/invoicer
    to: billing/ledger
    ports: [grpc]
guardrails:
  - name: billing-never-reaches-phi
    control: HIPAA 45 CFR 164.312(a)(1) access control
    from: { tenant: billing }
    to: { labels: { data-class: phi } }
    bidirectional: true
gateways:
  - name: public
    listeners:
      - { name: http, protocol: HTTP, port: 80 }
routes:
  - name: portal
    tenant: web
    gateway: public
    hostnames: [portal.example.com]
    rules:
      - path: /
        backends:
          - { to: web/frontend, port: http, weight: 90 }
          - { to: web/frontend-canary, port: http, weight: 10 }
`;

/** `text` with `find` replaced, failing loudly when the edit does not apply (the fixture changed). */
export function edit(text: string, find: string | RegExp, replace: string): string {
  const out = text.replace(find, replace);
  if (out === text) throw new Error(`edit did not apply: ${String(find)}`);
  return out;
}

/** 1-based line of the first line of `block` in `text`. */
export function lineOf(text: string, block: string): number {
  const at = text.indexOf(block);
  if (at < 0) throw new Error(`not found: ${block}`);
  return text.slice(0, at).split('\n').length;
}
