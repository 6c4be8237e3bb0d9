/**
 * A cluster's connectivity probes as Kubernetes objects, one file per tenant (`probes/<tenant>.yaml`):
 * per source workload a Job `<workload>-probes` in the workload's namespace, which runs the probes of
 * that workload (./probe-script.ts) as an Argo CD PostSync hook, and a ConfigMap `bulkhead-probes` that
 * lists the tenant's probes.
 *
 *   new ProbeJobs(app, 'probes', { plan });
 *
 * - **Treated like the source.** The probe pod carries every label of the source workload's pods (the
 *   policies select on `bulkhead.dev/tenant` and `bulkhead.dev/workload`), in the same namespace with the
 *   same ServiceAccount (`<workload>`, part of a pod's Cilium identity; its token stays unmounted), plus
 *   `bulkhead.dev/probe: "true"`, which no policy selects on. So the same NetworkPolicies and Cilium
 *   policies apply to it; synth proves that with the analyzer. A CronJob's or Job's pods exist only
 *   while a run lasts, but their labels are the same, so a probe stands in for them just as well.
 * - **Never a Service endpoint.** It matches the source's Service selector too, so it must never be Ready:
 *   its readiness probe always fails (`/bin/false`), and a pod that is not Ready is never a Service
 *   endpoint, so no traffic meant for the workload reaches it.
 * - **Restricted and time-boxed.** Like workloads: non-root UID 65532, read-only root filesystem, no
 *   privilege escalation, all capabilities dropped, RuntimeDefault seccomp, no service-account token,
 *   small resources. `backoffLimit: 0` (a failed run is not retried behind the reader's back) and
 *   `activeDeadlineSeconds` = 120 s for scheduling and the image pull plus each probe's own limit.
 * - **When it runs.** `argocd.argoproj.io/hook: PostSync` runs it after every sync of the probes
 *   Application, once everything synced is healthy; `hook-delete-policy: BeforeHookCreation` keeps the
 *   last run (and its log) until the next. The ConfigMap is what makes a sync happen: Argo CD leaves
 *   hooks out of its comparison, so an Application of hooks alone would never be OutOfSync and an
 *   automated sync would never run them (argo-cd#9830); the ConfigMap changes exactly when the plan does.
 *   `kubectl apply` ignores the annotations and simply creates the Jobs.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PROBE_LABEL, Probe, ProbePlan, describeProbe, probeJobName } from '../model/probes';
import { commonLabels, workloadLabels } from './labels';
import { PlatformChart } from './platform-chart';
import { probeScript, probeSeconds } from './probe-script';

/**
 * curl's own image (Alpine: busybox sh, nslookup and timeout beside curl), pinned by tag. bulkhead renders
 * offline and cannot resolve a digest; pin `image` to `curlimages/curl:<tag>@sha256:<digest>` for a
 * reproducible pull.
 */
export const PROBE_IMAGE = 'curlimages/curl:8.11.1';
/** The conventional "nonroot" UID, as workloads default to. */
export const PROBE_USER = 65532;
/** The ConfigMap listing a tenant's probes. */
export const PROBE_PLAN_CONFIGMAP = 'bulkhead-probes';
/** Time for scheduling and pulling the image, before the probes' own limits. */
const START_SECONDS = 120;

export interface ProbeJobsProps {
  readonly plan: ProbePlan;
  /** @default PROBE_IMAGE */
  readonly image?: string;
  /** UID (and GID) of the probe pods. @default PROBE_USER */
  readonly user?: number;
}

export class ProbeJobs extends Construct {
  /** The tenants' charts, by tenant name. */
  public readonly charts: ReadonlyMap<string, PlatformChart>;

  constructor(scope: Construct, id: string, props: ProbeJobsProps) {
    super(scope, id);
    const bySource = new Map<string, Probe[]>();
    for (const p of props.plan.probes) bySource.set(p.from, [...(bySource.get(p.from) ?? []), p]);
    const charts = new Map<string, PlatformChart>();
    for (const source of [...bySource.keys()].sort()) {
      const [tenant, workload] = source.split('/');
      let chart = charts.get(tenant);
      if (!chart) charts.set(tenant, (chart = new PlatformChart(this, tenant, { outputFile: `probes/${tenant}.yaml`, namespace: tenant })));
      new ProbeJob(chart, workload, { tenant, workload, probes: bySource.get(source)!, image: props.image ?? PROBE_IMAGE, user: props.user ?? PROBE_USER });
    }
    for (const [tenant, chart] of charts) {
      const probes = props.plan.probes.filter((p) => p.from.startsWith(`${tenant}/`));
      new k8s.KubeConfigMap(chart, 'plan', {
        metadata: { name: PROBE_PLAN_CONFIGMAP, namespace: tenant, labels: { ...commonLabels(tenant), [PROBE_LABEL]: 'true' } },
        data: { 'probes.txt': probes.map((p) => `${describeProbe(p)} expected ${p.expect}\n`).join('') },
      });
    }
    this.charts = charts;
  }

  /** The labels of a probe pod: every label of its source's pods, plus the probe label. */
  static podLabels(tenant: string, workload: string): Record<string, string> {
    return { ...workloadLabels(tenant, workload), [PROBE_LABEL]: 'true' };
  }
}


interface ProbeJobProps {
  readonly tenant: string;
  readonly workload: string;
  readonly probes: readonly Probe[];
  readonly image: string;
  readonly user: number;
}

class ProbeJob extends Construct {
  constructor(scope: Construct, id: string, props: ProbeJobProps) {
    super(scope, id);
    const { tenant, workload, probes, user } = props;
    new k8s.KubeJob(this, 'job', {
      metadata: {
        name: probeJobName(workload),
        namespace: tenant,
        labels: { ...commonLabels(tenant), [PROBE_LABEL]: 'true' },
        annotations: { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: START_SECONDS + probes.reduce((s, p) => s + probeSeconds(p), 0),
        template: {
          metadata: { labels: ProbeJobs.podLabels(tenant, workload) },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: workload,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, runAsUser: user, runAsGroup: user, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'probes',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/sh', '-c', probeScript(probes)],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
                  limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('64Mi') },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                // Never Ready, so never an endpoint of the Service whose selector the pod matches.
                readinessProbe: { exec: { command: ['/bin/false'] }, periodSeconds: 60 },
              },
            ],
          },
        },
      },
    });
  }
}
