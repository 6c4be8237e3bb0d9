/**
 * The trap rules for Cilium chart values: each rejects its case with why (the message) and what to
 * write (the hint), and accepts the fixed value; settings and values are checked together; and a
 * trap in platform.yaml fails synth with a platform.yaml:line:column error, no stack, dist/ untouched.
 */
import * as fs from 'node:fs';
import { ValueProblem, ciliumSpecProblems, ciliumValueProblems } from '../../lib/intent/cilium-values-rules';
import { CiliumSpec, Provider } from '../../lib/intent/types';

interface Trap {
  readonly name: string;
  readonly provider: Provider;
  readonly values: Record<string, unknown>;
  /** Where the problem points, dotted. */
  readonly path: string;
  readonly why: RegExp;
  readonly what: RegExp;
  /** The same values, fixed: no problem left. */
  readonly fixed: Record<string, unknown>;
}

const traps: Trap[] = [
  {
    name: 'kubeProxyReplacement: strict',
    provider: 'kind',
    values: { kubeProxyReplacement: 'strict' },
    path: 'kubeProxyReplacement',
    why: /only true or false since Cilium 1\.16[\s\S]*chart stops/,
    what: /write kubeProxyReplacement: true/,
    fixed: { kubeProxyReplacement: true },
  },
  {
    name: 'kubeProxyReplacement: partial',
    provider: 'eks',
    values: { kubeProxyReplacement: 'partial' },
    path: 'kubeProxyReplacement',
    why: /only true or false since Cilium 1\.16/,
    what: /true/,
    fixed: { kubeProxyReplacement: 'true' },
  },
  {
    name: 'kubeProxyReplacement: disabled',
    provider: 'kind',
    values: { kubeProxyReplacement: 'disabled' },
    path: 'kubeProxyReplacement',
    why: /only true or false/,
    what: /true/,
    fixed: {},
  },
  {
    name: 'kubeProxyReplacement: false (no kube-proxy in the clusters bulkhead sets up)',
    provider: 'eks',
    values: { kubeProxyReplacement: false },
    path: 'kubeProxyReplacement',
    why: /no kube-proxy add-on[\s\S]*no Service would answer/,
    what: /bulkhead sets kubeProxyReplacement: true/,
    fixed: { kubeProxyReplacement: true },
  },
  {
    name: 'hubble.tls.auto.method: helm',
    provider: 'kind',
    values: { hubble: { tls: { auto: { method: 'helm' } } } },
    path: 'hubble.tls.auto.method',
    why: /new Hubble certificates every time the chart is rendered[\s\S]*OutOfSync/,
    what: /cronJob[\s\S]*certmanager/,
    fixed: { hubble: { tls: { auto: { method: 'certmanager', certManagerIssuerRef: { name: 'ca', kind: 'ClusterIssuer' } } } } },
  },
  {
    name: 'gatewayAPI.gatewayClass.create: auto',
    provider: 'kind',
    values: { gatewayAPI: { gatewayClass: { create: 'auto' } } },
    path: 'gatewayAPI.gatewayClass.create',
    why: /Helm's capabilities[\s\S]*Argo CD/,
    what: /create: "true"/,
    fixed: { gatewayAPI: { gatewayClass: { create: 'true' } } },
  },
  {
    name: 'gatewayAPI.gatewayClass.create: true (a YAML boolean)',
    provider: 'eks',
    values: { gatewayAPI: { gatewayClass: { create: true } } },
    path: 'gatewayAPI.gatewayClass.create',
    why: /as a string; an unquoted true is a YAML boolean/,
    what: /quote it: create: "true"/,
    fixed: { gatewayAPI: { gatewayClass: { create: 'true' } } },
  },
  {
    name: 'k8sServiceHost: auto',
    provider: 'kind',
    values: { k8sServiceHost: 'auto' },
    path: 'k8sServiceHost',
    why: /Helm lookup[\s\S]*Argo CD does not run/,
    what: /apiServer\.host/,
    fixed: {},
  },
  {
    name: 'k8sServiceHost empty with kube-proxy replacement',
    provider: 'eks',
    values: { k8sServiceHost: '' },
    path: 'k8sServiceHost',
    why: /empty k8sServiceHost with kubeProxyReplacement true/,
    what: /apiServer\.host \(the EKS endpoint host/,
    fixed: {},
  },
  {
    name: 'k8sServiceHost written in values instead of apiServer.host',
    provider: 'kind',
    values: { k8sServiceHost: 'lab-control-plane' },
    path: 'k8sServiceHost',
    why: /set[s]? k8sServiceHost from clusters\[\]\.apiServer\.host/,
    what: /apiServer: \{ host: lab-control-plane \}/,
    fixed: {},
  },
  {
    name: 'k8sServicePort written in values',
    provider: 'eks',
    values: { k8sServicePort: 8443 },
    path: 'k8sServicePort',
    why: /apiServer\.port/,
    what: /apiServer: \{ port: 8443 \}/,
    fixed: {},
  },
  {
    name: 'eks: ipam.mode cluster-pool',
    provider: 'eks',
    values: { ipam: { mode: 'cluster-pool' } },
    path: 'ipam.mode',
    why: /EKS profile runs Cilium in ENI mode/,
    what: /cni: generic is not the way out/,
    fixed: { ipam: { mode: 'eni' } },
  },
  {
    name: 'eks: eni.enabled false',
    provider: 'eks',
    values: { eni: { enabled: false } },
    path: 'eni.enabled',
    why: /turns ENI mode off/,
    what: /remove it/,
    fixed: { eni: { enabled: true, awsEnablePrefixDelegation: true } },
  },
  {
    name: 'eks: routingMode tunnel',
    provider: 'eks',
    values: { routingMode: 'tunnel' },
    path: 'routingMode',
    why: /contradicts ENI mode/,
    what: /cni: generic/,
    fixed: { routingMode: 'native' },
  },
  {
    name: 'kind: ipam.mode eni',
    provider: 'kind',
    values: { ipam: { mode: 'eni' } },
    path: 'ipam.mode',
    why: /kind nodes are containers without ENIs/,
    what: /ipam\.mode: kubernetes/,
    fixed: { ipam: { mode: 'kubernetes' } },
  },
  {
    name: 'kind: eni.enabled true',
    provider: 'kind',
    values: { eni: { enabled: true } },
    path: 'eni.enabled',
    why: /without ENIs/,
    what: /remove it/,
    fixed: { eni: { enabled: false } },
  },
  {
    name: 'bpf.policyMapMax in values',
    provider: 'kind',
    values: { bpf: { policyMapMax: 65536 } },
    path: 'bpf.policyMapMax',
    why: /set by bulkhead from cilium\.policyMapMax: it is the budget/,
    what: /write policyMapMax: 65536 under cilium:/,
    fixed: { bpf: { monitorAggregation: 'medium' } },
  },
  {
    name: 'policyEnforcementMode in values',
    provider: 'eks',
    values: { policyEnforcementMode: 'never' },
    path: 'policyEnforcementMode',
    why: /from cilium\.policyEnforcementMode/,
    what: /write policyEnforcementMode: never under cilium:/,
    fixed: {},
  },
  {
    name: 'hubble.relay.enabled in values',
    provider: 'kind',
    values: { hubble: { relay: { enabled: false } } },
    path: 'hubble.relay.enabled',
    why: /from cilium\.hubble\.relay/,
    what: /hubble: \{ relay: false \}/,
    fixed: { hubble: { relay: { replicas: 2 } } },
  },
  {
    name: 'hubble.ui.enabled in values',
    provider: 'kind',
    values: { hubble: { ui: { enabled: true } } },
    path: 'hubble.ui.enabled',
    why: /from cilium\.hubble\.ui/,
    what: /hubble: \{ ui: true \}/,
    fixed: { hubble: { ui: { replicas: 1 } } },
  },
  {
    name: 'a scalar where bulkhead writes an object',
    provider: 'kind',
    values: { bpf: null },
    path: 'bpf',
    why: /replaces the whole bpf object[\s\S]*chart default/,
    what: /write the keys you mean under it/,
    fixed: { bpf: {} },
  },
  {
    name: 'k8sServiceHostRef',
    provider: 'eks',
    values: { k8sServiceHostRef: { name: 'cluster-info', key: 'host' } },
    path: 'k8sServiceHostRef',
    why: /cannot be combined with k8sServiceHost/,
    what: /apiServer\.host/,
    fixed: {},
  },
];

const dotted = (p: ValueProblem) => p.path.join('.');

describe('trap rules', () => {
  test.each(traps.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    const problems = ciliumValueProblems(t.values, { provider: t.provider });
    const hit = problems.find((p) => dotted(p) === t.path);
    expect(hit).toBeDefined();
    expect(hit!.message).toMatch(t.why);
    expect(hit!.hint).toMatch(t.what);
    expect(ciliumValueProblems(t.fixed, { provider: t.provider })).toEqual([]);
  });

  test('values that are no trap pass', () => {
    const fine = {
      kubeProxyReplacement: true,
      hubble: { enabled: true, tls: { auto: { method: 'cronJob' } }, metrics: { enabled: ['dns', 'drop'] } },
      gatewayAPI: { enabled: true, gatewayClass: { create: 'true' } },
      operator: { replicas: 1 },
      ipam: { operator: { clusterPoolIPv4PodCIDRList: ['10.0.0.0/8'] } },
    };
    expect(ciliumValueProblems(fine, { provider: 'kind' })).toEqual([]);
    expect(ciliumValueProblems({ ...fine, ipam: { mode: 'eni' }, eni: { enabled: true }, routingMode: 'native' }, { provider: 'eks' })).toEqual([]);
  });

  test('in merged scope the owned keys are expected, and the cross-field rules apply', () => {
    const merged = { bpf: { policyMapMax: 16384 }, policyEnforcementMode: 'default', k8sServiceHost: 'lab-control-plane', k8sServicePort: 6443, hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: false } } };
    expect(ciliumValueProblems(merged, { provider: 'kind', scope: 'merged' })).toEqual([]);
    const uiWithoutRelay = { ...merged, hubble: { enabled: true, relay: { enabled: false }, ui: { enabled: true } } };
    expect(ciliumValueProblems(uiWithoutRelay, { provider: 'kind', scope: 'merged' }).map(dotted)).toEqual(['hubble.ui.enabled']);
    const relayWithoutHubble = { ...merged, hubble: { enabled: false, relay: { enabled: true }, ui: { enabled: false } } };
    expect(ciliumValueProblems(relayWithoutHubble, { provider: 'kind', scope: 'merged' }).map(dotted)).toEqual(['hubble.enabled']);
  });
});

describe('settings and values together (ciliumSpecProblems, paths inside cilium:)', () => {
  const problems = (spec: CiliumSpec, provider: Provider = 'kind') => ciliumSpecProblems(spec, { provider });

  test('a UI without relay is refused where the settings say it', () => {
    const [p, ...rest] = problems({ hubble: { relay: false, ui: true } });
    expect(rest).toEqual([]);
    expect(p.path).toEqual(['hubble', 'ui']);
    expect(p.message).toMatch(/reads flows only through Hubble Relay/);
    expect(p.hint).toMatch(/relay: true[\s\S]*ui: false/);
    expect(problems({ hubble: { relay: true, ui: true } })).toEqual([]);
  });

  test('hubble.enabled: false in values while relay is on (by default) is refused', () => {
    const [p] = problems({ values: { hubble: { enabled: false } } });
    expect(p.path).toEqual(['values', 'hubble', 'enabled']);
    expect(p.message).toMatch(/relay is on by default/);
    expect(p.hint).toMatch(/relay: false, ui: false/);
    expect(problems({ hubble: { relay: false, ui: false }, values: { hubble: { enabled: false } } })).toEqual([]);
  });

  test('value problems come back under values', () => {
    expect(problems({ values: { kubeProxyReplacement: 'strict' } }).map(dotted)).toEqual(['values.kubeProxyReplacement']);
  });
});

describe('platform.yaml end to end', () => {
  const platform = (clusterExtra: string) => `apiVersion: bulkhead.dev/v1alpha1
kind: Platform
metadata:
  name: lab
clusters:
  - name: dev
    provider: kind
${clusterExtra}tenants:
  - name: web
    workloads:
      - name: frontend
        image: nginxinc/nginx-unprivileged:1.27-alpine
        user: 101
        writablePaths: [/tmp]
        ports:
          - { name: http, port: 8080 }
`;

  test('kubeProxyReplacement: strict fails synth at its line, says true or false and 1.16, and leaves dist/ alone', () => {
    // Loaded here so that the rule tests above run even while the synth pipeline does not load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synth, treeDigest, workspace } = require('../support/workspace') as typeof import('../support/workspace');
    const ws = workspace(platform(''));
    expect(synth(ws).code).toBe(0);
    const before = treeDigest(ws.dist);
    expect(Object.keys(before).length).toBeGreaterThan(0);

    const text = platform('    cilium:\n      values:\n        kubeProxyReplacement: strict\n');
    fs.writeFileSync(ws.intents, text);
    const run = synth(ws);

    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const first = run.stderr.split('\n')[0];
    const m = /^(.*platform\.yaml):(\d+):(\d+): error: (.*)$/.exec(first);
    expect(m).not.toBeNull();
    expect(text.split('\n')[Number(m![2]) - 1]).toMatch(/^\s*kubeProxyReplacement: strict$/);
    expect(m![4]).toMatch(/^clusters\[0\]\.cilium\.values\.kubeProxyReplacement: /);
    expect(run.stderr).toMatch(/true or false/);
    expect(run.stderr).toMatch(/1\.16/);
    expect(run.stderr).toMatch(/hint: write kubeProxyReplacement: true/);
    expect(treeDigest(ws.dist)).toEqual(before);
  });
});
