/**
 * Services of the imported namespaces. bulkhead renders one ClusterIP Service per workload, named after it,
 * exposing each container port under its own number and name; a Service that differs from that is a change
 * its clients will notice, so it is noted. A Service port that names a container port the pod leaves
 * unnamed lends that port its name.
 */
import type { SourcedManifest } from '../analysis';
import type { ImportInventory, SourceWorkload } from './inventory';
import type { Note } from './remarks';
import { isRecord } from './template';

export interface ServiceHints {
  /** Per analyzer workload number: `PROTOCOL/port` of a container port -> a Service port's name for it. */
  readonly portNames: ReadonlyMap<number, ReadonlyMap<string, string>>;
  readonly notes: readonly Note[];
}

export function readServices(inv: ImportInventory): ServiceHints {
  const portNames = new Map<number, Map<string, string>>();
  const notes: Note[] = [];
  const byNamespace = new Map(inv.tenants.map((t) => [t.namespace, t.workloads]));
  const services = inv.manifests.filter((m) => m.object.kind === 'Service' && (m.object.apiVersion ?? 'v1') === 'v1');
  for (const svc of services) {
    const md = isRecord(svc.object.metadata) ? svc.object.metadata : {};
    const namespace = typeof md.namespace === 'string' ? md.namespace : 'default';
    const workloads = byNamespace.get(namespace);
    if (!workloads) continue;
    const subject = `Service ${namespace}/${String(md.name)}`;
    const spec = isRecord(svc.object.spec) ? svc.object.spec : {};
    const selector = isRecord(spec.selector) ? (spec.selector as Record<string, unknown>) : {};
    if (Object.keys(selector).length === 0) {
      notes.push({ subject, what: 'has no selector (an ExternalName, or endpoints kept by hand): not imported' });
      continue;
    }
    const selected = workloads.filter((w) => Object.entries(selector).every(([k, v]) => w.analyzed.labels[k] === v));
    if (selected.length === 0) {
      notes.push({ subject, what: 'selects no imported workload: not imported' });
      continue;
    }
    if (selected.length > 1 || selected[0].name !== md.name) {
      notes.push({
        subject,
        what: `bulkhead gives each workload a Service of its own name: clients must use ${selected.map((w) => `${w.name}.${w.tenant}`).join(', ')} instead`,
      });
    }
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
      notes.push({ subject, what: `type ${spec.type} is reachable from outside the cluster; bulkhead admits outside traffic only through gateway routes` });
    }
    for (const w of selected) notePorts(svc, subject, w, portNames, notes);
  }
  return { portNames, notes };
}

function notePorts(svc: SourcedManifest, subject: string, w: SourceWorkload, portNames: Map<number, Map<string, string>>, notes: Note[]): void {
  const spec = svc.object.spec as Record<string, unknown>;
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  for (const p of ports) {
    const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
    const target = p.targetPort ?? p.port;
    const container =
      typeof target === 'number'
        ? w.analyzed.ports.find((c) => c.port === target && c.protocol === protocol)
        : w.analyzed.ports.find((c) => c.name === target && c.protocol === protocol);
    if (!container) {
      notes.push({ subject, what: `port ${String(p.port)}/${protocol} targets ${String(target)}, which ${w.id} does not declare: not imported` });
      continue;
    }
    if (container.name === undefined && typeof p.name === 'string') {
      const names = portNames.get(w.index) ?? portNames.set(w.index, new Map()).get(w.index)!;
      const key = `${protocol}/${container.port}`;
      if (!names.has(key)) names.set(key, p.name);
    }
    if (p.port !== container.port) {
      notes.push({ subject, what: `port ${String(p.port)}/${protocol} forwards to ${container.port}: bulkhead's Service for ${w.id} exposes ${container.port}, so its clients must use that port` });
    }
  }
}
