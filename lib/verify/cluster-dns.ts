/**
 * The cluster's DNS server, as the verifier puts it beside the rendered manifests so that the analyzer
 * judges DNS like any other connection. The intents allow every workload DNS and nothing more: kube-dns
 * on 53/UDP and 53/TCP. Without a DNS pod in the input, the analyzer would see no destination for the
 * DNS rules at all, and a rule opening more (Cilium's `ANY` also covers SCTP/53, or another port to
 * kube-system) would go unnoticed.
 *
 * CoreDNS runs as pods labelled `k8s-app: kube-dns` in `kube-system` on kind and on EKS, serving 53 over
 * UDP and TCP (see ../shared/reference/domain-facts.md, "Kubernetes NetworkPolicy").
 */
import { PortMap, SourcedObject } from '../analysis';

export const CLUSTER_DNS_ID = 'kube-system/coredns';

/** What the intents allow every workload towards the cluster's DNS. */
export const DNS_ALLOWED: PortMap = { TCP: [[53, 53]], UDP: [[53, 53]] };

const FILE = '<the cluster DNS: kube-system/coredns>';

export const CLUSTER_DNS_OBJECTS: readonly SourcedObject[] = [
  {
    file: FILE,
    index: 0,
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        containers: [
          {
            name: 'coredns',
            image: 'registry.k8s.io/coredns/coredns',
            ports: [
              { name: 'dns', containerPort: 53, protocol: 'UDP' },
              { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
            ],
          },
        ],
      },
    },
  },
];
