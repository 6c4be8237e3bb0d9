/**
 * The pod template every workload kind shares, hardened to pass the `restricted` Pod Security Standard
 * while still starting: a fixed non-root UID (images that default to root start anyway), read-only root
 * filesystem with an emptyDir for every directory the image writes, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, modest resources. Besides:
 *
 * - **Identity.** The pod runs as the workload's own ServiceAccount (`<workload>`), with its token mounted
 *   only when the workload declares API access (`kubeApi`); everyone else gets no token at all.
 * - **Files.** Each config file is mounted read-only (one `subPath` of the ConfigMap `<workload>-files` per
 *   file, so the directory around it keeps the image's other files), and the template carries the sha256
 *   of the files (`bulkhead.dev/files-sha256`): a change of content changes the template, which rolls the
 *   pods (a subPath mount never sees a ConfigMap update by itself).
 * - **Health.** The declared readiness, liveness and startup checks; without a declared readiness check a
 *   workload that runs continuously gets a TCP check on its first TCP port, as before.
 * - **Spreading.** Replicated workloads spread across nodes, and on EKS across zones too, as a preference
 *   (`ScheduleAnyway`): a hard rule would leave replicas Pending on a kind cluster with one worker.
 */
import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { FILES_VOLUME, filesConfigMapName, volumeNameFor } from '../model/naming';
import { Provider, Workload as WorkloadModel } from '../model/platform';
import { HealthCheck, hasReplicas, runsContinuously } from '../model/workload-settings';
import { WORKLOAD_LABEL, workloadLabels } from './labels';

/** The annotation that changes whenever the config files do. A hash, never part of a name. */
export const FILES_CHECKSUM_ANNOTATION = 'bulkhead.dev/files-sha256';
/** ConfigMap keys of the files, by path: the path without its leading `/`, other characters than `-._a-zA-Z0-9` as `_`. */
export function fileKeys(paths: readonly string[]): Map<string, string> {
  const keys = new Map<string, string>();
  const used = new Set<string>();
  for (const p of [...paths].sort()) {
    const base = p.replace(/^\/+/, '').replace(/[^-._a-zA-Z0-9]/g, '_').slice(0, 240) || 'file';
    let key = base;
    // Two paths that read alike (/a_b/c, /a/b_c) get a numbered key, in path order (deterministic).
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    keys.set(p, key);
  }
  return keys;
}

/** The sha256 of the files as the ConfigMap holds them (keys sorted). */
export function filesChecksum(data: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]))).digest('hex');
}

export interface PodTemplateOptions {
  /** Spread across zones too (EKS). */
  readonly provider: Provider;
  /** The ConfigMap's data, when the workload has files. */
  readonly filesData?: Readonly<Record<string, string>>;
}

export function podTemplate(w: WorkloadModel, options: PodTemplateOptions): k8s.PodTemplateSpec {
  const labels = workloadLabels(w.tenant, w.name);
  const writable = w.writablePaths.map((path) => ({ name: volumeNameFor(path), path }));
  const keys = fileKeys(w.files.map((f) => f.path));
  const readiness = w.health.readiness ?? defaultReadiness(w);
  const spread = hasReplicas(w.kind) && (w.autoscale ? w.autoscale.max > 1 : w.replicas > 1);
  return {
    metadata: {
      labels,
      ...(options.filesData ? { annotations: { [FILES_CHECKSUM_ANNOTATION]: filesChecksum(options.filesData) } } : {}),
    },
    spec: {
      serviceAccountName: w.name,
      automountServiceAccountToken: w.kubeApi !== undefined,
      enableServiceLinks: false,
      ...(runsContinuously(w.kind) ? {} : { restartPolicy: 'Never' }),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: w.user,
        runAsGroup: w.user,
        fsGroup: w.user,
        // Only the volume's root is checked; a large volume is not walked on every start.
        ...(w.volumes.length ? { fsGroupChangePolicy: 'OnRootMismatch' } : {}),
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...nonEmpty('imagePullSecrets', w.imagePullSecrets.map((name) => ({ name }))),
      ...(spread ? { topologySpreadConstraints: spreadConstraints(w, options.provider) } : {}),
      containers: [
        {
          name: w.name,
          image: w.image,
          ...(w.command ? { command: [...w.command] } : {}),
          ...(w.args ? { args: [...w.args] } : {}),
          ...nonEmpty('ports', w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }))),
          ...nonEmpty('env', w.env.map((e) => ('value' in e ? { name: e.name, value: e.value } : { name: e.name, valueFrom: { secretKeyRef: { ...e.secretKeyRef } } }))),
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
          ...(readiness ? { readinessProbe: probe(readiness) } : {}),
          ...(w.health.liveness ? { livenessProbe: probe(w.health.liveness) } : {}),
          ...(w.health.startup ? { startupProbe: probe(w.health.startup) } : {}),
          ...nonEmpty('volumeMounts', [
            ...writable.map((v) => ({ name: v.name, mountPath: v.path })),
            ...w.volumes.map((v) => ({ name: v.name, mountPath: v.path })),
            ...w.files.map((f) => ({ name: FILES_VOLUME, mountPath: f.path, subPath: keys.get(f.path)!, readOnly: true })),
          ]),
        },
      ],
      ...nonEmpty('volumes', [
        ...writable.map((v) => ({ name: v.name, emptyDir: {} })),
        ...(w.files.length ? [{ name: FILES_VOLUME, configMap: { name: filesConfigMapName(w.name) } }] : []),
      ]),
    },
  };
}

/** A TCP check on the first TCP port, for workloads that run continuously and declare no readiness check. */
function defaultReadiness(w: WorkloadModel): HealthCheck | undefined {
  const port = runsContinuously(w.kind) ? w.ports.find((p) => p.protocol === 'TCP') : undefined;
  return port ? { action: { kind: 'tcp', port: port.name }, periodSeconds: 10 } : undefined;
}

function probe(c: HealthCheck): k8s.Probe {
  const port = (p: string | number) => (typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p));
  const timing = {
    ...(c.initialDelaySeconds !== undefined ? { initialDelaySeconds: c.initialDelaySeconds } : {}),
    ...(c.periodSeconds !== undefined ? { periodSeconds: c.periodSeconds } : {}),
    ...(c.timeoutSeconds !== undefined ? { timeoutSeconds: c.timeoutSeconds } : {}),
    ...(c.failureThreshold !== undefined ? { failureThreshold: c.failureThreshold } : {}),
    ...(c.successThreshold !== undefined ? { successThreshold: c.successThreshold } : {}),
  };
  const a = c.action;
  switch (a.kind) {
    case 'http':
      return { httpGet: { path: a.path, port: port(a.port), scheme: a.scheme }, ...timing };
    case 'tcp':
      return { tcpSocket: { port: port(a.port) }, ...timing };
    case 'exec':
      return { exec: { command: [...a.command] }, ...timing };
    default: {
      const unhandled: never = a;
      throw new Error(`unknown health check ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Across nodes everywhere and across zones on EKS, each a preference. A Deployment's rollout counts only
 * the pods of its new ReplicaSet (`matchLabelKeys: pod-template-hash`), so the old pods do not skew it.
 */
function spreadConstraints(w: WorkloadModel, provider: Provider): k8s.TopologySpreadConstraint[] {
  const keys = provider === 'eks' ? ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'] : ['kubernetes.io/hostname'];
  return keys.map((topologyKey) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { [WORKLOAD_LABEL]: w.name } },
    ...(w.kind === 'Deployment' ? { matchLabelKeys: ['pod-template-hash'] } : {}),
  }));
}

/** Leaves a list out when it is empty, as `kubectl get -o yaml` would show it. */
export function nonEmpty<K extends string, T>(key: K, items: T[]): { [P in K]?: T[] } {
  return (items.length ? { [key]: items } : {}) as { [P in K]?: T[] };
}
