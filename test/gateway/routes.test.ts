/**
 * What synth renders for the example's public route: a Gateway that admits only the tenants that use
 * it (by namespace name), an HTTPRoute with every default written out, exactly the ReferenceGrant the
 * cross-namespace backend needs, and gateway admission on exactly the backends' ports. Checked on the
 * rendered YAML, with the analyzer where behaviour is the question.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, loadManifestPaths, SourcedObject } from '../../lib/analysis';
import { synth, workspace } from '../support/workspace';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ws = workspace();
beforeAll(() => expect(synth(ws).code).toBe(0));

const manifests = (cluster: string): SourcedObject[] => loadManifestPaths(['platform', 'tenants'].map((d) => path.join(ws.dist, cluster, d)));
const ofKind = (cluster: string, kind: string) => manifests(cluster).map((o) => o.object as Json).filter((o) => o.kind === kind);

describe.each(['dev', 'prod'])('cluster %s', (cluster) => {
  test('one Gateway of class cilium whose listeners admit HTTPRoutes from the route tenants only, by namespace name', () => {
    const [gw, ...more] = ofKind(cluster, 'Gateway');
    expect(more).toEqual([]);
    expect(gw.metadata).toMatchObject({ name: 'public', namespace: 'bulkhead-gateways' });
    expect(gw.spec.gatewayClassName).toBe('cilium');
    expect(gw.spec.listeners.map((l: Json) => `${l.name}:${l.protocol}:${l.port}`)).toEqual(['http:HTTP:80', 'https:HTTPS:443']);
    for (const l of gw.spec.listeners)
      expect(l.allowedRoutes).toEqual({
        kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
        namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['web'] }] } },
      });
    expect(gw.spec.listeners[1].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'portal-tls' }] });
    const ns = ofKind(cluster, 'Namespace').find((n) => n.metadata.name === 'bulkhead-gateways')!;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('the HTTPRoute splits 90/10 and writes every default out', () => {
    const [route] = ofKind(cluster, 'HTTPRoute');
    expect(route.metadata).toMatchObject({ name: 'portal', namespace: 'web' });
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'bulkhead-gateways' }]);
    expect(route.spec.rules[0]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [
        { group: '', kind: 'Service', name: 'frontend', namespace: 'web', port: 8080, weight: 90 },
        { group: '', kind: 'Service', name: 'frontend-canary', namespace: 'web', port: 8080, weight: 10 },
      ],
    });
    expect(route.spec.rules[1].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'invoicer', namespace: 'billing', port: 8080, weight: 1 }]);
  });

  test('exactly one ReferenceGrant: in billing, from HTTPRoutes in web, to the invoicer Service', () => {
    expect(ofKind(cluster, 'ReferenceGrant')).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ namespace: 'billing', name: 'httproutes-from-web' }),
        spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }], to: [{ group: '', kind: 'Service', name: 'invoicer' }] },
      }),
    ]);
  });

  test("the gateway's proxy reaches exactly the route backends on their ports", () => {
    const fromGateway = analyze(manifests(cluster)).external.filter((x) => x.direction === 'ingress' && x.kind === 'entity' && x.entity === 'ingress');
    expect(fromGateway.map((x) => [x.workload, x.ports])).toEqual([
      ['billing/invoicer', { TCP: [[8080, 8080]] }],
      ['web/frontend', { TCP: [[8080, 8080]] }],
      ['web/frontend-canary', { TCP: [[8080, 8080]] }],
    ]);
  });
});

test('on kind the Gateway gets an address from an LB-IPAM pool announced over L2; on EKS from AWS', () => {
  const pool = ofKind('dev', 'CiliumLoadBalancerIPPool');
  expect(pool.map((p) => p.spec.blocks)).toEqual([[{ cidr: '172.18.255.200/29' }]]);
  expect(ofKind('dev', 'CiliumL2AnnouncementPolicy').map((p) => p.spec.loadBalancerIPs)).toEqual([true]);
  expect(ofKind('prod', 'CiliumLoadBalancerIPPool')).toEqual([]);
  const values = fs.readFileSync(path.join(ws.dist, 'dev', 'bootstrap', 'cilium-values.yaml'), 'utf8');
  expect(values).toMatch(/gatewayAPI:\n  enabled: true\n  gatewayClass:\n    create: "true"/);
  expect(values).toMatch(/l2announcements:\n  enabled: true/);
});
