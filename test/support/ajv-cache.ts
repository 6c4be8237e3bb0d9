/**
 * Compiled JSON Schema validators, kept on disk between test files and runs: compiling the Kubernetes
 * definitions and the large CRDs (Cilium, Argo CD's ApplicationSet) costs seconds of CPU in every
 * test file that validates, while loading ajv's standalone code for them costs milliseconds. Entries
 * are named by a hash of the schema and ajv's version, so a changed schema compiles anew; files are
 * written whole (write, then rename), so parallel workers never read half a file. The cache lives
 * in node_modules/.cache, where the generated code resolves ajv's runtime helpers.
 */
import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;
export const CACHE_DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'bulkhead-tests');

export function hashOf(...parts: string[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
}

/** Writes `text` to `file` whole: a reader sees the old file, no file, or the new one. */
export function writeWhole(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Shared schemas (the Kubernetes definitions are megabytes) are serialized once per test file. */
const texts = new WeakMap<object, string>();
function textOf(schema: object): string {
  let text = texts.get(schema);
  if (text === undefined) texts.set(schema, (text = JSON.stringify(schema)));
  return text;
}

/**
 * The validator for `schema` (with `refs`: schemas added under their `$id`), from the cache or
 * compiled now and cached. `name` only makes the cache readable.
 */
export function cachedValidator(name: string, schema: object, refs: readonly object[] = []): ValidateFunction {
  const key = hashOf(AJV_VERSION, JSON.stringify(schema), ...refs.map(textOf));
  const file = path.join(CACHE_DIR, `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}-${key}.js`);
  if (fs.existsSync(file)) return require(file) as ValidateFunction;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { source: true } });
  for (const r of refs) ajv.addSchema(r);
  const validate = ajv.compile(schema);
  writeWhole(file, standaloneCode(ajv, validate));
  return validate;
}
