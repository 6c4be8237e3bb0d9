/**
 * The fleet option: one central Argo CD, where every cluster is registered (as a cluster Secret) under
 * its bulkhead name and labelled; an ApplicationSet creates each labelled cluster's root Application in
 * the central Argo CD, which then syncs `argocd/<cluster>/` (whose Applications target the cluster by
 * name). `argocd/fleet/applicationset.yaml`, applied once together with the roots' project.
 *
 *   new FleetApplicationSet(argoApp, 'fleet', { platform: 'healthcare', gitops });
 *
 * A plain ApiObject: the ApplicationSet CRD would generate 3.3 MB of TypeScript; the tests validate
 * the object against the CRD instead.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOps } from '../model/platform';
import { AppProject } from '../../imports/argocd-app-project-argoproj.io';
import { ARGOCD_NAMESPACE, GITOPS_KINDS, IN_CLUSTER } from './argocd';
import { PlatformChart } from './platform-chart';

export interface FleetApplicationSetProps {
  readonly platform: string;
  readonly gitops: GitOps;
  /** argocd/ relative to the repository root. @default 'argocd' */
  readonly argocdPath?: string;
}

export class FleetApplicationSet extends PlatformChart {
  constructor(scope: Construct, id: string, props: FleetApplicationSetProps) {
    super(scope, id, { outputFile: 'fleet/applicationset.yaml' });
    const { gitops } = props;
    const project = `${props.platform}-fleet`;
    // The roots' own project: applied with this file, so the generated roots never wait for a project they sync themselves.
    new AppProject(this, 'project', {
      metadata: { name: project, namespace: ARGOCD_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'bulkhead' } },
      spec: {
        description: `Root Applications of the ${props.platform} fleet: Argo CD's own objects, in Argo CD's namespace.`,
        sourceRepos: [gitops.repoURL],
        destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: GITOPS_KINDS,
      },
    });
    new ApiObject(this, 'set', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: `${props.platform}-fleet`, namespace: ARGOCD_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'bulkhead' } },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ clusters: { selector: { matchLabels: { ...gitops.fleet!.clusterLabels } } } }],
        template: {
          metadata: { name: '{{.name}}-root', namespace: ARGOCD_NAMESPACE },
          spec: {
            project,
            source: { repoURL: gitops.repoURL, targetRevision: gitops.revision, path: `${props.argocdPath ?? 'argocd'}/{{.name}}`, directory: { recurse: true } },
            destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
            syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } },
          },
        },
      },
    });
  }
}
