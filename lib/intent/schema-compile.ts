/**
 * The JSON Schema validator of the intents, compiled by Ajv. Compiling the schema costs about a third of a
 * second of CPU on every synth, so the package's build compiles it once, to JavaScript (Ajv's standalone
 * code, written to build/lib/intent/platform-schema-validator.js by scripts/build-validator.cjs), and
 * schema.ts loads that when it is there; from the TypeScript sources (tests, tsx) it compiles here.
 * test/intent/schema-standalone.test.ts holds both to the same errors.
 */
import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import * as schemaJson from '../../schema/platform.schema.json';

const SCHEMA: object = (schemaJson as { default?: object }).default ?? schemaJson;
/** `verbose`: errors carry their schema (descriptions become hints); `strict`: the schema itself is checked. */
const OPTIONS = { allErrors: true, verbose: true, strict: true } as const;

export function compileSchema(): ValidateFunction {
  return new Ajv(OPTIONS).compile(SCHEMA);
}

/** The validator as a CommonJS module's source. */
export function standaloneValidatorSource(): string {
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  return standaloneCode(ajv, ajv.compile(SCHEMA));
}
