/** Small builders for analyzer inputs, so tests read as the manifests they stand for. */
import type { SourcedObject } from '../../../lib/analysis';

export function sourced(objects: unknown[], file = 'test.yaml'): SourcedObject[] {
  return objects.map((object, index) => ({ file, index, object }));
}

export function ns(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PodOptions {
  labels?: Record<string, string>;
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  ips?: string[];
}

export function pod(id: string, opts: PodOptions = {}): Record<string, unknown> {
  const [namespace, name] = id.split('/');
  const status = opts.ips ? { podIP: opts.ips[0], podIPs: opts.ips.map((ip) => ({ ip })) } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: opts.labels ?? { app: name } },
    spec: { containers: [{ name: 'main', image: 'img', ports: opts.ports ?? [] }] },
    ...(status ? { status } : {}),
  };
}

export function netpol(id: string, spec: Record<string, unknown>): Record<string, unknown> {
  const [namespace, name] = id.split('/');
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}
