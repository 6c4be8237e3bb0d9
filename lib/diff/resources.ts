/**
 * Resources and files that differ between two snapshots, over `dist/` and `argocd/`: objects keyed by API
 * group, kind, namespace and name (so moving an object to another file is a change, not a removal and an
 * addition), with the field paths that changed; files added, removed or changed, with a unified diff.
 */
import { tryManifestsOf } from './documents';
import type { Snapshot } from './snapshot';
import { OUTPUT_DIRS } from './snapshot';
import { unifiedDiff } from './unified';

export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
  /** Where it is (head for added and changed, base for removed), relative to the project root. */
  readonly file: string;
  /** The cluster directory it is under (`dist/<cluster>/`, `argocd/<cluster>/`), if any. */
  readonly cluster?: string;
}

export interface ResourceChange extends ResourceRef {
  /** Changed field paths, `spec.ingress[0].from`; at most MAX_DEPTH field names deep, in document order. */
  readonly fields: string[];
  /** Set when the object moved to another file. */
  readonly movedFrom?: string;
}

export interface FileChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

export interface ResourceDiff {
  readonly added: ResourceRef[];
  readonly removed: ResourceRef[];
  readonly changed: ResourceChange[];
  /** Every file under dist/ and argocd/ that differs (manifests, set-up files, CONNECTIVITY.md, ...). */
  readonly files: FileChanges;
  /** `git diff`-style unified diff of those files, in path order. */
  readonly rawDiff: string;
}

/** Paths with more field names than this are reported at this depth (array indexes do not count): `spec.template.spec.containers[0].image` is 5. */
export const MAX_DEPTH = 6;
/** At most this many field paths per changed object; the rest are summarized as `(+N more)`. */
export const MAX_FIELDS = 12;

interface Doc {
  key: string;
  ref: ResourceRef;
  value: unknown;
}

const isOutputFile = (f: string) => OUTPUT_DIRS.some((d) => f.startsWith(`${d}/`));
const isManifestFile = (f: string) => /\.(ya?ml|json)$/i.test(f);

export function diffResources(base: Snapshot, head: Snapshot, clusters: ReadonlySet<string>): ResourceDiff {
  // A file with the same text on both sides holds the same objects on both: only the others are parsed.
  const differs = (f: string) => base.files.get(f) !== head.files.get(f);
  const before = documents(base, clusters, differs);
  const after = documents(head, clusters, differs);
  const added: ResourceRef[] = [];
  const removed: ResourceRef[] = [];
  const changed: ResourceChange[] = [];
  for (const [key, h] of after) {
    const b = before.get(key);
    if (!b) {
      added.push(h.ref);
      continue;
    }
    const fields = changedFields(b.value, h.value);
    const moved = b.ref.file !== h.ref.file;
    if (fields.length || moved) changed.push({ ...h.ref, fields: capFields(fields), ...(moved ? { movedFrom: b.ref.file } : {}) });
  }
  for (const [key, b] of before) if (!after.has(key)) removed.push(b.ref);

  const names = [...new Set([...base.files.keys(), ...head.files.keys()])].filter(isOutputFile).sort();
  const files: FileChanges = { added: [], removed: [], changed: [] };
  const diffs: string[] = [];
  for (const f of names) {
    const a = base.files.get(f);
    const b = head.files.get(f);
    if (a === b) continue;
    (a === undefined ? files.added : b === undefined ? files.removed : files.changed).push(f);
    diffs.push(unifiedDiff(f, a, b));
  }
  const order = (x: ResourceRef, y: ResourceRef) => compare(sortKey(x), sortKey(y));
  return { added: added.sort(order), removed: removed.sort(order), changed: changed.sort(order), files, rawDiff: diffs.join('') };
}

const sortKey = (r: ResourceRef) => [r.cluster ?? '\uffff', r.kind, r.namespace ?? '', r.name, r.file].join('\0');
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Objects with a kind and a name; other documents (values files, kind configs) count per file and index. */
function documents(s: Snapshot, clusters: ReadonlySet<string>, include: (file: string) => boolean): Map<string, Doc> {
  const out = new Map<string, Doc>();
  for (const [file, text] of s.files) {
    if (!isOutputFile(file) || !isManifestFile(file) || !include(file)) continue;
    const cluster = clusterOf(file, clusters);
    (tryManifestsOf(s, file)?.map((o) => o.object) ?? [text]).forEach((value, index) => {
      const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
      let key: string;
      let ref: ResourceRef;
      if (o && typeof o === 'object' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string') {
        const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
        const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
        const namespace = typeof o.metadata.namespace === 'string' && o.metadata.namespace ? o.metadata.namespace : undefined;
        // The same object name may exist once per cluster: the cluster is part of the key.
        key = ['obj', cluster ?? '', group, o.kind, namespace ?? '', o.metadata.name].join('\0');
        ref = { apiVersion, kind: o.kind, ...(namespace ? { namespace } : {}), name: o.metadata.name, file, ...(cluster ? { cluster } : {}) };
      } else {
        key = ['doc', file, index].join('\0');
        ref = { apiVersion: '', kind: '(document)', name: index ? `${file}#${index}` : file, file, ...(cluster ? { cluster } : {}) };
      }
      if (!out.has(key)) out.set(key, { key, ref, value });
    });
  }
  return out;
}

function clusterOf(file: string, clusters: ReadonlySet<string>): string | undefined {
  const [, c] = file.split('/');
  return clusters.has(c) ? c : undefined;
}

/** Paths where `a` and `b` differ, down to MAX_DEPTH segments; arrays of different lengths differ as a whole. */
export function changedFields(a: unknown, b: unknown): string[] {
  const out = new Set<string>();
  const walk = (x: unknown, y: unknown, path: Array<string | number>) => {
    if (deepEqual(x, y)) return;
    const bothObjects = isPlainObject(x) && isPlainObject(y);
    const sameArrays = Array.isArray(x) && Array.isArray(y) && x.length === y.length;
    if (path.filter((p) => typeof p === 'string').length >= MAX_DEPTH || !(bothObjects || sameArrays)) {
      out.add(formatFieldPath(path));
      return;
    }
    if (sameArrays) (x as unknown[]).forEach((item, i) => walk(item, (y as unknown[])[i], [...path, i]));
    else {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      for (const k of [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort()) walk(xo[k], yo[k], [...path, k]);
    }
  };
  walk(a, b, []);
  return [...out];
}

function capFields(fields: string[]): string[] {
  return fields.length > MAX_FIELDS ? [...fields.slice(0, MAX_FIELDS), `(+${fields.length - MAX_FIELDS} more)`] : fields;
}

/** `spec.ingress[0].from`, `metadata.labels["bulkhead.dev/workload"]`; the whole document is `.`. */
export function formatFieldPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '.';
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
