/**
 * platform.yaml text for an imported platform, laid out like the example a person would write: sections
 * separated by blank lines, small lists and maps on one line (`ports: [http, 5432]`), comments where a
 * name was mapped or a kind changed. Nothing in it depends on where the input came from (no paths, no
 * dates), so the same input gives the same bytes, and importing bulkhead's own output is stable.
 */
import { Document, isMap, isPair, isScalar, isSeq, Node, YAMLMap, YAMLSeq } from 'yaml';
import type { PlatformSpec } from '../intent/types';

export interface EmitComments {
  /** Comment lines above the document. */
  readonly header: readonly string[];
  /** Per tenant name, a comment above it. */
  readonly tenants: ReadonlyMap<string, string>;
  /** Per `tenant/workload`, a comment above it. */
  readonly workloads: ReadonlyMap<string, string>;
}

/** Lists whose items are all scalars and whose one-line form stays shorter than this go on one line. */
const INLINE_WIDTH = 80;

export function emitPlatform(spec: PlatformSpec, comments: EmitComments): string {
  // Flows share port objects; each must be written out, never as a YAML alias.
  const doc = new Document(spec, { aliasDuplicateObjects: false });
  doc.commentBefore = comments.header.map((l) => (l ? ` ${l}` : '')).join('\n');
  const root = doc.contents as YAMLMap;
  for (const item of root.items) {
    if (isPair(item) && isScalar(item.key) && ['clusters', 'tenants', 'flows', 'egress'].includes(String(item.key.value))) (item.key as Node).spaceBefore = true;
  }
  for (const tenant of seqItems(root.get('tenants'))) {
    const name = String(tenant.get('name'));
    if (comments.tenants.has(name)) tenant.commentBefore = ` ${comments.tenants.get(name)}`;
    flowStyle(tenant.get('labels'));
    for (const workload of seqItems(tenant.get('workloads'))) {
      const comment = comments.workloads.get(`${name}/${String(workload.get('name'))}`);
      if (comment) workload.commentBefore = ` ${comment}`;
      for (const port of seqItems(workload.get('ports'))) flowStyle(port);
      for (const key of ['command', 'args', 'writablePaths']) inlineIfShort(workload.get(key));
      const env = workload.get('env');
      if (isMap(env)) for (const pair of env.items) if (isPair(pair) && isMap(pair.value)) flowStyle(pair.value);
      const resources = workload.get('resources');
      if (isMap(resources)) for (const pair of resources.items) if (isPair(pair)) flowStyle(pair.value);
    }
  }
  for (const flow of seqItems(root.get('flows'))) {
    portsInline(flow.get('ports'));
    for (const rule of seqItems(flow.get('http'))) flowStyle(rule);
  }
  for (const egress of seqItems(root.get('egress'))) {
    portsInline(egress.get('ports'));
    flowStyle(egress.get('except'));
  }
  return doc.toString({ lineWidth: 0 });
}

function seqItems(node: unknown): YAMLMap[] {
  return isSeq(node) ? node.items.filter((i): i is YAMLMap => isMap(i)) : [];
}

function flowStyle(node: unknown): void {
  if (isMap(node) || isSeq(node)) (node as YAMLMap | YAMLSeq).flow = true;
}

/** A port list on one line, each range as `{ port, endPort, protocol }`. */
function portsInline(node: unknown): void {
  if (!isSeq(node)) return;
  node.flow = true;
  for (const item of node.items) flowStyle(item);
}

function inlineIfShort(node: unknown): void {
  if (!isSeq(node)) return;
  const texts = node.items.map((i) => (isScalar(i) ? JSON.stringify(i.value) : undefined));
  if (texts.every((t) => t !== undefined) && texts.join(', ').length + 2 <= INLINE_WIDTH) node.flow = true;
}
