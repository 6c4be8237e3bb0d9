/**
 * A Deployment and its Service, hardened to pass the `restricted` Pod Security Standard while still
 * starting: a fixed non-root UID (images that default to root start anyway), read-only root
 * filesystem with an emptyDir for every directory the image writes, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, no service-account token, modest resources.
 *
 *   new Workload(tenantChart, 'frontend', { workload: model.workload });
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { volumeNameFor } from '../model/naming';
import { Workload as WorkloadModel } from '../model/platform';
import { WORKLOAD_LABEL, workloadLabels } from './labels';

export interface WorkloadProps {
  readonly workload: WorkloadModel;
}

export class Workload extends Construct {
  public readonly deployment: k8s.KubeDeployment;
  public readonly service?: k8s.KubeService;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const w = props.workload;
    const labels = workloadLabels(w.tenant, w.name);
    const metadata = { name: w.name, namespace: w.tenant, labels };
    const volumes = w.writablePaths.map((path) => ({ name: volumeNameFor(path), path }));
    const probePort = w.ports.find((p) => p.protocol === 'TCP');

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        replicas: w.replicas,
        revisionHistoryLimit: 3,
        selector: { matchLabels: { [WORKLOAD_LABEL]: w.name } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: w.user,
              runAsGroup: w.user,
              fsGroup: w.user,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: w.name,
                image: w.image,
                ...(w.command ? { command: [...w.command] } : {}),
                ...(w.args ? { args: [...w.args] } : {}),
                ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
                ...nonEmpty('env', w.env.map((e) =>
                  'value' in e ? { name: e.name, value: e.value } : { name: e.name, valueFrom: { secretKeyRef: { ...e.secretKeyRef } } },
                )),
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(w.resources.requests.cpu), memory: k8s.Quantity.fromString(w.resources.requests.memory) },
                  limits: { cpu: k8s.Quantity.fromString(w.resources.limits.cpu), memory: k8s.Quantity.fromString(w.resources.limits.memory) },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                ...(probePort ? { readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(probePort.name) }, periodSeconds: 10 } } : {}),
                ...nonEmpty('volumeMounts', volumes.map((v) => ({ name: v.name, mountPath: v.path }))),
              },
            ],
            ...nonEmpty('volumes', volumes.map((v) => ({ name: v.name, emptyDir: {} }))),
          },
        },
      },
    });

    if (w.ports.length) {
      this.service = new k8s.KubeService(this, 'service', {
        metadata,
        spec: {
          type: 'ClusterIP',
          selector: { [WORKLOAD_LABEL]: w.name },
          ports: w.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })),
        },
      });
    }
  }
}

/** Leaves a list out when it is empty, as `kubectl get -o yaml` would show it. */
function nonEmpty<K extends string, T>(key: K, items: T[]): { [P in K]?: T[] } {
  return (items.length ? { [key]: items } : {}) as { [P in K]?: T[] };
}
