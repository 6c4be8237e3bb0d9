/**
 * Keeping a replicated workload available: a PodDisruptionBudget `<workload>` (at most one pod evicted at
 * a time by a node drain; unhealthy pods may always be evicted, so a crashing replica never blocks a
 * drain) when it can have more than one replica, and a HorizontalPodAutoscaler `<workload>` (autoscaling/v2,
 * CPU utilisation of the request) when it is autoscaled. The HPA needs the metrics API (metrics-server),
 * which neither kind nor EKS installs by default.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Workload as WorkloadModel } from '../model/platform';
import { hasReplicas } from '../model/workload-settings';
import { WORKLOAD_LABEL, workloadLabels } from './labels';

export function workloadAvailability(scope: Construct, w: WorkloadModel): void {
  if (!hasReplicas(w.kind)) return;
  const metadata = { name: w.name, namespace: w.tenant, labels: workloadLabels(w.tenant, w.name) };
  if (w.autoscale ? w.autoscale.max > 1 : w.replicas > 1)
    new k8s.KubePodDisruptionBudget(scope, 'disruption-budget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { [WORKLOAD_LABEL]: w.name } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  if (w.autoscale)
    new k8s.KubeHorizontalPodAutoscalerV2(scope, 'autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: w.kind, name: w.name },
        minReplicas: w.autoscale.min,
        maxReplicas: w.autoscale.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: w.autoscale.cpu } } }],
      },
    });
}
