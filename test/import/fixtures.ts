/** Manifests as `kubectl get ns,deploy,sts,ds,rs,job,cronjob,pod,svc,netpol -A -o yaml` prints them (trimmed). */

const container = (name: string, ports: object[] = [], extra: object = {}) => ({ name, image: `example/${name}:1`, ports, ...extra });
const owner = (kind: string, name: string) => ({ ownerReferences: [{ apiVersion: kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, name, uid: `uid-${name}`, controller: true }] });
const np = (name: string, spec: object, namespace = 'shop') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

/** Every workload kind, owned objects folded into their controllers, a Service naming a port, kube-system. */
export function multiKind(): object[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'payments', 'pod-security.kubernetes.io/enforce': 'baseline', 'topology.kubernetes.io/zone': 'a' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container('web', [{ containerPort: 8080, name: 'http' }])] } } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-5d8f', namespace: 'shop', ...owner('Deployment', 'web') },
      spec: { replicas: 3, template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d8f' } }, spec: { containers: [container('web', [{ containerPort: 8080, name: 'http' }])] } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-5d8f-x1', namespace: 'shop', labels: { app: 'web', 'pod-template-hash': '5d8f' }, ...owner('ReplicaSet', 'web-5d8f') },
      spec: { containers: [container('web', [{ containerPort: 8080, name: 'http' }])] },
      status: { podIP: '10.244.0.7' },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { replicas: 2, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [container('db', [{ containerPort: 5432 }], { securityContext: { runAsUser: 70 } })] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { selector: { app: 'db' }, ports: [{ name: 'postgres', port: 5432 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'www', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [container('agent', [{ containerPort: 9100, name: 'metrics' }])] } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'shop' },
      spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'report' } }, spec: { containers: [container('report', [], { args: ['--daily'] })] } } } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'report-2891', namespace: 'shop', ...owner('CronJob', 'report') },
      spec: { template: { metadata: { labels: { app: 'report' } }, spec: { containers: [container('report', [], { args: ['--daily'] })] } } },
    },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'migrate' } }, spec: { containers: [container('migrate', [], { command: ['/migrate', 'up'] })] } } } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'legacy', namespace: 'shop' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [container('legacy', [{ containerPort: 7000, protocol: 'UDP' }])] } } } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'old', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'old' } }, spec: { containers: [container('old')] } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop', labels: { app: 'debug' } }, spec: { securityContext: { runAsUser: 0 }, containers: [container('debug'), container('sidecar')] } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { template: { metadata: { labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [container('coredns', [{ containerPort: 53, protocol: 'UDP', name: 'dns' }, { containerPort: 53, name: 'dns-tcp' }])] } } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metrics-server', namespace: 'kube-system' }, spec: { template: { metadata: { labels: { 'k8s-app': 'metrics-server' } }, spec: { containers: [container('metrics-server', [{ containerPort: 443 }])] } } } },
    np('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    np('db', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { podSelector: { matchLabels: { app: 'report' } } }], ports: [{ port: 5432 }] }],
    }),
    np('agent', { podSelector: { matchLabels: { app: 'agent' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'metrics' }] }] }),
    np('clients', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'report'] }] },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] },
      ],
    }),
    np('web-out', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'metrics-server' } } }], ports: [{ port: 443 }] },
        { to: [{ podSelector: {} }], ports: [{ port: 9100 }] },
      ],
    }),
    np('scrape', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }], ports: [{ port: 8080 }] }, { from: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 8080 }] }] }),
    np('agent-out', { podSelector: { matchLabels: { app: 'agent' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }] }),
    np('by-hash', { podSelector: { matchLabels: { 'pod-template-hash': '5d8f' } }, policyTypes: ['Ingress'], ingress: [] }),
  ];
}

/** The same objects as one `kind: List`, as kubectl prints several resource types together. */
export function asList(items: object[]): object {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
