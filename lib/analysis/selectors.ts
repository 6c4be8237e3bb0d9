/** metav1.LabelSelector: parsing, matching, and an inverted index so selection does not scan everything. */
import { AnalysisInputError } from './errors';

export type Labels = Readonly<Record<string, string>>;
export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  key: string;
  op: Operator;
  /** Sorted; a matchLabels entry is `In` with one value. */
  values: string[];
}

export interface Selector {
  /** ANDed; empty = matches everything. */
  requirements: Requirement[];
  /** Canonical JSON of the requirements: equal selectors share one cache entry. */
  key: string;
}

const OPERATORS = new Set<Operator>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export const EVERYTHING: Selector = { requirements: [], key: '' };

/** `where` prefixes error messages (e.g. `file:12 NetworkPolicy x/p spec.podSelector`). */
export function parseSelector(raw: unknown, where: string): Selector {
  if (raw === undefined || raw === null) return EVERYTHING;
  if (!isRecord(raw)) throw new AnalysisInputError(`${where}: a label selector must be an object`);
  const reqs: Requirement[] = [];
  const matchLabels = raw.matchLabels ?? {};
  if (!isRecord(matchLabels)) throw new AnalysisInputError(`${where}.matchLabels: must be a map of strings`);
  for (const [key, value] of Object.entries(matchLabels)) {
    if (typeof value !== 'string') throw new AnalysisInputError(`${where}.matchLabels.${key}: value must be a string`);
    reqs.push({ key, op: 'In', values: [value] });
  }
  const exprs = raw.matchExpressions ?? [];
  if (!Array.isArray(exprs)) throw new AnalysisInputError(`${where}.matchExpressions: must be a list`);
  exprs.forEach((expr: unknown, i) => {
    const at = `${where}.matchExpressions[${i}]`;
    if (!isRecord(expr) || typeof expr.key !== 'string') throw new AnalysisInputError(`${at}: needs a string key`);
    const op = expr.operator;
    if (typeof op !== 'string' || !OPERATORS.has(op as Operator)) {
      throw new AnalysisInputError(`${at}: operator must be one of In, NotIn, Exists, DoesNotExist (got ${JSON.stringify(op)})`);
    }
    const values = expr.values ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw new AnalysisInputError(`${at}.values: must be a list of strings`);
    }
    // The API server rejects these; accepting them would give them a meaning Kubernetes never does.
    if ((op === 'In' || op === 'NotIn') && values.length === 0) throw new AnalysisInputError(`${at}: ${op} needs values`);
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      throw new AnalysisInputError(`${at}: ${op} must not have values`);
    }
    reqs.push({ key: expr.key, op: op as Operator, values: [...new Set(values as string[])].sort() });
  });
  return makeSelector(reqs);
}

/** A selector from requirements (values already sorted and deduplicated): canonical order and cache key. */
export function makeSelector(requirements: readonly Requirement[]): Selector {
  const reqs = [...requirements];
  if (reqs.length > 1) reqs.sort((a, b) => cmp(a.key, b.key) || cmp(a.op, b.op) || cmp(a.values.join('\0'), b.values.join('\0')));
  // JSON-quoting each string keeps the key unambiguous whatever characters labels contain; join() yields a
  // flat string (repeated `+=` would keep a rope of pieces alive in every cache key).
  const key = reqs.map((r) => `${JSON.stringify(r.key)}${r.op}${JSON.stringify(r.values)}`).join(';');
  return { requirements: reqs, key };
}

export function matchesRequirement(r: Requirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function matchesSelector(sel: Selector, labels: Labels): boolean {
  return sel.requirements.every((r) => matchesRequirement(r, labels));
}

/** The requirements a label set fails, for explanations. */
export function failedRequirements(sel: Selector, labels: Labels): Requirement[] {
  return sel.requirements.filter((r) => !matchesRequirement(r, labels));
}

/** kubectl-style text: `app=web,tier in (a,b),!legacy`; `{}` (everything) for the empty selector. */
export function describeSelector(sel: Selector): string {
  if (sel.requirements.length === 0) return '{} (everything)';
  return sel.requirements.map(describeRequirement).join(',');
}

export function describeRequirement(r: Requirement): string {
  switch (r.op) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

/**
 * Inverted index over items with labels (namespaces or workloads), by item number.
 * Selection starts from the smallest candidate list any `In`/`Exists` requirement (or the caller's scope)
 * offers and checks only those candidates, so a matchLabels selector costs its posting list, not a scan.
 */
export class LabelIndex {
  private readonly byPair = new Map<string, number[]>();
  private readonly byKey = new Map<string, number[]>();
  private readonly all: number[];

  constructor(private readonly labelsOf: readonly Labels[]) {
    this.all = labelsOf.map((_, i) => i);
    labelsOf.forEach((labels, i) => {
      for (const [k, v] of Object.entries(labels)) {
        push(this.byPair, pairKey(k, v), i);
        push(this.byKey, k, i);
      }
    });
  }

  /**
   * Items matching `sel`, ascending. `scope` (ascending item numbers) restricts the result and is itself a
   * candidate list; `inScope` must agree with it and is used to filter candidates taken from postings.
   */
  select(sel: Selector, scope?: { items: readonly number[]; has: (i: number) => boolean }): number[] {
    let candidates: readonly number[] = scope ? scope.items : this.all;
    let fromPostings = false;
    for (const r of sel.requirements) {
      const list = this.postings(r);
      if (list && list.length < candidates.length) {
        candidates = list;
        fromPostings = true;
      }
    }
    const out: number[] = [];
    for (const i of candidates) {
      if (fromPostings && scope && !scope.has(i)) continue;
      if (matchesSelector(sel, this.labelsOf[i])) out.push(i);
    }
    return out;
  }

  private postings(r: Requirement): readonly number[] | undefined {
    if (r.op === 'Exists') return this.byKey.get(r.key) ?? [];
    if (r.op !== 'In') return undefined;
    if (r.values.length === 1) return this.byPair.get(pairKey(r.key, r.values[0])) ?? [];
    const merged = new Set<number>();
    for (const v of r.values) for (const i of this.byPair.get(pairKey(r.key, v)) ?? []) merged.add(i);
    return [...merged].sort((a, b) => a - b);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pairKey(k: string, v: string): string {
  return `${k}\0${v}`;
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
