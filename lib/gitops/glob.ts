/**
 * The three glob dialects Argo CD v3 uses in what the GitOps checks reproduce, on top of minimatch
 * (maintained, ships its own types; pinned in package.json). Argo CD is Go, so no JavaScript library
 * matches it out of the box; each function below says how it gets minimatch to behave like the Go code.
 *
 * 1. `argoGlobMatch`: Argo CD's `util/glob.Match(pattern, text)` (github.com/gobwas/glob) with NO separator.
 *    Used for a directory source's `include`/`exclude` (reposerver/repository `getPotentiallyValidManifestFile`:
 *    `glob.Match(exclude, relPath)`, not Go's filepath.Match) and for AppProject destinations. Without
 *    separators `*` and `?` also match `/` (`include: '*.yaml'` with `recurse: true` selects `a/b.yaml`), and
 *    `{a,b}` alternatives work (the documented way to give several patterns). minimatch never lets `*` cross a
 *    `/`, so both pattern and text get each `/` replaced by a private-use character first.
 * 2. `argoGlobMatchPath`: the same with `/` as separator, as `AppProject.IsSourcePermitted` calls it for
 *    `sourceRepos` (`globMatch(normalized, src, true, '/')`): `*` stays within one path segment.
 * 3. `goFilepathMatch`: Go's `path/filepath.Match`, which `isResourceInList` uses for the group, kind (and,
 *    in cluster lists, name) of resource white/blacklists: `*`, `?`, `[...]`, no braces.
 *
 * Known differences, none of which bulkhead's own patterns use: gobwas `**` inside a segment with a separator
 * (minimatch treats `a**` as `a*`); Go and gobwas reject malformed patterns (`[a-`), minimatch may read them
 * literally; minimatch accepts both `[!x]` and `[^x]` (gobwas only `!`, Go only `^`); brace-expansion also
 * expands numeric ranges `{1..3}`.
 *
 * Every pattern and text is prefixed with a second private-use character so that `*` also matches the empty
 * string (minimatch's lone `*` never matches an empty path; Go's does, and core-group kinds have group '').
 */
import { Minimatch, MinimatchOptions } from 'minimatch';

const SLASH = '\uE000';
const ANCHOR = '\uE001';
const OPTIONS: MinimatchOptions = {
  dot: true, // Go's globs give a leading '.' no special meaning
  nonegate: true, // a leading '!' is Argo CD's deny prefix, handled by the caller
  noext: true, // no extglobs (+(a|b)) in Go
  nocomment: true,
  platform: 'linux',
  preserveMultipleSlashes: true, // 'https://' must stay two slashes
};

/**
 * `minimatch(text, pattern, options)` with each pattern compiled once: the checks match a handful of
 * patterns against every object of a platform, and compiling dominated. (With `nocomment`, `minimatch()`
 * is exactly `new Minimatch(pattern, options).match(text)`.)
 */
const compiled = new Map<string, Minimatch>();
function minimatch(text: string, pattern: string, options: MinimatchOptions): boolean {
  const key = `${options === OPTIONS ? 0 : 1}\u0000${pattern}`;
  let m = compiled.get(key);
  if (!m) {
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(key, (m = new Minimatch(pattern, options)));
  }
  return m.match(text);
}
const FILEPATH_OPTIONS: MinimatchOptions = { ...OPTIONS, nobrace: true, noglobstar: true };

/** Whether a pattern has no glob syntax at all, so that it matches exactly the text it spells (in gobwas and in minimatch). */
export function isLiteralPattern(pattern: string): boolean {
  return /^[A-Za-z0-9._\-/]*$/.test(pattern);
}

/** gobwas/glob without separators: Argo CD's `glob.Match(pattern, text)` (include/exclude, destinations). */
export function argoGlobMatch(pattern: string, text: string): boolean {
  if (isLiteralPattern(pattern)) return pattern === text;
  return minimatch(ANCHOR + text.split('/').join(SLASH), ANCHOR + pattern.split('/').join(SLASH), OPTIONS);
}

/** gobwas/glob with '/' as separator: Argo CD's `glob.Match(pattern, text, '/')` (sourceRepos). */
export function argoGlobMatchPath(pattern: string, text: string): boolean {
  if (text === '') return pattern.replace(/\*/g, '') === '';
  return minimatch(text, pattern, OPTIONS);
}

/** Go's `filepath.Match(pattern, name)`: group, kind and name of AppProject resource lists. */
export function goFilepathMatch(pattern: string, text: string): boolean {
  return minimatch(ANCHOR + text, ANCHOR + pattern, FILEPATH_OPTIONS);
}
