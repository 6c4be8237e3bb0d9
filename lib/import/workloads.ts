/**
 * Workloads of the platform from the workloads of the input: name, image, ports (named), replicas, user,
 * command and args, env, resources and writable directories, taken from the pod template's first container.
 * Values equal to bulkhead's defaults are left out, so that importing bulkhead's own output gives back what
 * was written. Env values are copied only when written literally in the workload; a value from a Secret
 * stays a `secretKeyRef` (Secret objects in the input are never read). What has no place in the platform
 * format is noted, never dropped silently.
 */
import { DEFAULT_RESOURCES, DEFAULT_USER, volumeNameFor } from '../intent/check';
import type { EnvValue, PortSpec, Protocol, ResourcesSpec, WorkloadSpec } from '../intent/types';
import { ImportInputError } from './errors';
import type { ImportInventory, SourceWorkload } from './inventory';
import { assignNames, isDnsLabel } from './names';
import type { Note, Rename } from './remarks';
import type { ServiceHints } from './services';
import { isRecord, podTemplate, records, strings } from './template';

export interface PlatformPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface ImportedWorkload {
  readonly source: SourceWorkload;
  readonly spec: WorkloadSpec;
  /** The workload's ports in the platform, every one named. */
  readonly ports: readonly PlatformPort[];
}

export interface DerivedWorkloads {
  /** By analyzer workload number. */
  readonly byIndex: ReadonlyMap<number, ImportedWorkload>;
  readonly notes: readonly Note[];
  readonly renames: readonly Rename[];
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MAX_REPLICAS = 1000;
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** What becomes of a kind other than Deployment, said once per workload. */
const KIND_NOTES: Record<string, string> = {
  // The import does not carry kinds over yet; platform.yaml can say them (README, "Workload kinds").
  StatefulSet: 'becomes a Deployment: no stable pod identity, no volume claim templates (write kind: StatefulSet and volumes by hand)',
  DaemonSet: 'becomes a Deployment with one replica: not one pod per node (write kind: DaemonSet by hand)',
  Job: 'becomes a Deployment: a pod that keeps running instead of running to completion (write kind: Job by hand)',
  CronJob: 'becomes a Deployment: a pod that keeps running instead of a scheduled run (write kind: CronJob and schedule by hand)',
  ReplicaSet: 'becomes a Deployment',
  ReplicationController: 'becomes a Deployment',
  Pod: 'becomes a Deployment (a bare Pod has no controller)',
};

export function deriveWorkloads(inv: ImportInventory, hints: ServiceHints): DerivedWorkloads {
  const byIndex = new Map<number, ImportedWorkload>();
  const notes: Note[] = [];
  const renames: Rename[] = [];
  for (const tenant of inv.tenants) {
    if (tenant.name !== tenant.namespace) renames.push({ what: 'namespace', from: tenant.namespace, to: tenant.name });
    for (const w of tenant.workloads) {
      const subject = `${w.analyzed.kind} ${w.analyzed.id}`;
      if (w.name !== w.analyzed.name) renames.push({ what: subject, from: w.analyzed.name, to: w.name });
      const derived = deriveWorkload(w, hints.portNames.get(w.index), subject);
      byIndex.set(w.index, derived.workload);
      notes.push(...derived.notes.map((what) => ({ subject, what })));
      renames.push(...derived.renames.map((r) => ({ what: `port ${r.port} of ${subject}`, from: r.from, to: r.to })));
    }
  }
  return { byIndex, notes, renames };
}

function deriveWorkload(
  w: SourceWorkload,
  portHints: ReadonlyMap<string, string> | undefined,
  subject: string,
): { workload: ImportedWorkload; notes: string[]; renames: { port: string; from: string; to: string }[] } {
  const object = w.manifest.object;
  const { spec: pod } = podTemplate(object);
  const containers = records(pod.containers);
  const main = containers[0];
  if (!main) throw ImportInputError.at(w.manifest.source, `${subject} has no containers`, 'give the pod template at least one container, as the API server requires.');
  if (typeof main.image !== 'string' || main.image === '')
    throw ImportInputError.at(w.manifest.source, `${subject}: container ${String(main.name)} has no image`, 'set containers[0].image, as the API server requires.');
  const notes: string[] = [];
  if (KIND_NOTES[w.analyzed.kind]) notes.push(KIND_NOTES[w.analyzed.kind]);

  const { ports, renames } = platformPorts(w, portHints);
  // Keys in the order of the platform.yaml reference: identity, what runs, as whom, where, how many.
  const spec: Record<string, unknown> = { name: w.name, image: main.image };
  const command = strings(main.command);
  const args = strings(main.args);
  if (command?.length) spec.command = command;
  if (args?.length) spec.args = args;

  const user = get(main, 'securityContext', 'runAsUser') ?? get(pod, 'securityContext', 'runAsUser');
  if (typeof user === 'number' && Number.isInteger(user) && user >= 1) {
    if (user !== DEFAULT_USER) spec.user = user;
  } else if (user === 0) {
    notes.push(`runs as root (runAsUser 0); bulkhead never runs a pod as root, so it runs as UID ${DEFAULT_USER}: set user to a UID the image works with`);
  }
  const writable = writablePaths(pod, main, notes);
  if (writable.length) spec.writablePaths = writable;
  if (ports.length) spec.ports = ports.map((p): PortSpec => (p.protocol === 'TCP' ? { name: p.name, port: p.port } : { ...p }));

  const replicas = REPLICATED.has(w.analyzed.kind) ? (get(object, 'spec', 'replicas') ?? 1) : 1;
  if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 && replicas !== 1) {
    if (replicas <= MAX_REPLICAS) spec.replicas = replicas;
    else notes.push(`replicas ${replicas} is above bulkhead's ${MAX_REPLICAS}: left at 1`);
  }
  const resources = resourcesOf(main, notes);
  if (resources) spec.resources = resources;
  const env = envOf(main, notes);
  if (Object.keys(env).length) spec.env = env;

  for (const c of containers.slice(1)) notes.push(`container ${String(c.name)} is not imported (a bulkhead workload runs one container)`);
  for (const c of records(pod.initContainers)) notes.push(`init container ${String(c.name)} is not imported`);
  if (typeof pod.serviceAccountName === 'string' && pod.serviceAccountName !== 'default')
    notes.push(`service account ${pod.serviceAccountName} is not carried over (each bulkhead workload runs as a ServiceAccount of its own name, with a token only when it declares kubeApi)`);
  if (pod.hostNetwork === true) notes.push('hostNetwork is not carried over');
  for (const probe of ['livenessProbe', 'startupProbe'] as const) if (main[probe] !== undefined) notes.push(`${probe} is not carried over`);
  const readiness = main.readinessProbe;
  if (isRecord(readiness) && readiness.tcpSocket === undefined) notes.push('readinessProbe is not carried over (bulkhead probes the first TCP port unless health.readiness says otherwise)');

  return { workload: { source: w, spec: spec as unknown as WorkloadSpec, ports }, notes, renames };
}

/**
 * Every container port (the analyzer's reading: all containers and native sidecars, as connectivity sees
 * them), each under a valid, unique name: its own, a Service port's name for it, or `<protocol>-<port>`.
 */
function platformPorts(w: SourceWorkload, hints: ReadonlyMap<string, string> | undefined): { ports: PlatformPort[]; renames: { port: string; from: string; to: string }[] } {
  const seen = new Set<string>();
  const unique = w.analyzed.ports.filter((p) => !seen.has(`${p.protocol}/${p.port}`) && seen.add(`${p.protocol}/${p.port}`));
  const named = unique.filter((p) => p.name !== undefined);
  const ownNames = assignNames(named.map((p) => p.name!), 'port');
  const unnamed = unique.filter((p) => p.name === undefined);
  const wanted = unnamed.map((p) => hints?.get(`${p.protocol}/${p.port}`) ?? `${p.protocol.toLowerCase()}-${p.port}`);
  const generated = assignNames(wanted, 'port', new Set(ownNames));
  const nameOf = new Map<string, string>();
  const renames: { port: string; from: string; to: string }[] = [];
  named.forEach((p, i) => {
    nameOf.set(`${p.protocol}/${p.port}`, ownNames[i]);
    if (ownNames[i] !== p.name) renames.push({ port: `${p.port}/${p.protocol}`, from: p.name!, to: ownNames[i] });
  });
  unnamed.forEach((p, i) => nameOf.set(`${p.protocol}/${p.port}`, generated[i]));
  return { ports: unique.map((p) => ({ name: nameOf.get(`${p.protocol}/${p.port}`)!, port: p.port, protocol: p.protocol })), renames };
}

/** Directories the main container mounts from emptyDir volumes: bulkhead's writablePaths. */
function writablePaths(pod: Record<string, unknown>, main: Record<string, unknown>, notes: string[]): string[] {
  const volumes = new Map(records(pod.volumes).map((v) => [String(v.name), v]));
  const out: string[] = [];
  for (const mount of records(main.volumeMounts)) {
    const volume = volumes.get(String(mount.name));
    const path = mount.mountPath;
    if (volume && isRecord(volume.emptyDir) && typeof path === 'string' && path.startsWith('/') && mount.subPath === undefined) {
      if (!out.some((p) => volumeNameFor(p) === volumeNameFor(path))) out.push(path);
      else notes.push(`volume mount ${path} is not imported (its volume name would repeat another's)`);
    } else {
      const type = volume ? (Object.keys(volume).find((k) => k !== 'name') ?? 'volume') : 'undeclared volume';
      notes.push(`volume mount ${String(path)} (${type}) is not imported: bulkhead mounts only emptyDir directories (writablePaths)`);
    }
  }
  return out;
}

/** CPU and memory requests and limits that differ from bulkhead's defaults. */
function resourcesOf(main: Record<string, unknown>, notes: string[]): ResourcesSpec | undefined {
  const out: Record<string, Record<string, string>> = {};
  for (const kind of ['requests', 'limits'] as const) {
    const given = get(main, 'resources', kind);
    if (!isRecord(given)) continue;
    for (const [key, raw] of Object.entries(given)) {
      const value = typeof raw === 'number' ? String(raw) : raw;
      if (key !== 'cpu' && key !== 'memory') {
        notes.push(`resources.${kind}.${key} is not carried over (bulkhead sets cpu and memory only)`);
      } else if (typeof value !== 'string' || !QUANTITY.test(value)) {
        notes.push(`resources.${kind}.${key} ${JSON.stringify(raw)} is not a quantity bulkhead accepts: left at the default`);
      } else if (value !== DEFAULT_RESOURCES[kind][key]) {
        (out[kind] ??= {})[key] = value;
      }
    }
  }
  return Object.keys(out).length ? (out as ResourcesSpec) : undefined;
}

/** Literal values and Secret references; other sources are noted. Later entries win, as in Kubernetes. */
function envOf(main: Record<string, unknown>, notes: string[]): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const e of records(main.env)) {
    const name = e.name;
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      notes.push(`env ${JSON.stringify(name)} is not imported (not a name bulkhead accepts)`);
      continue;
    }
    if (e.valueFrom === undefined) {
      out[name] = typeof e.value === 'string' ? e.value : '';
      continue;
    }
    const ref = get(e, 'valueFrom', 'secretKeyRef');
    if (isRecord(ref) && typeof ref.name === 'string' && isDnsLabel(ref.name) && typeof ref.key === 'string' && ref.key !== '') {
      out[name] = { secretKeyRef: { name: ref.name, key: ref.key } };
    } else {
      const source = isRecord(e.valueFrom) ? (Object.keys(e.valueFrom)[0] ?? 'valueFrom') : 'valueFrom';
      notes.push(`env ${name} (from ${source}) is not imported: bulkhead takes literal values and Secret keys named by DNS labels`);
    }
  }
  for (const from of records(main.envFrom)) {
    const source = from.secretRef !== undefined ? 'a Secret' : 'a ConfigMap';
    notes.push(`envFrom ${source} is not imported: list the variables under env`);
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

function get(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((cur, key) => (isRecord(cur) ? cur[key] : undefined), value);
}
