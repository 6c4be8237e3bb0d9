/**
 * Source positions for a parsed intents file, so that every later error can point at the line
 * a user has to change. Only the loader and the checks read this; the model keeps plain
 * `SourceLocation`s.
 */
import { Composer, Document, isMap, isNode, isPair, isScalar, LineCounter, Node, Parser, YAMLParseError } from 'yaml';
import { FieldPath, SourceLocation } from './diagnostics';
import { YamlProblem, scanTokens } from './yaml-guards';

export class SourceMap {
  constructor(
    public readonly file: string,
    private readonly doc: Document.Parsed | undefined,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses `text` as one YAML document, the way yaml's `parseDocument` does (parser, then composer), with
   * the nesting depth checked on the parser's tokens in between: the composer recurses, and input deep
   * enough to overflow the stack is refused before it gets there (`doc` is then undefined).
   */
  static parse(file: string, text: string): { source: SourceMap; doc?: Document.Parsed; tooDeep?: YamlProblem; unclosed: ReadonlySet<number> } {
    const lines = new LineCounter();
    const tokens = [...new Parser(lines.addNewLine).parse(text)];
    const { tooDeep, unclosed } = scanTokens(tokens);
    if (tooDeep) return { source: new SourceMap(file, undefined, lines), tooDeep, unclosed };
    const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
    let doc: Document.Parsed | undefined;
    for (const next of composer.compose(tokens, true, text.length)) {
      if (!doc) doc = next;
      else {
        // A second document (after ---) would be ignored silently.
        doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'the file holds more than one YAML document (a second one starts here)'));
        break;
      }
    }
    return { source: new SourceMap(file, doc, lines), doc, unclosed };
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
