/**
 * YAML for rendered manifests, byte for byte what cdk8s's `Yaml.stringify` writes (yaml 2.x with
 * `{ keepUndefined: true, lineWidth: 0, version: '1.1' }`), at a fraction of its cost: `Yaml.stringify`
 * builds a YAML document tree for every object and walks it twice before writing a line, which made it
 * the largest single cost of synth. Manifests are plain JSON (string keys; strings, numbers, booleans,
 * arrays and objects), so they are written directly, in yaml's block style: two-space indentation,
 * sequences indented under their key, `{}` and `[]` for empty collections.
 *
 * Scalars are written as yaml writes them: a string stays plain unless yaml's own rules say otherwise
 * (indicator characters, `: ` or ` #` inside, or a value some YAML 1.1 tag would read as another type,
 * tested with the very tags of yaml's 1.1 schema: `yes`, `on`, `~`, `0x1F`, `1:20`, `2001-12-14`, ...);
 * strings that must be quoted, and every number, are written by yaml itself once and remembered.
 *
 * A document outside that subset goes to `Yaml.stringify` as a whole, so the output is the same either
 * way: null or undefined values, an object or array that appears twice (yaml writes an anchor), class
 * instances, non-finite numbers and -0, multi-line strings and strings with a line starting with a
 * document marker (yaml's choice there depends on the indentation), and keys over 1,000 characters.
 *
 *   toYamlDocuments([deployment, service]) === Yaml.stringify(deployment, service)
 */
import { Yaml } from 'cdk8s';
import { Document } from 'yaml';

/** The options cdk8s's `Yaml.stringify` passes to yaml. */
const OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/** yaml's `plainString`: what a plain scalar may not start with, contain or end with. */
const INDICATORS = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** yaml's `stringifyString`: control characters and lone surrogates force double quotes. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** yaml's `containsDocumentMarker`: its handling depends on the indentation, so such strings fall back. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** yaml writes longer keys as explicit `? key` entries. */
const MAX_KEY = 1000;

/** The tests yaml runs before writing a string plain: a string another default 1.1 tag would read is quoted. */
const TAG_TESTS: RegExp[] = (() => {
  const schema = new Document(null, OPTIONS).schema as unknown as { tags: Array<{ default?: unknown; tag: string; test?: RegExp }>; compat?: Array<{ default?: unknown; tag: string; test?: RegExp }> | null };
  return [...schema.tags, ...(schema.compat ?? [])].filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test).map((t) => t.test!);
})();

/** Thrown inside a document that only `Yaml.stringify` can write. */
const FALLBACK = Symbol('fallback');

/** Scalar texts, by value: plain strings map to themselves. Bounded, so a long run keeps little. */
const strings = new Map<string, string>();
const numbers = new Map<number, string>();
const CACHE_LIMIT = 200_000;

function viaYaml(value: string | number): string {
  // `k: <scalar>\n`: the scalar as yaml writes a single-line value (or key) in block context.
  const text = Yaml.stringify({ k: value });
  return text.slice(3, -1);
}

function stringText(s: string): string {
  let text = strings.get(s);
  if (text !== undefined) return text;
  if (s.includes('\n') || DOCUMENT_MARKER.test(s)) throw FALLBACK;
  if (!CONTROL.test(s) && !INDICATORS.test(s) && !TAG_TESTS.some((t) => t.test(s))) text = s;
  else {
    text = viaYaml(s);
    if (text.includes('\n')) throw FALLBACK;
  }
  if (strings.size >= CACHE_LIMIT) strings.clear();
  strings.set(s, text);
  return text;
}

function numberText(n: number): string {
  // Before the lookup: a Map finds 0 for -0.
  if (!Number.isFinite(n) || Object.is(n, -0)) throw FALLBACK;
  let text = numbers.get(n);
  if (text !== undefined) return text;
  text = viaYaml(n);
  if (numbers.size >= CACHE_LIMIT) numbers.clear();
  numbers.set(n, text);
  return text;
}

function keyText(k: string): string {
  const text = stringText(k);
  if (text.length > MAX_KEY) throw FALLBACK;
  return text;
}

/** An object yaml writes as a mapping of its own keys (no class instance, nothing with its own `toJSON`). */
function isPlainObject(v: object): v is Record<string, unknown> {
  return Object.getPrototypeOf(v) === Object.prototype && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * Writes documents into one list of pieces, joined once per file: a string built with `+=` is a rope of
 * millions of small pieces that V8 keeps as such until something reads it, several times the size of
 * the text for as long as synth holds it.
 */
class Writer {
  private readonly parts: string[] = [];
  /** Objects and arrays of the current document: a second reference would be an alias in yaml. */
  private seen = new Set<object>();

  /** Appends one document as `Yaml.stringify(doc)` writes it (ending in a newline). */
  document(doc: unknown): void {
    const start = this.parts.length;
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && isPlainObject(doc)) {
      const keys = Object.keys(doc);
      if (keys.length) {
        try {
          this.map(doc, keys, '');
          this.parts.push('\n');
          return;
        } catch (err) {
          if (err !== FALLBACK) throw err;
          this.parts.length = start;
        } finally {
          this.seen = new Set();
        }
      }
    }
    this.parts.push(Yaml.stringify(doc));
  }

  separator(): void {
    this.parts.push('---\n');
  }

  text(): string {
    return this.parts.join('');
  }

  /** A non-empty mapping whose first line follows whatever precedes it; later lines start with `indent`. */
  private map(o: Record<string, unknown>, keys: string[], indent: string): void {
    this.enter(o);
    const inner = indent + '  ';
    const parts = this.parts;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      parts.push(i > 0 ? '\n' + indent + keyText(k) + ':' : keyText(k) + ':');
      this.afterKey(o[k], inner);
    }
  }

  /** A non-empty sequence, items at `indent` (their own lines), each item's content at `indent` + 2. */
  private seq(a: unknown[], indent: string): void {
    this.enter(a);
    const inner = indent + '  ';
    const parts = this.parts;
    for (let i = 0; i < a.length; i++) {
      parts.push(i > 0 ? '\n' + indent + '- ' : '- ');
      this.item(a[i], inner);
    }
  }

  private afterKey(v: unknown, inner: string): void {
    switch (typeof v) {
      case 'string':
        this.parts.push(' ' + stringText(v));
        return;
      case 'number':
        this.parts.push(' ' + numberText(v));
        return;
      case 'boolean':
        this.parts.push(v ? ' true' : ' false');
        return;
      case 'object':
        if (v === null) throw FALLBACK;
        if (Array.isArray(v)) {
          if (!v.length) this.parts.push(' []');
          else {
            this.parts.push('\n' + inner);
            this.seq(v, inner);
          }
          return;
        }
        if (!isPlainObject(v)) throw FALLBACK;
        {
          const keys = Object.keys(v);
          if (!keys.length) this.parts.push(' {}');
          else {
            this.parts.push('\n' + inner);
            this.map(v, keys, inner);
          }
        }
        return;
      default:
        throw FALLBACK;
    }
  }

  private item(v: unknown, inner: string): void {
    switch (typeof v) {
      case 'string':
        this.parts.push(stringText(v));
        return;
      case 'number':
        this.parts.push(numberText(v));
        return;
      case 'boolean':
        this.parts.push(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) throw FALLBACK;
        if (Array.isArray(v)) {
          if (!v.length) this.parts.push('[]');
          else this.seq(v, inner);
          return;
        }
        if (!isPlainObject(v)) throw FALLBACK;
        {
          const keys = Object.keys(v);
          if (!keys.length) this.parts.push('{}');
          else this.map(v, keys, inner);
        }
        return;
      default:
        throw FALLBACK;
    }
  }

  private enter(o: object): void {
    if (this.seen.has(o)) throw FALLBACK;
    this.seen.add(o);
  }
}

/** One document, as `Yaml.stringify(doc)` writes it (ending in a newline). */
export function toYamlDocument(doc: unknown): string {
  const w = new Writer();
  w.document(doc);
  return w.text();
}

/** Several documents, as `Yaml.stringify(...docs)` writes them: separated by `---`. */
export function toYamlDocuments(docs: readonly unknown[]): string {
  const w = new Writer();
  docs.forEach((doc, i) => {
    if (i) w.separator();
    w.document(doc);
  });
  return w.text();
}
