/**
 * Small in-memory repositories for the GitOps checks: a cluster's dist/ (a few objects per file) and the
 * argocd/ delivery of it, built from plain objects so a test can break one thing and look for the report.
 * `correct()` is the layout the checks must accept: root app-of-apps with a `gitops` project, a platform
 * Application and project, one Application and project per tenant (`include: <tenant>.yaml`), Cilium as a
 * multi-source Helm Application with `$values/...`, the Gateway API CRDs from upstream.
 */
import { stringify } from 'yaml';
import type { RepoFile } from '../../lib/gitops/checks';

export type Json = Record<string, unknown>;
export const REPO = 'https://github.com/example/healthcare-platform.git';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
export const CILIUM_REPO = 'https://helm.cilium.io';
export const GATEWAY_API_REPO = 'https://github.com/kubernetes-sigs/gateway-api.git';

export function yamlDocs(...docs: unknown[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

export const namespace = (name: string): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
export const networkPolicy = (ns: string | undefined, name: string, spec: Json = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  spec,
});
export const service = (ns: string, name: string): Json => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ port: 8080 }] } });
export const ciliumPolicy = (ns: string, name: string): Json => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec: { endpointSelector: {} } });
export const clusterwidePolicy = (name: string): Json => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec: { endpointSelector: {} } });
export const valuesFile = '# Cilium Helm values: not a manifest\nkubeProxyReplacement: true\noperator:\n  replicas: 1\n';
export const kindConfig: Json = { apiVersion: 'kind.x-k8s.io/v1alpha4', kind: 'Cluster', networking: { disableDefaultCNI: true, kubeProxyMode: 'none' } };

const gitops = (kind: string): Json => ({ group: 'argoproj.io', kind });
export const TENANT_KINDS: Json[] = [
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
  { group: 'apps', kind: 'Deployment' },
  { group: '', kind: 'Service' },
];

export function appProject(name: string, spec: Json): Json {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name, namespace: 'argocd' }, spec: { sourceRepos: [REPO], ...spec } };
}

export function tenantProject(tenant: string): Json {
  return appProject(`tenant-${tenant}`, {
    destinations: [{ server: IN_CLUSTER, namespace: tenant }],
    clusterResourceWhitelist: [],
    namespaceResourceWhitelist: TENANT_KINDS,
  });
}

export function application(name: string, project: string, spec: Json): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project, destination: { server: IN_CLUSTER }, syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=false'] }, ...spec },
  };
}

export const repoSource = (path: string, directory?: Json): Json => ({ repoURL: REPO, targetRevision: 'main', path, ...(directory ? { directory } : {}) });

export function tenantApp(tenant: string, cluster = 'dev'): Json {
  return application(`tenant-${tenant}`, `tenant-${tenant}`, {
    source: repoSource(`dist/${cluster}/tenants`, { recurse: false, include: `${tenant}.yaml` }),
    destination: { server: IN_CLUSTER, namespace: tenant },
  });
}

/** A cluster's repository: dist/ files as objects (or raw text), argocd/ files as lists of objects. */
export interface Model {
  dist: Record<string, Json[] | string>;
  argocd: Record<string, Json[]>;
}

export function correct(): Model {
  return {
    dist: {
      'dist/dev/platform/cluster-wide.yaml': [namespace('billing'), namespace('web')],
      'dist/dev/platform/guardrails.yaml': [clusterwidePolicy('guardrail-billing-never-phi')],
      'dist/dev/tenants/web.yaml': [networkPolicy('web', 'default-deny'), service('web', 'frontend')],
      'dist/dev/tenants/billing.yaml': [networkPolicy('billing', 'default-deny'), ciliumPolicy('billing', 'api-cilium')],
      'dist/dev/bootstrap/cilium-values.yaml': valuesFile,
      'dist/dev/bootstrap/kind-config.yaml': [kindConfig],
      'dist/dev/CONNECTIVITY.md': '# Connectivity\n\nweb -> billing: tcp/8080\n',
    },
    argocd: {
      'argocd/dev/root.yaml': [
        appProject('gitops', {
          destinations: [{ server: IN_CLUSTER, namespace: 'argocd' }],
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: [gitops('Application'), gitops('AppProject')],
        }),
        application('root', 'gitops', { source: repoSource('argocd/dev', { recurse: true }), destination: { server: IN_CLUSTER, namespace: 'argocd' } }),
      ],
      'argocd/dev/projects.yaml': [
        appProject('cni', {
          sourceRepos: [REPO, CILIUM_REPO, GATEWAY_API_REPO],
          destinations: [{ server: IN_CLUSTER, namespace: '*' }],
          clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        }),
        appProject('platform', {
          destinations: [{ server: IN_CLUSTER, namespace: 'bulkhead-gateways' }],
          clusterResourceWhitelist: [
            { group: '', kind: 'Namespace' },
            { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy' },
          ],
        }),
        tenantProject('billing'),
        tenantProject('web'),
      ],
      'argocd/dev/apps.yaml': [
        application('gateway-api-crds', 'cni', {
          source: { repoURL: GATEWAY_API_REPO, targetRevision: 'v1.3.0', path: 'config/crd/standard' },
          syncPolicy: { syncOptions: ['ServerSideApply=true'] },
        }),
        application('cilium', 'cni', {
          sources: [
            { repoURL: CILIUM_REPO, chart: 'cilium', targetRevision: '1.18.8', helm: { releaseName: 'cilium', valueFiles: ['$values/dist/dev/bootstrap/cilium-values.yaml'] } },
            { repoURL: REPO, targetRevision: 'main', ref: 'values' },
          ],
          destination: { server: IN_CLUSTER, namespace: 'kube-system' },
        }),
        application('platform', 'platform', {
          source: repoSource('dist/dev/platform', { recurse: false }),
          destination: { server: IN_CLUSTER, namespace: 'bulkhead-gateways' },
        }),
        tenantApp('billing'),
        tenantApp('web'),
      ],
    },
  };
}

export function files(m: Model): RepoFile[] {
  return [
    ...Object.entries(m.dist).map(([path, v]) => ({ path, text: typeof v === 'string' ? v : yamlDocs(...v) })),
    ...Object.entries(m.argocd).map(([path, v]) => ({ path, text: yamlDocs(...v) })),
    { path: 'argocd/README.md', text: '# argocd/\n' },
  ];
}

/** The Application named `name` in the model (to change it in place). */
export function appIn(m: Model, name: string): Json {
  for (const docs of Object.values(m.argocd)) {
    const found = docs.find((d) => d.kind === 'Application' && (d.metadata as Json).name === name);
    if (found) return found;
  }
  throw new Error(`no Application ${name}`);
}

/** An ApplicationSet creating one tenant Application per list element (goTemplate or fasttemplate parameters). */
export function tenantSet(goTemplate: boolean): Json {
  const param = (k: string) => (goTemplate ? `{{.${k}}}` : `{{${k}}}`);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'tenants', namespace: 'argocd' },
    spec: {
      ...(goTemplate ? { goTemplate: true, goTemplateOptions: ['missingkey=error'] } : {}),
      generators: [{ list: { elements: [{ tenant: 'web' }, { tenant: 'billing' }] } }],
      template: {
        metadata: { name: `tenant-${param('tenant')}` },
        spec: {
          project: goTemplate ? 'tenant-{{ .tenant }}' : 'tenant-{{ tenant }}',
          source: repoSource('dist/dev/tenants', { include: `${param('tenant')}.yaml` }),
          destination: { server: IN_CLUSTER, namespace: param('tenant') },
        },
      },
    },
  };
}

export function specOf(o: Json): Json {
  return o.spec as Json;
}
