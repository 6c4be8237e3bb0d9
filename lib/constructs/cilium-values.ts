/**
 * Cilium's Helm values for one cluster, rendered to `bootstrap/cilium-values.yaml` (outside every
 * directory Argo CD syncs as manifests: a values file is not an API object).
 *
 * The values are, merged in this order (objects merge key by key; lists and scalars replace):
 * 1. the provider profile (kind or EKS ENI mode, kube-proxy replacement, Gateway API when asked),
 * 2. the declared settings (`cilium.hubble`, `cilium.policyEnforcementMode`, `cilium.policyMapMax`),
 * 3. the user's `cilium.values`, already checked against the known traps (cilium-values-rules.ts).
 * Keys are sorted, so the file is byte-stable.
 *
 *   const { values } = new CiliumValues(chart, 'cilium', { cluster, gatewayApi: true });
 */
import { Construct } from 'constructs';
import { RenderError } from '../model/rendered';
import { ciliumValueProblems, isPlainObject } from '../model/cilium-values-rules';
import { Cluster } from '../model/platform';
import { formatPath } from '../model/source-location';
import { PlainFile } from './plain-file';

export const CILIUM_VALUES_PATH = 'bootstrap/cilium-values.yaml';

/** Gateway API release whose CRDs Cilium 1.18 supports (installed before the chart; the operator checks only at start). */
export const GATEWAY_API_VERSION = 'v1.3.0';

/**
 * Client-side rate limit of the agent with L2 announcements. Cilium's L2 guide sizes it as
 * services / leaseRenewDeadline: every announced service is a Lease its holder renews every 5 s by
 * default. 30 QPS is the chart default of 10 plus 20 for up to 100 announced services; the burst
 * keeps the chart's 2:1 ratio.
 */
export const L2_CLIENT_RATE_LIMIT = { qps: 30, burst: 60 } as const;

export interface CiliumValuesOptions {
  /** Enable Cilium's Gateway API controller (and, on kind, L2 announcements so Gateways get addresses). @default false */
  readonly gatewayApi?: boolean;
}

export interface CiliumValuesProps extends CiliumValuesOptions {
  readonly cluster: Cluster;
}

type Values = Record<string, unknown>;

export class CiliumValues extends Construct {
  /** The values as rendered (keys sorted). */
  public readonly values: Readonly<Values>;
  public readonly file: PlainFile;

  constructor(scope: Construct, id: string, props: CiliumValuesProps) {
    super(scope, id);
    const cluster = props.cluster;
    const gatewayApi = props.gatewayApi ?? false;
    this.values = ciliumValues(cluster, { gatewayApi });
    this.file = new PlainFile(this, 'file', {
      path: CILIUM_VALUES_PATH,
      header: ciliumValuesHeader(cluster, gatewayApi),
      content: () => this.values,
    });
  }
}

/**
 * The Helm values for `cluster`: provider profile, then declared settings, then `cluster.cilium.values`.
 * Throws a `RenderError` if the result would hit a known trap (the checker reports these against
 * platform.yaml first; this is the last line of defence).
 */
export function ciliumValues(cluster: Cluster, options: CiliumValuesOptions = {}): Values {
  const cilium = cluster.cilium;
  if (cluster.cni !== 'cilium' || !cilium) throw new RenderError(`cluster "${cluster.name}" has cni: ${cluster.cni}, so it has no Cilium values`);
  const gatewayApi = options.gatewayApi ?? false;
  const settings: Values = {
    bpf: { policyMapMax: cilium.policyMapMax },
    hubble: { relay: { enabled: cilium.hubble.relay }, ui: { enabled: cilium.hubble.ui } },
    policyEnforcementMode: cilium.policyEnforcementMode,
  };
  const merged = deepMerge(deepMerge(profile(cluster, gatewayApi), settings), cilium.values);
  // eth+ is what masquerading needs in ENI mode; the profile leaves it off (see profile()).
  if (cluster.provider === 'eks' && merged.enableIPv4Masquerade === true && merged.egressMasqueradeInterfaces === undefined) merged.egressMasqueradeInterfaces = 'eth+';

  const problems = ciliumValueProblems(merged, { provider: cluster.provider, scope: 'merged' });
  if (problems.length)
    throw new RenderError(
      `cluster "${cluster.name}": the Cilium values would be wrong:\n` +
        problems.map((p) => `  ${formatPath(p.path)}: ${p.message}\n    hint: ${p.hint}`).join('\n'),
    );
  return sortKeys(merged) as Values;
}

/**
 * What bulkhead sets per provider, and why:
 * - kube-proxy replacement on both (the cluster configs install no kube-proxy), with the API server
 *   address written out: `k8sServiceHost: auto` needs Helm lookup, which Argo CD does not run.
 * - Hubble with certificates from a CronJob: the chart's default (`helm`) makes new ones on every
 *   render, which Argo CD sees as drift forever.
 * - operator replicas min(2, nodes): its required anti-affinity leaves a second replica Pending on one node.
 * - kind: pod CIDRs from the Node objects (`ipam.mode: kubernetes`).
 * - EKS: ENI mode as in Cilium's EKS guide (pods get VPC addresses, native routing). Masquerading stays
 *   off, which is the ENI-mode default since 1.18, written out: pods keep their VPC source address
 *   (visible to security groups and flow logs) and reach the internet through the VPC's NAT gateway
 *   (the node group runs in private subnets). A user who turns it on gets `egressMasqueradeInterfaces: eth+`.
 * - Gateway API when asked: the GatewayClass created unconditionally (`"true"`, a string: `auto`
 *   depends on Helm capabilities Argo CD may lack). On kind also L2 announcements, so a Gateway gets an
 *   address from a CiliumLoadBalancerIPPool, with the client rate limit Cilium's L2 guide asks to raise;
 *   on EKS, AWS load balancers give the addresses.
 */
function profile(cluster: Cluster, gatewayApi: boolean): Values {
  const common: Values = {
    hubble: { enabled: true, tls: { auto: { method: 'cronJob' } } },
    k8sServiceHost: cluster.apiServer.host,
    k8sServicePort: cluster.apiServer.port,
    kubeProxyReplacement: true,
    operator: { replicas: Math.max(1, Math.min(2, cluster.nodes)) },
  };
  const gateway: Values = gatewayApi ? { gatewayAPI: { enabled: true, gatewayClass: { create: 'true' } } } : {};
  switch (cluster.provider) {
    case 'kind': {
      const l2: Values = gatewayApi ? { l2announcements: { enabled: true }, k8sClientRateLimit: { ...L2_CLIENT_RATE_LIMIT } } : {};
      return deepMerge(deepMerge(common, { ipam: { mode: 'kubernetes' } }), { ...gateway, ...l2 });
    }
    case 'eks':
      return deepMerge(deepMerge(common, { eni: { enabled: true }, ipam: { mode: 'eni' }, routingMode: 'native', enableIPv4Masquerade: false }), gateway);
    default: {
      const unhandled: never = cluster.provider;
      throw new RenderError(`cluster "${cluster.name}": no Cilium profile for provider ${unhandled}`);
    }
  }
}

function ciliumValuesHeader(cluster: Cluster, gatewayApi: boolean): string[] {
  const dir = `dist/${cluster.name}/bootstrap`;
  const version = cluster.cilium?.version ?? '';
  const lines = [
    `Cilium ${version} Helm values for cluster "${cluster.name}" (${cluster.provider}), rendered by bulkhead from platform.yaml.`,
    'Do not edit: change clusters[].cilium in platform.yaml and synth again.',
    'Not a Kubernetes manifest: keep bootstrap/ out of every directory Argo CD syncs.',
    '',
    'Cilium goes in before anything else (without a CNI no pod starts, Argo CD included):',
  ];
  if (cluster.provider === 'kind') lines.push(`  kind create cluster --config ${dir}/kind-config.yaml`);
  else lines.push(`  eksctl create cluster -f ${dir}/eksctl-config.yaml`);
  if (gatewayApi) lines.push(`  kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`);
  lines.push('  helm repo add cilium https://helm.cilium.io');
  lines.push(`  helm install cilium cilium/cilium --version ${version} --namespace kube-system -f ${dir}/cilium-values.yaml`);
  if (cluster.provider === 'eks') lines.push(`  eksctl create nodegroup -f ${dir}/eksctl-nodegroup.yaml`);
  if (gatewayApi) lines.push(`The Gateway API ${GATEWAY_API_VERSION} CRDs must exist before the operator starts: it looks for them only then.`);
  lines.push('Argo CD can adopt the release later with the same name (cilium), namespace and values.');
  return lines;
}

/** `over` merged into `base`: objects merge key by key, everything else (lists, scalars, null) replaces. */
export function deepMerge(base: Readonly<Values>, over: Readonly<Values>): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? deepMerge(out[k] as Values, v) : structuredClone(v);
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}
