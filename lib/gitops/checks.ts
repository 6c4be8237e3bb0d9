/**
 * Static checks of how Argo CD would deliver the rendered repository: the Applications, AppProjects and
 * ApplicationSets under `argocd/` against the files under `dist/`. A pure library, independent of the code
 * that writes either (it reads files as text and shares nothing with lib/constructs), so it can check them.
 *
 *   checkGitOps(files: readonly RepoFile[], options: { repoURL: string; distDir?: string; argocdDir?: string }): GitOpsProblem[]
 *   projectPermits(project: AppProject manifest, target: { group, kind, namespace?, name?, server?, destinationName? })
 *     -> { allowed: boolean; reason: string }
 *   syncedPaths(source, paths): the repository paths a directory source reads, as Argo CD selects them
 *   CLUSTER_SCOPED_KINDS: which kinds are cluster-scoped (everything else is taken to be namespaced)
 *
 * `files` is the repository as synth renders it (paths relative to the repository root). Every
 * `argoproj.io/v1alpha1` Application under `argocd/` is read (also from multi-document files), plus the
 * Applications that ApplicationSets with `list` generators would create (other generators depend on cluster
 * state and are not expanded; objects left unowned because of that say so). For each source of the repository
 * `options.repoURL` (compared as Argo CD normalizes URLs) that is a directory source (an explicit `directory`,
 * or no `chart`, `helm`, `kustomize` or `plugin`; in `sources` a source without `path`, such as a `ref: values`
 * source, renders nothing), the files it reads are those under `path` (subdirectories only with
 * `directory.recurse`) named `*.yaml`, `*.yml`, `*.json` (or `*.jsonnet`, which Argo CD evaluates and this
 * check cannot), minus `directory.exclude`, restricted to `directory.include`: globs matched against the path
 * relative to `path` with Argo CD's gobwas glob, in which `*` also matches `/` (see ./glob.ts).
 *
 * Checks, each problem naming the file, the object and the Application(s):
 * - `ownership`: every object (document with apiVersion and kind, not a tool config, see
 *   `NON_KUBERNETES_GROUPS`) in a `.yaml`/`.yml`/`.json` file under `dist/` is synced by exactly one
 *   Application. Objects are identified by Argo CD instance (the directory `argocd/<x>/` the Application is
 *   in), destination cluster, group, kind, namespace (the Application's destination namespace for a
 *   namespaced object without one) and name, so one object in two files synced by two Applications is found
 *   (SharedResourceWarning), as is one object read twice by the same Application (RepeatedResourceWarning).
 * - `directory`: every file a directory source reads holds only Kubernetes objects (a Helm values file, a kind
 *   or eksctl config would fail or be applied), the directories it reads hold no `Chart.yaml` or kustomization
 *   (Argo CD would switch to Helm or Kustomize, or read them as manifests), and `$ref/...` Helm value files
 *   name a `ref` source of the Application and, in this repository, an existing file.
 * - `size`: an object whose JSON exceeds 262,144 bytes (the annotation limit client-side apply's
 *   last-applied-configuration must fit in) is synced only by Applications with `ServerSideApply=true` in
 *   `syncPolicy.syncOptions`, or carries it in its own `argocd.argoproj.io/sync-options` annotation.
 * - `project`: every Application names an AppProject rendered under `argocd/` other than `default`; the
 *   project permits its source repositories, its destination (Argo CD refuses the whole Application
 *   otherwise: "application destination ... do not match any of the allowed destinations"), and every object
 *   it syncs (`projectPermits`, see ./project.ts).
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { argoGlobMatch, isLiteralPattern } from './glob';
import { CLUSTER_SCOPED_KINDS, destinationPermits, IN_CLUSTER_NAME, IN_CLUSTER_SERVER, isClusterScoped, normalizeGitURL, projectName, projectPermits, sourcePermits } from './project';

export { CLUSTER_SCOPED_KINDS, projectPermits, isClusterScoped };
export type { Permit, PermitTarget } from './project';

/** A file of the repository as synth renders it: path relative to the repo root (e.g. 'dist/dev/tenants/web.yaml'), and its text. */
export interface RepoFile {
  path: string;
  text: string;
  /**
   * The documents `text` holds, when the caller has them already (synth passes the manifests it has just
   * written, instead of having every file of dist/ parsed back); parsed from `text` otherwise.
   */
  docs?: readonly unknown[];
}

export type GitOpsCheck = 'ownership' | 'directory' | 'size' | 'project';

export interface GitOpsProblem {
  check: GitOpsCheck;
  /** Names the file, the object and the Application(s). */
  message: string;
}

export interface GitOpsOptions {
  /** The URL Applications use for this repository. */
  repoURL: string;
  /** Where dist/ is, relative to the repository root. @default 'dist' */
  distDir?: string;
  /** Where argocd/ is, relative to the repository root (one Argo CD instance per directory in it). @default 'argocd' */
  argocdDir?: string;
}

/** Client-side apply keeps the whole object in an annotation; annotations may total 256 KiB. */
export const CLIENT_SIDE_APPLY_LIMIT = 262_144;
/** API groups of files that look like objects (apiVersion and kind) but are tool configs, never applied. */
export const NON_KUBERNETES_GROUPS: readonly string[] = ['kind.x-k8s.io', 'eksctl.io', 'kustomize.config.k8s.io'];
/** Files that make Argo CD render a directory with another tool (Helm, Kustomize). */
const TOOL_FILES: ReadonlyMap<string, string> = new Map([
  ['Chart.yaml', 'Helm'],
  ['kustomization.yaml', 'Kustomize'],
  ['kustomization.yml', 'Kustomize'],
  ['Kustomization', 'Kustomize'],
]);
/** Argo CD's `manifestFile` pattern in the repo server. */
const MANIFEST_FILE = /\.(yaml|yml|json|jsonnet)$/;
const OBJECT_FILE = /\.(yaml|yml|json)$/;
const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

type Json = Record<string, unknown>;

/** What a directory source is told to read. */
export interface DirectorySource {
  path?: string;
  directory?: { recurse?: boolean; include?: string; exclude?: string };
}

interface Source extends DirectorySource {
  repoURL: string;
  chart?: string;
  ref?: string;
  helm?: Json;
  kustomize?: unknown;
  plugin?: unknown;
}

interface App {
  name: string;
  /** How messages name it: `Application <name> (<file>)`. */
  label: string;
  file: string;
  /** The `argocd/<x>` directory it is in: one Argo CD instance per cluster directory. */
  instance: string;
  project?: string;
  destination: { server?: string; name?: string; namespace?: string };
  sources: Source[];
  multiSource: boolean;
  syncOptions: string[];
}

interface Parsed {
  /** Non-empty documents in file order, List items flattened. */
  docs: unknown[];
  errors: string[];
}

interface Occurrence {
  app: App;
  file: string;
  index: number;
  obj: Json;
  group: string;
  kind: string;
  namespace: string;
  name: string;
  key: string;
}

export function checkGitOps(files: readonly RepoFile[], options: GitOpsOptions): GitOpsProblem[] {
  const problems: GitOpsProblem[] = [];
  const report = (check: GitOpsCheck, message: string) => problems.push({ check, message });
  const repo = normalizeGitURL(options.repoURL);
  const distDir = `${normalizePath(options.distDir ?? 'dist')}/`;
  const argocdDir = `${normalizePath(options.argocdDir ?? 'argocd')}/`;
  const instanceOf = (file: string) => (file.startsWith(argocdDir) && file.slice(argocdDir.length).includes('/') ? file.slice(argocdDir.length).split('/')[0] : '');
  const byPath = new Map(files.map((f) => [normalizePath(f.path), f]));
  const paths = [...byPath.keys()].sort();
  const dirs = directories(paths);
  const cache = new Map<string, Parsed>();
  const parsed = (p: string): Parsed => {
    if (!cache.has(p)) {
      const f = byPath.get(p)!;
      cache.set(p, f.docs ? { docs: flatten(f.docs), errors: [] } : parse(f.text));
    }
    return cache.get(p)!;
  };

  // Applications, AppProjects, and Applications from ApplicationSets.
  const apps: App[] = [];
  const projects: Array<{ file: string; instance: string; obj: Json }> = [];
  const unexpanded: string[] = [];
  for (const p of paths.filter((x) => x.startsWith(argocdDir) && OBJECT_FILE.test(x))) {
    for (const doc of parsed(p).docs) {
      if (!isObject(doc) || doc.apiVersion !== 'argoproj.io/v1alpha1') continue;
      if (doc.kind === 'Application') apps.push(toApp(doc, p, instanceOf(p), `Application ${metaName(doc)} (${p})`));
      else if (doc.kind === 'AppProject') projects.push({ file: p, instance: instanceOf(p), obj: doc });
      else if (doc.kind === 'ApplicationSet') {
        const set = expandApplicationSet(doc);
        if (typeof set === 'string') unexpanded.push(`ApplicationSet ${metaName(doc)} (${p}) is not expanded here: ${set}`);
        else for (const a of set) apps.push(toApp(a, p, instanceOf(p), `Application ${metaName(a)} (from ApplicationSet ${metaName(doc)}, ${p})`));
      }
    }
  }

  // What each Application syncs from this repository, and the directory check.
  const occurrences: Occurrence[] = [];
  for (const app of apps) {
    for (const src of app.sources) {
      if (!src.repoURL || normalizeGitURL(src.repoURL) !== repo) continue;
      if (!isDirectorySource(src, app.multiSource)) continue;
      const base = normalizePath(src.path ?? '');
      if (base.startsWith('..')) {
        report('directory', `${app.label}: source path '${src.path}' leaves the repository`);
        continue;
      }
      if (src.directory && (src.helm || src.kustomize || src.plugin))
        report('directory', `${app.label}: source ${base || '.'} has a directory block and a ${src.helm ? 'helm' : src.kustomize ? 'kustomize' : 'plugin'} block; Argo CD refuses multiple source types`);
      for (const p of scannedPaths(src, dirs, true)) {
        const tool = TOOL_FILES.get(path.posix.basename(p));
        if (tool) report('directory', `${p}: ${app.label} syncs ${base || '.'} as a directory, which must hold no ${path.posix.basename(p)}: Argo CD would render it with ${tool} or read it as a manifest`);
      }
      const selected = selectedPaths(src, dirs);
      if (selected.length === 0) report('directory', `${app.label}: directory source ${base || '.'}${src.directory?.include ? ` (include '${src.directory.include}')` : ''} selects no file`);
      for (const p of selected) {
        if (p.endsWith('.jsonnet')) {
          report('directory', `${p}: ${app.label} would evaluate this Jsonnet file; bulkhead renders plain manifests only and cannot check it`);
          continue;
        }
        const { docs, errors } = parsed(p);
        for (const e of errors) report('directory', `${p}: ${app.label} reads this file, which does not parse: ${e}`);
        const bad = docs.map((d, i) => [i, notObjectReason(d)] as const).filter(([, r]) => r !== undefined);
        if (bad.length)
          report('directory', `${p}: ${app.label} reads this file as manifests, but ${bad.map(([i, r]) => `document ${i + 1} ${r}`).join('; ')}; keep it out of synced directories (or exclude it)`);
        docs.forEach((d, index) => {
          if (notObjectReason(d) !== undefined) return;
          occurrences.push(occurrence(app, p, index, d as Json));
        });
      }
    }
    checkValueFiles(app, repo, byPath, report);
  }

  // Ownership: objects under dist/ synced by no Application.
  const owned = new Set(occurrences.map((o) => `${o.file}#${o.index}`));
  for (const p of paths.filter((x) => x.startsWith(distDir) && OBJECT_FILE.test(x))) {
    parsed(p).docs.forEach((d, index) => {
      if (notObjectReason(d) !== undefined || owned.has(`${p}#${index}`)) return;
      const o = d as Json;
      const hint = unexpanded.length ? ` (${unexpanded.join('; ')})` : '';
      report('ownership', `${p}: ${describe(groupOf(o), str(o.kind), str(meta(o).namespace), metaName(o))} is synced by no Application; every object under dist/ must belong to exactly one${hint}`);
    });
  }
  // Ownership: one object synced twice.
  for (const group of groupBy(occurrences, (o) => o.key).values()) {
    const apps = [...new Set(group.map((o) => o.app))];
    const o = group[0];
    const object = `${describe(o.group, o.kind, o.namespace, o.name)}${o.app.destination.server || o.app.destination.name ? ` on ${o.app.destination.server || o.app.destination.name}` : ''}`;
    const from = (a: App) => `${a.label} from ${[...new Set(group.filter((x) => x.app === a).map((x) => x.file))].join(', ')}`;
    if (apps.length > 1) report('ownership', `${object} is synced by ${apps.length} Applications: ${apps.map(from).join('; ')}; Argo CD reports SharedResourceWarning and they fight over it`);
    else if (group.length > 1) report('ownership', `${object} is read ${group.length} times by ${from(apps[0])}; Argo CD reports RepeatedResourceWarning and the last copy wins`);
  }

  // Size.
  for (const o of occurrences) {
    const bytes = Buffer.byteLength(JSON.stringify(o.obj), 'utf8');
    if (bytes <= CLIENT_SIDE_APPLY_LIMIT) continue;
    const own = str(meta(o.obj).annotations && (meta(o.obj).annotations as Json)[SYNC_OPTIONS_ANNOTATION]).split(',').map((s) => s.trim());
    if (o.app.syncOptions.includes('ServerSideApply=true') || own.includes('ServerSideApply=true')) continue;
    report('size', `${o.file}: ${describe(o.group, o.kind, o.namespace, o.name)} is ${bytes} bytes of JSON, over the ${CLIENT_SIDE_APPLY_LIMIT} bytes client-side apply can store in its last-applied annotation, and ${o.app.label} has no ServerSideApply=true sync option`);
  }

  // Projects.
  const occurrencesOf = groupBy(occurrences, (o) => o.app);
  const projectsByName = groupBy(projects, (p) => projectName(p.obj));
  for (const app of apps) {
    if (!app.project) {
      report('project', `${app.label} names no spec.project; Argo CD would use 'default', which bulkhead never uses`);
      continue;
    }
    if (app.project === 'default') report('project', `${app.label} uses the AppProject 'default', which allows everything; bulkhead confines every Application to its own project`);
    const candidates = projectsByName.get(app.project) ?? [];
    const proj = (candidates.find((p) => p.instance === app.instance) ?? candidates[0])?.obj;
    if (!proj) {
      if (app.project !== 'default') report('project', `${app.label} names AppProject ${app.project}, which is not rendered under argocd/`);
      continue;
    }
    for (const src of app.sources) {
      const s = sourcePermits(proj, src.repoURL ?? '');
      if (!s.allowed) report('project', `${app.label}: ${s.reason}`);
    }
    const d = app.destination;
    if (d.server && d.name) report('project', `${app.label}: destination sets both server and name; Argo CD requires exactly one`);
    const dest = destinationPermits(proj, d);
    if (!dest.allowed) report('project', `${app.label}: Argo CD refuses the Application: its destination ${dest.reason}`);
    for (const o of occurrencesOf.get(app) ?? []) {
      const permit = projectPermits(proj, { group: o.group, kind: o.kind, namespace: o.namespace || undefined, name: o.name, server: d.server, destinationName: d.name });
      if (!permit.allowed) report('project', `${o.file}: ${describe(o.group, o.kind, o.namespace, o.name)} synced by ${app.label} is refused: ${permit.reason}`);
    }
  }
  return problems;
}

/** The repository paths (sorted) a directory source reads out of `paths`, as Argo CD's repo server selects them. */
export function syncedPaths(source: DirectorySource, paths: readonly string[]): string[] {
  return selectedPaths(source, directories(paths));
}

function selectedPaths(source: DirectorySource, dirs: DirectoryIndex): string[] {
  const base = normalizePath(source.path ?? '');
  const { include, exclude } = source.directory ?? {};
  return literalInclude(source, dirs).filter((p) => {
    const rel = base ? p.slice(base.length + 1) : p;
    if (!MANIFEST_FILE.test(path.posix.basename(rel))) return false;
    if (exclude && argoGlobMatch(exclude, rel)) return false;
    return !include || argoGlobMatch(include, rel);
  });
}

/**
 * The scanned paths an include pattern can select: with a literal pattern (each tenant's Application
 * includes its own file), only `<path>/<include>`, looked up rather than compared with every file of the
 * directory (which was quadratic in tenants); without one, every scanned path.
 */
function literalInclude(source: DirectorySource, dirs: DirectoryIndex): string[] {
  const include = source.directory?.include;
  if (!include || !isLiteralPattern(include)) return scannedPaths(source, dirs);
  const base = normalizePath(source.path ?? '');
  // Directly in the directory, a relative path has no '/'.
  if (source.directory?.recurse !== true && include.includes('/')) return [];
  const full = base ? `${base}/${include}` : include;
  return new Array<string>(dirs.count.get(full) ?? 0).fill(full);
}

/** Every file in the directories a source walks: its path, and below it with recurse (or only the files of TOOL_FILES). */
function scannedPaths(source: DirectorySource, dirs: DirectoryIndex, tools = false): string[] {
  const base = normalizePath(source.path ?? '');
  const recurse = source.directory?.recurse === true;
  const index = tools ? dirs.tools : dirs;
  return [...((recurse ? index.below : index.directly).get(base) ?? [])].sort();
}

/**
 * The (normalized) paths by the directory they are directly in, and by every directory they are below
 * ('' holds the whole repository): checkGitOps builds it once, since every source of every Application
 * scans the same repository and filtering it for each was quadratic in the number of tenants.
 */
interface PathsByDirectory {
  directly: Map<string, string[]>;
  below: Map<string, string[]>;
}
interface DirectoryIndex extends PathsByDirectory {
  /** The same for the files that make Argo CD use another tool (TOOL_FILES). */
  tools: PathsByDirectory;
  /** How often each normalized path occurs. */
  count: Map<string, number>;
}
function directories(paths: readonly string[]): DirectoryIndex {
  const index: DirectoryIndex = { directly: new Map(), below: new Map(), tools: { directly: new Map(), below: new Map() }, count: new Map() };
  const add = (m: Map<string, string[]>, dir: string, p: string) => (m.get(dir) ?? m.set(dir, []).get(dir)!).push(p);
  for (const p of paths.map(normalizePath)) {
    index.count.set(p, (index.count.get(p) ?? 0) + 1);
    for (const by of TOOL_FILES.has(path.posix.basename(p)) ? [index, index.tools] : [index]) {
      add(by.directly, p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '', p);
      add(by.below, '', p);
      for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) add(by.below, p.slice(0, i), p);
    }
  }
  return index;
}

function isDirectorySource(src: Source, multiSource: boolean): boolean {
  if (src.chart) return false;
  if (src.directory) return true;
  if (src.helm || src.kustomize || src.plugin) return false;
  // In `sources`, a source with neither path nor chart renders nothing (a `ref` source for value files).
  return !(multiSource && !src.path);
}

/** `$ref/path` value files of Helm sources: the ref must exist, and a file in this repository must be there. */
function checkValueFiles(app: App, repo: string, byPath: Map<string, RepoFile>, report: (c: GitOpsCheck, m: string) => void): void {
  for (const src of app.sources) {
    const valueFiles = (src.helm as { valueFiles?: unknown } | undefined)?.valueFiles;
    if (!Array.isArray(valueFiles)) continue;
    for (const v of valueFiles.filter((x): x is string => typeof x === 'string' && x.startsWith('$'))) {
      const [head, ...rest] = v.split('/');
      const ref = app.sources.find((s) => s.ref === head.slice(1));
      if (!ref) {
        report('directory', `${app.label}: value file ${v} names $${head.slice(1)}, but no source has ref '${head.slice(1)}'`);
        continue;
      }
      if (normalizeGitURL(ref.repoURL ?? '') !== repo) continue;
      const file = normalizePath(rest.join('/'));
      if (!byPath.has(file)) report('directory', `${app.label}: value file ${v} points at ${file}, which is not in the repository`);
    }
  }
}

function occurrence(app: App, file: string, index: number, obj: Json): Occurrence {
  const group = groupOf(obj);
  const kind = str(obj.kind);
  const namespace = isClusterScoped(group, kind) ? '' : str(meta(obj).namespace) || app.destination.namespace || '';
  const name = metaName(obj);
  const d = app.destination;
  const cluster = d.server === IN_CLUSTER_SERVER || d.name === IN_CLUSTER_NAME ? IN_CLUSTER_SERVER : d.server ? `server:${d.server}` : `name:${d.name ?? ''}`;
  return { app, file, index, obj, group, kind, namespace, name, key: [app.instance, cluster, group, kind, namespace, name].join('\u0000') };
}

function toApp(doc: Json, file: string, instance: string, label: string): App {
  const spec = (isObject(doc.spec) ? doc.spec : {}) as Json;
  const multiSource = Array.isArray(spec.sources) && spec.sources.length > 0;
  const sources = (multiSource ? (spec.sources as unknown[]) : isObject(spec.source) ? [spec.source] : []).filter(isObject) as unknown as Source[];
  const dest = (isObject(spec.destination) ? spec.destination : {}) as Json;
  const syncPolicy = (isObject(spec.syncPolicy) ? spec.syncPolicy : {}) as Json;
  return {
    name: metaName(doc),
    label,
    file,
    instance,
    project: str(spec.project) || undefined,
    destination: { server: str(dest.server) || undefined, name: str(dest.name) || undefined, namespace: str(dest.namespace) || undefined },
    sources,
    multiSource,
    syncOptions: Array.isArray(syncPolicy.syncOptions) ? syncPolicy.syncOptions.filter((s): s is string => typeof s === 'string').map((s) => s.trim()) : [],
  };
}

/**
 * The Applications an ApplicationSet creates, when every generator is a `list` of `elements` and the template
 * uses plain parameters (`{{name}}`, or `{{.name}}` with goTemplate); otherwise why it cannot be expanded.
 */
function expandApplicationSet(set: Json): Json[] | string {
  const spec = (isObject(set.spec) ? set.spec : {}) as Json;
  if (spec.templatePatch) return 'it uses templatePatch';
  const generators = Array.isArray(spec.generators) ? spec.generators : [];
  const out: Json[] = [];
  for (const g of generators) {
    const list = isObject(g) && isObject(g.list) ? g.list : undefined;
    if (!list || !Array.isArray(list.elements) || list.elementsYaml || list.template)
      return `its ${isObject(g) ? Object.keys(g).join('/') : '?'} generator depends on state outside the repository`;
    for (const element of list.elements) {
      let unresolved = false;
      const render = (v: unknown): unknown => {
        if (typeof v === 'string')
          return v.replace(/\{\{-?\s*\.?([A-Za-z_][\w.-]*)\s*-?\}\}/g, (m, key: string) => {
            const value = key.split('.').reduce<unknown>((acc, k) => (isObject(acc) ? acc[k] : undefined), element);
            if (value === undefined || isObject(value) || Array.isArray(value)) {
              unresolved = true;
              return m;
            }
            return String(value);
          });
        if (Array.isArray(v)) return v.map(render);
        if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [render(k) as string, render(x)]));
        return v;
      };
      const app = render(spec.template) as Json;
      if (unresolved || JSON.stringify(app).includes('{{')) return 'its template uses expressions other than list element parameters';
      out.push({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...app });
    }
  }
  return out;
}

function parse(text: string): Parsed {
  const docs: unknown[] = [];
  const errors: string[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length) {
      errors.push(`document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`);
      return;
    }
    docs.push(doc.toJS({ maxAliasCount: 100 }) as unknown);
  });
  return { docs: flatten(docs), errors };
}

/** Documents as Argo CD reads them: empty ones skipped, `kind: List` (and *List) objects flattened into their items. */
function flatten(values: readonly unknown[]): unknown[] {
  const docs: unknown[] = [];
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) docs.push(...value.items);
    else docs.push(value);
  }
  return docs;
}

/** Why a document is not a Kubernetes object Argo CD could apply, or undefined if it is one. */
function notObjectReason(d: unknown): string | undefined {
  if (!isObject(d)) return 'is not a mapping';
  const { apiVersion, kind } = d;
  if (typeof apiVersion !== 'string' || !apiVersion || typeof kind !== 'string' || !kind)
    return `has no ${[typeof apiVersion === 'string' && apiVersion ? '' : 'apiVersion', typeof kind === 'string' && kind ? '' : 'kind'].filter(Boolean).join(' and ')} (a Helm values file or other data, not a manifest)`;
  const group = groupOf(d);
  if (NON_KUBERNETES_GROUPS.includes(group)) return `is a ${kind} of ${apiVersion}, a tool's config file that Argo CD would try to apply to the cluster`;
  return undefined;
}

function describe(group: string, kind: string, namespace: string, name: string): string {
  return `${kind}${group ? `.${group}` : ''} ${namespace ? `${namespace}/` : ''}${name}`;
}

function groupOf(obj: Json): string {
  const apiVersion = str(obj.apiVersion);
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

function meta(obj: Json): Json {
  return isObject(obj.metadata) ? obj.metadata : {};
}

function metaName(obj: Json): string {
  return str(meta(obj).name) || '(unnamed)';
}

function normalizePath(p: string): string {
  let n = normalized.get(p);
  if (n === undefined) {
    n = path.posix.normalize(p.trim() || '.').replace(/^\.\/+/, '').replace(/\/+$/, '');
    n = n === '.' || n === '/' ? '' : n.replace(/^\/+/, '');
    // Every source scans the repository's paths: remember them rather than normalizing each again.
    if (normalized.size >= 100_000) normalized.clear();
    normalized.set(p, n);
  }
  return n;
}
const normalized = new Map<string, string>();

function groupBy<K, V>(items: readonly V[], key: (v: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const i of items) {
    const k = key(i);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(i);
  }
  return m;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
