/**
 * The object that runs a workload's pods, one case per kind (the one dispatch on the workload kind):
 *
 * - `Deployment`: `replicas` (left out when a HorizontalPodAutoscaler owns it: with the field in Git,
 *   Argo CD's self-heal would reset every scaling decision), three old ReplicaSets kept.
 * - `StatefulSet`: its headless Service `<workload>-peers` as `serviceName` (stable pod names), ordered
 *   rollout (`OrderedReady`, Kubernetes' default, written out), and a volumeClaimTemplate per volume
 *   (ReadWriteOnce, `Filesystem`), each with `apiVersion` and `kind` written out: the API server adds
 *   them, and without them in Git Argo CD shows the StatefulSet OutOfSync forever (argo-cd#16707).
 * - `DaemonSet`: one pod per node.
 * - `Job`: runs to completion once; a changed Job is replaced (Argo CD `Force=true,Replace=true`: a Job's
 *   pod template is immutable, so a plain apply fails, argo-cd#14910), which runs it again. No
 *   `ttlSecondsAfterFinished`: a Job deleted after finishing would be re-created by Argo CD's self-heal
 *   and run again, endlessly.
 * - `CronJob`: the schedule, time zone, concurrency policy, suspension and history, and each run as a
 *   Job whose pods carry the workload's labels (so the same policies apply to them).
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { peersServiceName } from '../model/naming';
import { Workload as WorkloadModel } from '../model/platform';
import { WORKLOAD_LABEL, workloadLabels } from './labels';

/** Replaces a changed Job instead of patching it (its pod template cannot change). */
export const JOB_SYNC_OPTIONS = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' };

export function workloadController(scope: Construct, w: WorkloadModel, template: k8s.PodTemplateSpec): ApiObject {
  const metadata = { name: w.name, namespace: w.tenant, labels: workloadLabels(w.tenant, w.name) };
  const selector = { matchLabels: { [WORKLOAD_LABEL]: w.name } };
  const replicas = w.autoscale ? {} : { replicas: w.replicas };
  const run = { backoffLimit: w.run?.backoffLimit, ...(w.run?.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: w.run.activeDeadlineSeconds } : {}) };
  switch (w.kind) {
    case 'Deployment':
      return new k8s.KubeDeployment(scope, 'deployment', { metadata, spec: { ...replicas, revisionHistoryLimit: 3, selector, template } });
    case 'StatefulSet': {
      return new StatefulSet(scope, 'statefulset', {
        metadata,
        spec: {
          serviceName: peersServiceName(w.name),
          ...replicas,
          podManagementPolicy: 'OrderedReady',
          revisionHistoryLimit: 3,
          selector,
          template,
          ...(w.volumes.length
            ? {
                volumeClaimTemplates: w.volumes.map((v) => ({
                  metadata: { name: v.name, labels: workloadLabels(w.tenant, w.name) },
                  spec: {
                    accessModes: ['ReadWriteOnce'],
                    volumeMode: 'Filesystem',
                    resources: { requests: { storage: k8s.Quantity.fromString(v.size) } },
                    ...(v.storageClass ? { storageClassName: v.storageClass } : {}),
                  },
                })),
              }
            : {}),
        },
      });
    }
    case 'DaemonSet':
      return new k8s.KubeDaemonSet(scope, 'daemonset', { metadata, spec: { revisionHistoryLimit: 3, selector, template } });
    case 'Job':
      return new k8s.KubeJob(scope, 'job', { metadata: { ...metadata, annotations: JOB_SYNC_OPTIONS }, spec: { ...run, template } });
    case 'CronJob': {
      const cron = w.cron!;
      return new k8s.KubeCronJob(scope, 'cronjob', {
        metadata,
        spec: {
          schedule: cron.schedule,
          ...(cron.timeZone ? { timeZone: cron.timeZone } : {}),
          concurrencyPolicy: cron.concurrencyPolicy,
          suspend: cron.suspend,
          successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: cron.failedJobsHistoryLimit,
          jobTemplate: { metadata: { labels: workloadLabels(w.tenant, w.name) }, spec: { ...run, template } },
        },
      });
    }
    default: {
      const unhandled: never = w.kind;
      throw new Error(`unknown workload kind ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * A StatefulSet whose claim templates carry `apiVersion` and `kind` (see above). The typed props have no
 * such fields and their JSON mapping drops anything unknown, JSON patches included, so they are added to
 * the mapped result.
 */
class StatefulSet extends k8s.KubeStatefulSet {
  public override toJson(): any {
    const json = super.toJson();
    const templates: Array<Record<string, unknown>> | undefined = json.spec?.volumeClaimTemplates;
    if (templates) json.spec.volumeClaimTemplates = templates.map((t) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    return json;
  }
}
