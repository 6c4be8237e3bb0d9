/**
 * The cluster set-up files: a kind config without default CNI or kube-proxy and with exactly `nodes`
 * nodes (control plane included), and the two eksctl files (control plane without VPC CNI and
 * kube-proxy, then a node group tainted until Cilium is ready), rendered as plain files under bootstrap/.
 */
import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import {
  CILIUM_AGENT_NOT_READY_TAINT,
  CILIUM_ENI_EC2_ACTIONS,
  EKSCTL_CLUSTER_PATH,
  EKSCTL_NODEGROUP_PATH,
  EksctlClusterConfig,
  KIND_CONFIG_PATH,
  KindClusterConfig,
  clusterSetupFiles,
  eksctlClusterConfig,
  eksctlNodeGroupConfig,
  kindClusterConfig,
} from '../../lib/constructs/cluster-config';
import { renderCharts } from '../../lib/emit/render';
import { CiliumSettings, Cluster } from '../../lib/model/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORIGIN = { file: 'platform.yaml', line: 1, column: 1 };
const CILIUM: CiliumSettings = { version: '1.18.8', hubble: { relay: true, ui: false }, policyEnforcementMode: 'default', policyMapMax: 16384, values: {} };
const kind = (nodes: number, over: Partial<Cluster> = {}): Cluster => ({
  name: 'dev',
  provider: 'kind',
  nodes,
  apiServer: { host: 'dev-control-plane', port: 6443 },
  cni: 'cilium',
  cilium: CILIUM,
  origin: ORIGIN,
  ...over,
});
const eks = (nodes: number, over: Partial<Cluster> = {}): Cluster => ({
  name: 'prod',
  provider: 'eks',
  nodes,
  region: 'eu-central-1',
  apiServer: { host: 'ABC.gr7.eu-central-1.eks.amazonaws.com', port: 443 },
  cni: 'cilium',
  cilium: CILIUM,
  origin: ORIGIN,
  ...over,
});

function rendered(cluster: Cluster) {
  const app = new App();
  const chart = new Chart(app, cluster.name);
  const construct = clusterSetupFiles(chart, cluster);
  return { construct, files: new Map(renderCharts(app).map((f) => [f.path, f])) };
}

describe('kind', () => {
  test.each([1, 2, 3, 5])('%i node(s): no default CNI, no kube-proxy, one control plane and nodes - 1 workers', (nodes) => {
    const c = kindClusterConfig(kind(nodes)) as Json;
    expect(c.kind).toBe('Cluster');
    expect(c.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(c.name).toBe('dev');
    expect(c.networking).toEqual({ disableDefaultCNI: true, kubeProxyMode: 'none' });
    const roles = (c.nodes as Json[]).map((n) => n.role);
    expect(roles).toHaveLength(nodes);
    expect(roles.filter((r) => r === 'control-plane')).toEqual(['control-plane']);
    expect(roles.filter((r) => r === 'worker')).toHaveLength(nodes - 1);
  });

  test('the control-plane container name matches the API server host the Cilium values use', () => {
    const c = kind(2);
    expect(`${(kindClusterConfig(c) as Json).name}-control-plane`).toBe(c.apiServer.host);
  });

  test('rendered to bootstrap/kind-config.yaml with the create command and what nodes counts', () => {
    const { construct, files } = rendered(kind(3));
    expect(construct).toBeInstanceOf(KindClusterConfig);
    const file = files.get(KIND_CONFIG_PATH)!;
    expect(file.manifests).toEqual([]);
    expect(file.text).toMatch(/^#\s+kind create cluster --config dist\/dev\/bootstrap\/kind-config\.yaml$/m);
    expect(file.text).toMatch(/# nodes: 3 counts the control plane: 1 control-plane node and 2 worker/);
    expect(parse(file.text!)).toEqual((construct as KindClusterConfig).config);
    expect(parse(file.text!).networking.kubeProxyMode).toBe('none');
  });

  test('cni: generic keeps kube-proxy (the user brings a CNI that enforces NetworkPolicy)', () => {
    const c = kindClusterConfig(kind(2, { cni: 'generic', cilium: undefined })) as Json;
    expect(c.networking).toEqual({ disableDefaultCNI: true });
  });

  test('refuses an EKS cluster', () => expect(() => kindClusterConfig(eks(2))).toThrow(/not kind/));
});

describe('eksctl', () => {
  test('control plane: default add-ons off (no aws-node, no kube-proxy), CoreDNS back, and no node group (eksctl refuses one here)', () => {
    const c = eksctlClusterConfig(eks(3)) as Json;
    expect(c.apiVersion).toBe('eksctl.io/v1alpha5');
    expect(c.kind).toBe('ClusterConfig');
    expect(c.metadata).toEqual({ name: 'prod', region: 'eu-central-1' });
    expect(c.addonsConfig).toEqual({ disableDefaultAddons: true });
    const addons = (c.addons as Json[]).map((a) => a.name);
    expect(addons).toEqual(['coredns']);
    expect(addons).not.toContain('vpc-cni');
    expect(addons).not.toContain('kube-proxy');
    // eksctl's bare-cluster validation: no node groups, Fargate profiles or IAM service accounts without the VPC CNI.
    for (const field of ['nodeGroups', 'managedNodeGroups', 'fargateProfiles', 'karpenter']) expect(c[field]).toBeUndefined();
    expect(c.iam.serviceAccounts).toBeUndefined();
  });

  test.each([1, 2, 3, 6])('node group of %i: desiredCapacity = nodes, Cilium taint, private subnets, ENI privileges', (nodes) => {
    const c = eksctlNodeGroupConfig(eks(nodes)) as Json;
    expect(c.metadata).toEqual({ name: 'prod', region: 'eu-central-1' });
    expect(c.addonsConfig).toBeUndefined();
    const [ng, ...more] = c.managedNodeGroups as Json[];
    expect(more).toEqual([]);
    expect(ng.desiredCapacity).toBe(nodes);
    expect(ng.minSize).toBe(nodes);
    expect(ng.maxSize).toBe(nodes);
    expect(ng.privateNetworking).toBe(true);
    expect(ng.taints).toEqual([{ key: 'node.cilium.io/agent-not-ready', value: 'true', effect: 'NoExecute' }]);
    const statement = ng.iam.attachPolicy.Statement[0];
    expect(statement.Effect).toBe('Allow');
    for (const action of ['ec2:CreateNetworkInterface', 'ec2:AttachNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'])
      expect(statement.Action).toContain(action);
  });

  test('rendered to two files whose headers give the order, the taint value a string', () => {
    const { construct, files } = rendered(eks(3));
    expect(construct).toBeInstanceOf(EksctlClusterConfig);
    const cluster = files.get(EKSCTL_CLUSTER_PATH)!;
    const nodegroup = files.get(EKSCTL_NODEGROUP_PATH)!;
    for (const f of [cluster, nodegroup]) {
      expect(f.manifests).toEqual([]);
      expect(f.text).toContain('eksctl create cluster -f dist/prod/bootstrap/eksctl-config.yaml');
      expect(f.text).toContain('eksctl create nodegroup -f dist/prod/bootstrap/eksctl-nodegroup.yaml');
      expect(f.text!.indexOf('eksctl create cluster')).toBeLessThan(f.text!.indexOf('helm install cilium'));
      expect(f.text!.indexOf('helm install cilium')).toBeLessThan(f.text!.indexOf('eksctl create nodegroup'));
    }
    expect(parse(cluster.text!)).toEqual((construct as EksctlClusterConfig).config);
    const ng = parse(nodegroup.text!);
    expect(ng).toEqual((construct as EksctlClusterConfig).nodeGroupConfig);
    expect(ng.managedNodeGroups[0].taints[0].value).toBe('true');
    expect(ng.managedNodeGroups[0].taints[0]).toEqual(CILIUM_AGENT_NOT_READY_TAINT);
    expect(ng.managedNodeGroups[0].iam.attachPolicy.Statement[0].Action).toEqual([...CILIUM_ENI_EC2_ACTIONS]);
  });

  test('cni: generic keeps the default add-ons with the VPC CNI enforcing NetworkPolicy, and no Cilium taint', () => {
    const generic = eks(2, { cni: 'generic', cilium: undefined });
    const c = eksctlClusterConfig(generic) as Json;
    expect(c.addonsConfig).toBeUndefined();
    expect(c.addons).toEqual([{ name: 'vpc-cni', configurationValues: '{"enableNetworkPolicy": "true"}' }]);
    expect((eksctlNodeGroupConfig(generic) as Json).managedNodeGroups[0].taints).toBeUndefined();
  });

  test('refuses a kind cluster, or an EKS cluster without a region', () => {
    expect(() => eksctlClusterConfig(kind(1))).toThrow(/not eks/);
    expect(() => eksctlNodeGroupConfig(eks(1, { region: undefined }))).toThrow(/no region/);
  });
});
