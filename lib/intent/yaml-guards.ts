/**
 * Everything that can go wrong below the level of the schema, turned into positioned diagnostics before
 * it can throw: the file's encoding, nesting depth (the yaml composer, `toJS` and the schema validator
 * all recurse, and a few thousand `[` overflow the stack), aliases to unknown anchors, alias bombs
 * (nine nested aliases of ten expand to a billion values), duplicate keys, and flow collections left
 * unclosed (yaml reports those where it noticed, a line or more later, without the field).
 *
 * Limits: at most MAX_DEPTH levels of nesting, counted through aliases, and at most MAX_ALIAS_VALUES
 * values produced by expanding aliases in the whole file. A real platform.yaml is under 15 levels deep;
 * the expansion limit is far above any sane use of anchors and far below what exhausts memory.
 */
import { Alias, CST, Document, LineCounter, Node, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import { Diagnostic, formatPath } from './diagnostics';

export const MAX_DEPTH = 64;
export const MAX_ALIAS_VALUES = 1_000_000;

type Problem = Omit<Diagnostic, 'location'> & { offset: number };

/**
 * The file's bytes as text, or a diagnostic: UTF-16 and UTF-32 (by their byte order marks), bytes that are
 * not UTF-8, and control characters YAML does not allow (a NUL usually means UTF-16 without a mark).
 * A UTF-8 byte order mark is dropped.
 */
export function decodeText(bytes: Uint8Array): { text: string } | { problem: Problem; prefix: string } {
  const bom = [
    [[0x00, 0x00, 0xfe, 0xff], 'UTF-32'],
    [[0xff, 0xfe, 0x00, 0x00], 'UTF-32'],
    [[0xfe, 0xff], 'UTF-16'],
    [[0xff, 0xfe], 'UTF-16'],
  ] as const;
  for (const [mark, name] of bom)
    if (mark.every((b, i) => bytes[i] === b))
      return { prefix: '', problem: { offset: 0, field: '', message: `the file is encoded as ${name}`, hint: 'save it as UTF-8 (YAML tools and editors read UTF-8 by default).' } };
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    const prefix = new TextDecoder().decode(body.subarray(0, bad));
    return { prefix, problem: { offset: prefix.length, field: '', message: `byte 0x${body[bad].toString(16).padStart(2, '0')} at byte offset ${bad + start} is not UTF-8`, hint: 'save the file as UTF-8 (it may be Latin-1 or Windows-1252).' } };
  }
  const text = new TextDecoder().decode(body);
  // YAML 1.2 allows tab, LF, CR and printable characters; C0 controls and DEL are not YAML.
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return {
      prefix: text.slice(0, control.index),
      problem: {
        offset: control.index,
        field: '',
        message: `control character U+${code} is not allowed in YAML`,
        hint: code === '0000' ? 'the file looks like UTF-16 or binary; save it as UTF-8 text.' : 'remove it (write it as an escape such as "\\t" inside double quotes if you need it).',
      },
    };
  }
  return { text };
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    if (n === 2 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f))) return i; // overlong, surrogate
    if (n === 3 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f))) return i; // overlong, > U+10FFFF
    i += n + 1;
  }
  return -1;
}

/**
 * What the parser's tokens show (walked without recursion, before anything recurses): the first token
 * nested deeper than MAX_DEPTH, and the offsets of flow collections (`[`, `{`) that are never closed.
 */
export function scanTokens(tokens: readonly CST.Token[]): { tooDeep?: Problem; unclosed: Set<number> } {
  const unclosed = new Set<number>();
  const stack: Array<[CST.Token | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (depth > MAX_DEPTH) return { tooDeep: depthProblem(token.offset, ''), unclosed };
    switch (token.type) {
      case 'document':
        stack.push([token.value, depth]);
        break;
      case 'flow-collection':
      case 'block-map':
      case 'block-seq':
        if (token.type === 'flow-collection' && token.end[0]?.source !== (token.start.source === '[' ? ']' : '}')) unclosed.add(token.start.offset);
        for (const item of token.items) {
          if ('key' in item && item.key) stack.push([item.key as CST.Token, depth + 1]);
          stack.push([item.value, depth + 1]);
        }
        break;
    }
  }
  return { unclosed };
}

function depthProblem(offset: number, field: string, via?: string): Problem {
  return {
    offset,
    field,
    message: `values are nested more than ${MAX_DEPTH} levels deep${via ? ` (through alias ${via})` : ''}`,
    hint: 'platform.yaml needs far fewer levels; look for runaway brackets or indentation, or an alias that contains itself.',
  };
}

/** A field path as a chain to the parent, so that walking a large file allocates no array per value. */
interface PathLink {
  readonly parent?: PathLink;
  readonly key: string | number;
}

function fieldOf(link: PathLink | undefined): string {
  const parts: Array<string | number> = [];
  for (let l = link; l; l = l.parent) parts.unshift(l.key);
  return formatPath(parts);
}

interface Measure {
  /** Values the node stands for once aliases are expanded. */
  size: number;
  /** Levels below the node, aliases expanded. */
  depth: number;
}

/**
 * Aliases, duplicate keys and unclosed flow collections of a composed document, in document order. The
 * walk recurses, which is safe because `tooDeep` bounded the written nesting first; aliases are measured
 * from their anchor's memo, never walked again.
 */
export function documentProblems(doc: Document.Parsed, unclosedAt: ReadonlySet<number>, lineOf: (offset: number) => number): Problem[] {
  const problems: Problem[] = [];
  const measured = new Map<Node, Measure>();
  let expanded = 0;
  let bombReported = false;

  const walk = (node: unknown, path: PathLink | undefined, level: number): Measure => {
    if (isAlias(node)) return alias(node, path, level);
    if (!node || typeof node !== 'object') return { size: 1, depth: 0 };
    const n = node as Node;
    let result: Measure = { size: 1, depth: 0 };
    if (isMap(n) || isSeq(n)) {
      unclosed(n, path);
      if (isMap(n)) duplicateKeys(n.items, path);
      let size = 1;
      let depth = 0;
      n.items.forEach((item, i) => {
        const key = isPair(item) && isScalar(item.key) ? String(item.key.value) : i;
        const child = isPair(item) ? item.value : item;
        if (isPair(item) && item.key && !isScalar(item.key)) walk(item.key, path, level + 1);
        const m = walk(child, { parent: path, key }, level + 1);
        size += m.size;
        depth = Math.max(depth, m.depth + 1);
      });
      result = { size, depth };
    }
    if ((n as { anchor?: string }).anchor) measured.set(n, result);
    return result;
  };

  const alias = (a: Alias, path: PathLink | undefined, level: number): Measure => {
    const offset = a.range?.[0] ?? 0;
    const target = a.resolve(doc);
    if (!target) {
      problems.push({ offset, field: fieldOf(path), message: `alias *${a.source} refers to no anchor defined before it`, hint: `put &${a.source} on a value above this line, or write the value out.` });
      return { size: 1, depth: 0 };
    }
    const m = measured.get(target as Node);
    if (!m) {
      problems.push({ offset, field: fieldOf(path), message: `alias *${a.source} is inside the value it refers to, which would never end`, hint: 'write the value out instead of the alias.' });
      return { size: 1, depth: 0 };
    }
    expanded += m.size;
    if (expanded > MAX_ALIAS_VALUES && !bombReported) {
      bombReported = true;
      problems.push({
        offset,
        field: fieldOf(path),
        message: `aliases expand to more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values by this alias *${a.source} (an alias bomb?)`,
        hint: 'use fewer nested anchors and aliases, or write the values out.',
      });
    }
    if (level + m.depth > MAX_DEPTH) problems.push(depthProblem(offset, fieldOf(path), `*${a.source}`));
    return m;
  };

  const duplicateKeys = (items: readonly unknown[], path: PathLink | undefined) => {
    const seen = new Map<string, Node>();
    for (const item of items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const name = String(item.key.value);
      const first = seen.get(name);
      if (!first) {
        seen.set(name, item.key);
        continue;
      }
      problems.push({
        offset: item.key.range?.[0] ?? 0,
        field: fieldOf({ parent: path, key: name }),
        message: `duplicate key "${name}"`,
        hint: `the first "${name}" is on line ${lineOf(first.range?.[0] ?? 0)}; keep one of them.`,
      });
    }
  };

  const unclosed = (n: Node & { flow?: boolean }, path: PathLink | undefined) => {
    const offset = n.range?.[0];
    if (!n.flow || offset === undefined || !unclosedAt.has(offset)) return;
    const [open, close, what] = isSeq(n) ? ['[', ']', 'list'] : ['{', '}', 'mapping'];
    problems.push({
      offset,
      field: fieldOf(path),
      message: `the "${open}" opened here (line ${lineOf(offset)}) is not closed with "${close}"`,
      hint: `add "${close}" at the end of the ${what}; a ${open}...${close} that spans lines must be indented more than its key.`,
    });
  };

  walk(doc.contents, undefined, 0);
  return problems;
}

/** Positions for problems found by offset. */
export function locateProblems(problems: readonly Problem[], file: string, lines: LineCounter): Diagnostic[] {
  return problems.map(({ offset, ...rest }) => {
    const { line, col } = lines.linePos(offset);
    return { location: { file, line, column: col }, ...rest };
  });
}

export type { Problem as YamlProblem };
