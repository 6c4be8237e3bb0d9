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
import type { Manifest, RenderedFile } from '../model/rendered';
import { RenderError } from '../model/rendered';
import { withFastToJson } from './to-json';
import { toYamlDocuments } from './yaml';

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
const KIND_ORDER = [
  'AppProject', 'Application', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'NetworkPolicy', 'CiliumNetworkPolicy', 'ReferenceGrant',
  'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Service', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
  'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Gateway', 'HTTPRoute',
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// Moved to lib/model/rendered.ts (the constructs use them and must not import emit); re-exported here.
export type { Manifest, RenderedFile };
export { RenderError };

/** Renders every chart under `root` into files. Throws `RenderError` on invalid or colliding names. */
export function renderCharts(root: IConstruct): RenderedFile[] {
  // One walk of the tree: each ApiObject belongs to its nearest Chart (what `Chart.of` finds), charts
  // and their objects in construct order, as cdk8s would list them.
  const charts = new Map<Chart, ApiObject[]>();
  const plainFiles: PlainFile[] = [];
  const visit = (c: IConstruct, chart: Chart | undefined): void => {
    if (Chart.isChart(c)) charts.set((chart = c), []);
    else if (c instanceof ApiObject) {
      if (chart) charts.get(chart)!.push(c);
    } else if (PlainFile.isPlainFile(c)) plainFiles.push(c);
    for (const child of c.node.children) visit(child, chart);
  };
  visit(root, undefined);

  const files = new Map<string, Manifest[]>();
  const seen = new Map<string, string>();
  withFastToJson(() => {
    for (const [chart, objects] of charts) {
      const explicit = (chart as Chart & { outputFile?: string }).outputFile;
      const chartFile = explicit ?? `tenants/${chart.namespace ?? chart.node.id}.yaml`;
      for (const obj of objects) {
        const m = obj.toJson() as Manifest;
        const clusterScoped = CLUSTER_SCOPED.has(m.kind);
        // A chart's namespace applies to every object in it; cluster-scoped ones must not carry it.
        if (clusterScoped) delete m.metadata.namespace;
        checkName(m, obj, seen);
        // A tenant chart's cluster-scoped objects (its Namespace) gather in one platform file; a chart that
        // names its file keeps them there.
        const path = clusterScoped && !explicit ? 'platform/cluster-wide.yaml' : chartFile;
        let list = files.get(path);
        if (!list) files.set(path, (list = []));
        list.push(m);
      }
    }
  });
  const rendered: RenderedFile[] = [...files.entries()].map(([path, manifests]) => ({ path, manifests: manifests.sort(compareManifests) }));
  const paths = new Set(files.keys());
  for (const plain of plainFiles) {
    if (paths.has(plain.path)) throw new RenderError(`${plain.node.path}: ${plain.path} is rendered twice`);
    paths.add(plain.path);
    const header = plain.header.map((line) => `# ${line}`.trimEnd() + '\n').join('');
    rendered.push({ path: plain.path, manifests: [], text: header + Yaml.stringify(plain._toDocument()) });
  }
  return rendered.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The file's text: its documents as `Yaml.stringify` writes them (see ./yaml.ts), or a plain file's own text. */
export function toYaml(file: RenderedFile): string {
  return file.text ?? toYamlDocuments(file.manifests);
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

const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));
const rank = (k: string) => KIND_RANK.get(k) ?? KIND_ORDER.length;

function compareManifests(a: Manifest, b: Manifest): number {
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
