/** Name helpers shared by the checks: duplicates, and a suggestion for a likely typo. */
import { closest } from 'fastest-levenshtein';

/** Each repeated name with its index and the index of its first use. */
export function duplicateNames(items: ReadonlyArray<{ readonly name: string }>): Array<{ name: string; index: number; first: number }> {
  const seen = new Map<string, number>();
  const out: Array<{ name: string; index: number; first: number }> = [];
  items.forEach((item, index) => {
    const first = seen.get(item.name);
    if (first === undefined) seen.set(item.name, index);
    else out.push({ name: item.name, index, first });
  });
  return out;
}

export function didYouMean(name: string, candidates: string[]): string {
  if (!candidates.length) return 'nothing is declared with that kind of name yet.';
  return `did you mean "${closest(name, candidates)}"?`;
}
