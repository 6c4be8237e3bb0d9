/** Name helpers shared by the checks: duplicates, and a suggestion for a likely typo. */
import { distance } from 'fastest-levenshtein';

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

/**
 * The candidate `name` is most likely a typo of, or nothing when none is close: a suggestion that shares
 * little with what was written (`kind` -> `env`) only misleads. Close means, ignoring case, an edit
 * distance of at most a third of the word's length (at least 1), the same letters in another order
 * (`lsit` -> `list`), or a candidate that starts with the word (`writable` -> `writablePaths`, at least 3
 * characters). The closest wins; ties go to the earlier candidate.
 */
export function closeMatch(name: string, candidates: readonly string[]): string | undefined {
  const word = name.toLowerCase();
  const letters = [...word].sort().join('');
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const d = distance(word, other);
    const swapped = word.length >= 3 && [...other].sort().join('') === letters;
    const close = d <= Math.max(1, Math.floor(word.length / 3)) || swapped || (word.length >= 3 && other.startsWith(word));
    if (close && (!best || d < best.score)) best = { candidate, score: d };
  }
  return best?.candidate;
}

/** A hint for a name that refers to nothing: the close candidate, or what there is (the first ten). */
export function didYouMean(name: string, candidates: string[]): string {
  if (!candidates.length) return 'nothing is declared with that kind of name yet.';
  const guess = closeMatch(name, candidates);
  if (guess) return `did you mean "${guess}"?`;
  const sorted = [...new Set(candidates)].sort();
  return `declared: ${sorted.slice(0, 10).join(', ')}${sorted.length > 10 ? `, and ${sorted.length - 10} more` : ''}.`;
}
