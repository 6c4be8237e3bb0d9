/**
 * The files that create a cluster the way bulkhead's Cilium values expect it, rendered under
 * `bootstrap/` next to the values (plain files, never synced by Argo CD):
 *
 * - kind: `bootstrap/kind-config.yaml`: no default CNI and no kube-proxy (Cilium replaces both),
 *   one control-plane node plus `nodes - 1` workers.
 * - EKS: two eksctl files, because eksctl refuses to create node groups in the same run as a
 *   cluster without the VPC CNI ("fields nodeGroups, managedNodeGroups, ... are not supported during
 *   cluster creation in a cluster without VPC CNI"): `bootstrap/eksctl-config.yaml` (the control
 *   plane, default add-ons off, CoreDNS back on), then Cilium, then `bootstrap/eksctl-nodegroup.yaml`.
 *
 * With `cni: generic` the files keep kube-proxy (a generic CNI relies on it) and, on EKS, the VPC CNI
 * with its network-policy agent switched on; the CNI itself is the user's to install on kind.
 *
 *   clusterSetupFiles(chart, cluster);   // picks the provider's construct
 */
import { Construct } from 'constructs';
import { Cluster } from '../model/platform';
import { PlainFile } from './plain-file';

export const KIND_CONFIG_PATH = 'bootstrap/kind-config.yaml';
export const EKSCTL_CLUSTER_PATH = 'bootstrap/eksctl-config.yaml';
export const EKSCTL_NODEGROUP_PATH = 'bootstrap/eksctl-nodegroup.yaml';

/** Cilium's EKS guide: keeps application pods off a node until the agent there is ready to manage them. */
export const CILIUM_AGENT_NOT_READY_TAINT = { key: 'node.cilium.io/agent-not-ready', value: 'true', effect: 'NoExecute' } as const;

/** EC2 calls Cilium's operator needs in ENI mode (Cilium docs, "AWS ENI: Required Privileges", ENI GC on by default). */
export const CILIUM_ENI_EC2_ACTIONS: readonly string[] = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:AttachNetworkInterface',
  'ec2:CreateNetworkInterface',
  'ec2:CreateTags',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeManagedPrefixLists',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeTags',
  'ec2:DescribeVpcs',
  'ec2:GetManagedPrefixListEntries',
  'ec2:ModifyNetworkInterfaceAttribute',
];

/** Instance type of the EKS node group. m5.large: 3 ENIs of 10 addresses each, about 29 pods per node in ENI mode. */
export const EKS_INSTANCE_TYPE = 'm5.large';

type Doc = Record<string, unknown>;

/** A kind `Cluster` config. `nodes` counts the control plane: 1 is a lone control plane (kind then leaves it untainted, so pods run there). */
export function kindClusterConfig(cluster: Cluster): Doc {
  if (cluster.provider !== 'kind') throw new Error(`cluster "${cluster.name}" is ${cluster.provider}, not kind`);
  const cilium = cluster.cni === 'cilium';
  const workers = Math.max(0, cluster.nodes - 1);
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cluster.name,
    networking: cilium ? { disableDefaultCNI: true, kubeProxyMode: 'none' } : { disableDefaultCNI: true },
    nodes: [{ role: 'control-plane' }, ...Array.from({ length: workers }, () => ({ role: 'worker' }))],
  };
}

export class KindClusterConfig extends Construct {
  public readonly config: Readonly<Doc>;
  public readonly file: PlainFile;

  constructor(scope: Construct, id: string, props: { readonly cluster: Cluster }) {
    super(scope, id);
    const c = props.cluster;
    this.config = kindClusterConfig(c);
    const cilium = c.cni === 'cilium';
    this.file = new PlainFile(this, 'file', {
      path: KIND_CONFIG_PATH,
      header: [
        `kind cluster "${c.name}", rendered by bulkhead from platform.yaml (do not edit: change clusters[] and synth again).`,
        `nodes: ${c.nodes} counts the control plane: 1 control-plane node and ${Math.max(0, c.nodes - 1)} worker(s).`,
        cilium
          ? 'No default CNI and no kube-proxy: Cilium (bootstrap/cilium-values.yaml) replaces both, so nodes stay NotReady until it runs.'
          : 'No default CNI: install a CNI that enforces NetworkPolicy before anything else (kube-proxy stays).',
        `  kind create cluster --config dist/${c.name}/bootstrap/kind-config.yaml`,
        ...(cilium ? [`  then: helm install cilium ... (the command is in dist/${c.name}/bootstrap/cilium-values.yaml)`] : []),
      ],
      content: () => this.config,
    });
  }
}

/** The eksctl `ClusterConfig` for the control plane (no node groups: see the file comment). */
export function eksctlClusterConfig(cluster: Cluster): Doc {
  assertEks(cluster);
  const cilium = cluster.cni === 'cilium';
  return {
    apiVersion: 'eksctl.io/v1alpha5',
    kind: 'ClusterConfig',
    metadata: metadata(cluster),
    iam: { withOIDC: true },
    // Cilium (ENI mode, kube-proxy replacement) owns the datapath: no aws-node (VPC CNI), no kube-proxy.
    // CoreDNS is the one default add-on to keep. A generic CNI keeps the defaults, with the VPC CNI
    // enforcing NetworkPolicy.
    ...(cilium
      ? { addonsConfig: { disableDefaultAddons: true }, addons: [{ name: 'coredns' }] }
      : { addons: [{ name: 'vpc-cni', configurationValues: '{"enableNetworkPolicy": "true"}' }] }),
  };
}

/** The eksctl `ClusterConfig` holding only the managed node group (`eksctl create nodegroup -f`). */
export function eksctlNodeGroupConfig(cluster: Cluster): Doc {
  assertEks(cluster);
  const cilium = cluster.cni === 'cilium';
  return {
    apiVersion: 'eksctl.io/v1alpha5',
    kind: 'ClusterConfig',
    metadata: metadata(cluster),
    managedNodeGroups: [
      {
        name: `${cluster.name}-nodes`,
        instanceType: EKS_INSTANCE_TYPE,
        desiredCapacity: cluster.nodes,
        minSize: cluster.nodes,
        maxSize: cluster.nodes,
        // Pods keep their VPC addresses (no masquerading in ENI mode), so they reach the internet
        // through the VPC's NAT gateway, which only private subnets route to.
        privateNetworking: true,
        ...(cilium
          ? {
              taints: [{ ...CILIUM_AGENT_NOT_READY_TAINT }],
              // The operator attaches ENIs with the node role's credentials.
              iam: { attachPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...CILIUM_ENI_EC2_ACTIONS], Resource: '*' }] } },
            }
          : {}),
      },
    ],
  };
}

export class EksctlClusterConfig extends Construct {
  public readonly config: Readonly<Doc>;
  public readonly nodeGroupConfig: Readonly<Doc>;
  public readonly files: readonly PlainFile[];

  constructor(scope: Construct, id: string, props: { readonly cluster: Cluster }) {
    super(scope, id);
    const c = props.cluster;
    this.config = eksctlClusterConfig(c);
    this.nodeGroupConfig = eksctlNodeGroupConfig(c);
    const dir = `dist/${c.name}/bootstrap`;
    const cilium = c.cni === 'cilium';
    const steps = cilium
      ? [
          `  1. eksctl create cluster -f ${dir}/eksctl-config.yaml`,
          `  2. helm install cilium ... (the command is in ${dir}/cilium-values.yaml; set apiServer.host in platform.yaml to the new endpoint first)`,
          `  3. eksctl create nodegroup -f ${dir}/eksctl-nodegroup.yaml`,
        ]
      : [`  1. eksctl create cluster -f ${dir}/eksctl-config.yaml`, `  2. eksctl create nodegroup -f ${dir}/eksctl-nodegroup.yaml`];
    const common = [`Rendered by bulkhead from platform.yaml (do not edit: change clusters[] and synth again).`, 'Order:', ...steps];
    this.files = [
      new PlainFile(this, 'cluster', {
        path: EKSCTL_CLUSTER_PATH,
        header: [
          `EKS cluster "${c.name}" in ${c.region}: the control plane only.`,
          ...(cilium
            ? ['Default add-ons off (no VPC CNI, no kube-proxy: Cilium replaces both), CoreDNS back on; eksctl refuses node groups in this run.']
            : ['Default add-ons on, VPC CNI with its network-policy agent.']),
          ...common,
        ],
        content: () => this.config,
      }),
      new PlainFile(this, 'nodegroup', {
        path: EKSCTL_NODEGROUP_PATH,
        header: [
          `EKS cluster "${c.name}": the managed node group, ${c.nodes} node(s) in private subnets.`,
          ...(cilium ? [`Tainted ${CILIUM_AGENT_NOT_READY_TAINT.key}=true:NoExecute until Cilium runs on the node; the node role may manage ENIs.`] : []),
          ...common,
        ],
        content: () => this.nodeGroupConfig,
      }),
    ];
  }
}

/** The cluster set-up files for `cluster`'s provider. */
export function clusterSetupFiles(scope: Construct, cluster: Cluster, id = 'cluster-setup'): KindClusterConfig | EksctlClusterConfig {
  switch (cluster.provider) {
    case 'kind':
      return new KindClusterConfig(scope, id, { cluster });
    case 'eks':
      return new EksctlClusterConfig(scope, id, { cluster });
    default: {
      const unhandled: never = cluster.provider;
      throw new Error(`cluster "${cluster.name}": no set-up files for provider ${unhandled}`);
    }
  }
}

function metadata(cluster: Cluster): Doc {
  return { name: cluster.name, region: cluster.region };
}

function assertEks(cluster: Cluster): void {
  if (cluster.provider !== 'eks') throw new Error(`cluster "${cluster.name}" is ${cluster.provider}, not eks`);
  if (!cluster.region) throw new Error(`EKS cluster "${cluster.name}" has no region`);
}
