/**
 * Messages for values that fail a pattern of the schema, by what the pattern stands for: an address block
 * says its canonical form (addresses.ts), a port name why it is not one, a quantity what it probably meant,
 * and any name with a character that only looks right (a Cyrillic "а", a full-width digit) which
 * character, where. Without a specific explainer the schema's description is the hint.
 */
import { checkCidr } from './addresses';
import { portNameProblem } from './port-names';

export interface Explanation {
  readonly message: string;
  readonly hint: string;
}

/** The explanation for `value` failing the pattern at `schemaPath` (ajv's, e.g. `#/definitions/cidr/pattern`), if there is a specific one. */
export function explainPattern(schemaPath: string, value: string): Explanation | undefined {
  const definition = /#\/definitions\/([^/]+)\//.exec(schemaPath)?.[1];
  if (definition === 'cidr') {
    const checked = checkCidr(value);
    if ('problem' in checked) return checked.problem;
  }
  if (definition === 'portName') {
    if (/^[0-9]+$/.test(value)) return { message: `"${value}" is a port number in quotes, which reads as a port name`, hint: `write ${value} without quotes, or name the port (a port name needs a letter).` };
    const problem = portNameProblem(value);
    if (problem) return { message: `port name "${value}" is not valid: ${problem}`, hint: 'a port name is at most 15 lowercase letters, digits and single "-", with at least one letter (e.g. http, grpc, postgres).' };
  }
  if (definition === 'quantity') return quantity(value);
  return lookalike(value);
}

const QUANTITY_HINT = 'write a Kubernetes quantity: CPU as 250m or 1 (cores), memory as 256Mi or 1Gi (binary: Ki, Mi, Gi, Ti) or 1G (decimal: k, M, G, T).';

function quantity(value: string): Explanation {
  const unit = /^([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT])(i?)[bB]$/.exec(value);
  if (unit) {
    const letter = unit[2] === 'k' || unit[2] === 'K' ? 'K' : unit[2].toUpperCase();
    const binary = `${unit[1]}${letter}i`;
    const decimal = `${unit[1]}${letter === 'K' ? 'k' : letter}`;
    return { message: `"${value}" is not a Kubernetes quantity (no "B" for bytes)`, hint: `write ${binary} (${letter === 'K' ? 'kibi' : letter === 'M' ? 'mebi' : letter === 'G' ? 'gibi' : 'tebi'}bytes) or ${decimal} (decimal).` };
  }
  return { message: `"${value}" is not a Kubernetes quantity`, hint: QUANTITY_HINT };
}

/** Characters that look like ASCII letters or digits in names, mapped to what they look like. */
const LOOKALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h',
  α: 'a', ο: 'o', ν: 'v', ρ: 'p', τ: 't', ι: 'i', κ: 'k', χ: 'x', υ: 'u',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2212': '-',
};

/** For a value with a character outside printable ASCII: which one, at which index, and what it resembles. */
export function lookalike(value: string): Explanation | undefined {
  const chars = [...value];
  const index = chars.findIndex((ch) => ch < ' ' || ch > '~');
  if (index < 0) return undefined;
  const ch = chars[index];
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const fullWidth = ch >= '\uff01' && ch <= '\uff5e' ? String.fromCharCode(ch.charCodeAt(0) - 0xfee0) : undefined;
  const looks = LOOKALIKES[ch] ?? fullWidth;
  return {
    message: `${JSON.stringify(value)} has the character "${ch}" (${code}) at index ${index}${looks ? `, which looks like "${looks}" but is not ASCII` : ', which is not ASCII'}`,
    hint: looks ? `retype it as "${chars.map((c, i) => (i === index ? looks : c)).join('')}" (names allow only ASCII letters, digits and "-").` : 'names allow only ASCII lowercase letters, digits and "-"; retype the name.',
  };
}
