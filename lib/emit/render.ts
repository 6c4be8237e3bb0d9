/**
 * Renders constructs into the files of dist/<cluster>/, without `App.synth()`: one YAML file per
 * tenant (`tenants/<tenant>.yaml`), one for the tenants' cluster-scoped objects
 * (`platform/cluster-wide.yaml`), one per platform chart that names its file (`platform/guardrails.yaml`),
 * and the plain files (values, cluster configs under `bootstrap/`), objects in a fixed order, names checked. cdk8s's own synth would write one file per chart with
 * objects in construct order and hash-suffixed names by default; this keeps output reviewable.
 */
import { ApiObject, Chart, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlainFile } from '../constructs/plain-file';

/** Kinds without a namespace; they go to the cluster-wide file whatever chart made them. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'CiliumClusterwideNetworkPolicy',
  'CiliumLoadBalancerIPPool',
  'CiliumL2AnnouncementPolicy',
  'GatewayClass',
]);

/** The order objects appear in a file: what others depend on first. */
const KIND_ORDER = ['AppProject', 'Application', 'Namespace', 'NetworkPolicy', 'CiliumNetworkPolicy', 'ReferenceGrant', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'Gateway', 'HTTPRoute'];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/**
 * A rendered file: its path relative to the cluster's directory, and its documents. Plain files
 * (values, cluster configs) carry their `text` and no manifests, so the analyzer never reads them.
 */
export interface RenderedFile {
  readonly path: string;
  readonly manifests: readonly Manifest[];
  readonly text?: string;
}

export class RenderError extends Error {}

/** Renders every chart under `root` into files. Throws `RenderError` on invalid or colliding names. */
export function renderCharts(root: IConstruct): RenderedFile[] {
  const files = new Map<string, Manifest[]>();
  const seen = new Map<string, string>();
  for (const chart of root.node.findAll().filter((c): c is Chart => Chart.isChart(c))) {
    const explicit = (chart as Chart & { outputFile?: string }).outputFile;
    const chartFile = explicit ?? `tenants/${chart.namespace ?? chart.node.id}.yaml`;
    for (const obj of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)) {
      const m = obj.toJson() as Manifest;
      const clusterScoped = CLUSTER_SCOPED.has(m.kind);
      // A chart's namespace applies to every object in it; cluster-scoped ones must not carry it.
      if (clusterScoped) delete m.metadata.namespace;
      checkName(m, obj, seen);
      // A tenant chart's cluster-scoped objects (its Namespace) gather in one platform file; a chart that
      // names its file keeps them there.
      const path = clusterScoped && !explicit ? 'platform/cluster-wide.yaml' : chartFile;
      if (!files.has(path)) files.set(path, []);
      files.get(path)!.push(m);
    }
  }
  const rendered: RenderedFile[] = [...files.entries()].map(([path, manifests]) => ({ path, manifests: manifests.sort(compareManifests) }));
  for (const plain of root.node.findAll().filter(PlainFile.isPlainFile)) {
    if (files.has(plain.path) || rendered.some((f) => f.path === plain.path)) throw new RenderError(`${plain.node.path}: ${plain.path} is rendered twice`);
    const header = plain.header.map((line) => `# ${line}`.trimEnd() + '\n').join('');
    rendered.push({ path: plain.path, manifests: [], text: header + Yaml.stringify(plain._toDocument()) });
  }
  return rendered.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function toYaml(file: RenderedFile): string {
  return file.text ?? Yaml.stringify(...file.manifests);
}

function checkName(m: Manifest, obj: ApiObject, seen: Map<string, string>): void {
  const name = m.metadata?.name ?? '';
  if (!DNS_LABEL.test(name) || name.length > 63) {
    throw new RenderError(`${obj.node.path}: ${m.kind} name "${name}" is not a DNS-1123 label of at most 63 characters`);
  }
  const key = `${m.apiVersion}/${m.kind}/${m.metadata.namespace ?? ''}/${name}`;
  const other = seen.get(key);
  if (other) throw new RenderError(`${obj.node.path}: ${m.kind} ${m.metadata.namespace ?? ''}/${name} is also rendered by ${other}`);
  seen.set(key, obj.node.path);
}

function compareManifests(a: Manifest, b: Manifest): number {
  const rank = (k: string) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
  return (
    rank(a.kind) - rank(b.kind) ||
    cmp(a.kind, b.kind) ||
    cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    cmp(a.metadata.name, b.metadata.name)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
