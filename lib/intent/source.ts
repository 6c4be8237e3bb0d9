/**
 * Source positions for a parsed intents file, so that every later error can point at the line
 * a user has to change. Only the loader and the checks read this; the model keeps plain
 * `SourceLocation`s.
 */
import { Document, isMap, isNode, isPair, isScalar, LineCounter, Node, parseDocument } from 'yaml';
import { FieldPath, SourceLocation } from './diagnostics';

export class SourceMap {
  constructor(
    public readonly file: string,
    private readonly doc: Document.Parsed | undefined,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): { source: SourceMap; doc: Document.Parsed } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return { source: new SourceMap(file, doc, lines), doc };
  }

  /** A location from a character offset in the file. */
  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /**
   * The location of the value at `path`, or of the nearest ancestor that exists (a missing field
   * is reported where its parent object starts). With `key`, the key of the last segment instead.
   */
  locate(path: FieldPath, opts: { key?: boolean } = {}): SourceLocation {
    if (!this.doc) return { file: this.file, line: 1, column: 1 };
    let node: unknown = this.doc.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (let i = 0; i < path.length; i++) {
      const part = path[i];
      if (!isNode(node)) break;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) break;
        if (opts.key && i === path.length - 1 && isNode(pair.key)) return this.rangeStart(pair.key);
        node = pair.value;
      } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items) && typeof part === 'number') {
        node = (node as { items: unknown[] }).items[part];
      } else {
        break;
      }
      if (isNode(node)) best = node;
    }
    return best ? this.rangeStart(best) : { file: this.file, line: 1, column: 1 };
  }

  private rangeStart(node: Node): SourceLocation {
    return node.range ? this.at(node.range[0]) : { file: this.file, line: 1, column: 1 };
  }
}
