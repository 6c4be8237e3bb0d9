/**
 * The proof: compile the written platform.yaml in memory, exactly as synth would (load, check, render,
 * verify), analyze the rendered manifests with the same analyzer, and compare with the original, mapped to
 * the imported names:
 * - every connection between imported workloads, port by port and protocol by protocol, with its HTTP rules;
 * - every egress to addresses (and DNS names, kube-apiserver) outside the cluster.
 * Only what the findings list as inexpressible is left out of the original side; everything else must come
 * out identical. DNS to kube-dns, which bulkhead adds, is outside the imported workloads and so not compared.
 */
import { analyze, formatPorts, intersectPorts, isEmptyPorts, portsEqual, subtractPorts, unionPorts } from '../analysis';
import type { Connection, Connectivity, ExternalConnection, L7Restriction, PortMap } from '../analysis';
import { checkPlatform } from '../intent/check';
import { parseIntents } from '../intent/load';
import { compilePlatform } from '../synth/pipeline';
import { expressibleTarget, targetKey } from './outside';
import { pairKey } from './flows';
import { ImportInventory, compare } from './inventory';

export interface ProofResult {
  readonly equal: boolean;
  /** Connections between imported workloads compared (as the original has them). */
  readonly connections: number;
  /** Egress entries to outside addresses compared. */
  readonly egress: number;
  /** One line per difference, in the imported names. */
  readonly differences: readonly string[];
  /** Set when the written platform did not even compile (a bug of the importer). */
  readonly failure?: string;
}

/** Errors by which the pipeline rejects a platform (lib/intent, lib/emit, lib/verify). */
const COMPILE_ERRORS = new Set(['IntentError', 'RenderError', 'VerificationError']);

/** The file name the written platform is compiled under, for messages. */
export const IMPORTED_FILE = 'platform.yaml (imported)';

export function prove(text: string, original: Connectivity, inv: ImportInventory, excluded: ReadonlyMap<string, PortMap>): ProofResult {
  let compiled: Connectivity;
  try {
    const loaded = parseIntents(IMPORTED_FILE, text);
    const result = compilePlatform(checkPlatform(loaded.spec, loaded.source), { dryRun: true });
    const objects = result.clusters[0].files.flatMap((f) => f.manifests.map((m, index) => ({ file: f.path, index, object: m })));
    compiled = analyze(objects);
  } catch (e) {
    // The pipeline's own failures (intent check, render, verification) are told by name: lib/import reads
    // the compiler only through lib/intent and lib/synth. Anything else is a bug and keeps its stack.
    if (!(e instanceof Error)) throw e;
    const failure = COMPILE_ERRORS.has(e.constructor.name) ? e.message : (e.stack ?? e.message);
    return { equal: false, connections: 0, egress: 0, differences: [], failure };
  }
  const { cluster } = inv.analysis;
  const newId = (id: string): string | undefined => inv.byIndex[cluster.workload(id)!.index]?.id;

  const differences: string[] = [];
  const want = new Map<string, Connection>();
  for (const c of original.connections) {
    const [from, to] = [newId(c.from), newId(c.to)];
    if (!from || !to) continue;
    const ports = subtractPorts(c.ports, excluded.get(pairKey(c.from, c.to)) ?? {});
    if (!isEmptyPorts(ports)) want.set(pairKey(from, to), { from, to, ports, ...(c.l7 ? { l7: c.l7 } : {}) });
  }
  const got = new Map(compiled.connections.map((c) => [pairKey(c.from, c.to), c]));
  for (const key of [...new Set([...want.keys(), ...got.keys()])].sort(compare)) {
    const [w, g] = [want.get(key), got.get(key)];
    if (!w || !g) {
      differences.push(`${key}: ${w ? `${formatPorts(w.ports)} in the original, nothing imported` : `nothing in the original, ${formatPorts(g!.ports)} imported`}`);
    } else if (!portsEqual(w.ports, g.ports)) {
      differences.push(`${key}: ${formatPorts(w.ports)} in the original, ${formatPorts(g.ports)} imported`);
    } else if (l7Key(w.l7, w.ports) !== l7Key(g.l7, g.ports)) {
      differences.push(`${key}: HTTP rules differ (original ${l7Key(w.l7, w.ports) || 'none'}; imported ${l7Key(g.l7, g.ports) || 'none'})`);
    }
  }

  const wantEgress = egressOf(original, newId);
  const gotEgress = egressOf(compiled, (id) => id);
  for (const key of [...new Set([...wantEgress.keys(), ...gotEgress.keys()])].sort(compare)) {
    const [w, g] = [wantEgress.get(key), gotEgress.get(key)];
    if (!w || !g || !portsEqual(w, g)) differences.push(`egress ${key}: ${w ? formatPorts(w) : 'nothing'} in the original, ${g ? formatPorts(g) : 'nothing'} imported`);
  }
  const ids = [...inv.tenants.flatMap((t) => t.workloads.map((w) => w.id))].sort(compare).join(' ');
  if (compiled.workloads.map((w) => w.id).join(' ') !== ids) differences.push(`workloads differ: imported ${compiled.workloads.map((w) => w.id).join(', ')}`);
  return { equal: differences.length === 0, connections: want.size, egress: wantEgress.size, differences };
}

/** Egress to expressible outside targets per `workload target`, ports merged, in the names `rename` gives. */
function egressOf(conn: Connectivity, rename: (id: string) => string | undefined): Map<string, PortMap> {
  const out = new Map<string, PortMap>();
  for (const e of conn.external as ExternalConnection[]) {
    const id = rename(e.workload);
    if (e.direction !== 'egress' || !id) continue;
    const target = expressibleTarget(e);
    if ('reason' in target) continue;
    const key = `${id} -> ${targetKey(target)}`;
    out.set(key, unionPorts(out.get(key) ?? {}, e.ports));
  }
  return out;
}

/** HTTP restrictions on `ports`, canonical: one `direction protocol range rules` line per restricted range. */
function l7Key(l7: readonly L7Restriction[] | undefined, ports: PortMap): string {
  const lines: string[] = [];
  for (const r of l7 ?? []) {
    const restricted = intersectPorts(r.ports, ports);
    for (const [protocol, ranges] of Object.entries(restricted)) for (const [lo, hi] of ranges ?? []) lines.push(`${r.direction} ${protocol} ${lo}-${hi} ${JSON.stringify(r.http)}`);
  }
  return lines.sort(compare).join('; ');
}
