import { isIP } from 'node:net';
import { ValidationError } from '../../lambdas/core/errors.js';

/**
 * An EventBridge event pattern evaluator, so `firebreak replay` and the e2e tests route an event through the *synthesized*
 * rules exactly as the bus would. No npm package does this; the semantics follow the EventBridge user guide
 * ("Content filtering in Amazon EventBridge event patterns", "Comparison operators", "null values and empty strings"):
 *
 * - A pattern is an object; every key must match (AND). A leaf is an array of conditions; any condition may match (OR).
 * - An array in the event matches when any of its elements matches. Fields compared together inside an array of objects must
 *   come from the same element (EventBridge's "array consistency").
 * - `null` and `""` are distinct values; a missing field matches nothing but `{"exists": false}` (and a nested `$or` branch).
 * - Operators: exact (string, number, boolean, null), prefix, suffix (each also with `equals-ignore-case`), equals-ignore-case,
 *   wildcard (`*`, `\*` escapes), anything-but (value, list, prefix, suffix, wildcard, equals-ignore-case), numeric ranges,
 *   exists, cidr (IPv4 and IPv6), and `$or` at any object level.
 *
 * Patterns are compiled once (validated, so a typo in a synthesized rule fails loudly instead of matching nothing) and then
 * evaluated per event.
 */
export type EventPatternMatcher = (event: unknown) => boolean;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type LeafTest = (value: Json) => boolean;

/** Whether `pattern` selects `event`. Convenience wrapper; compile once when matching many events. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

/** Validates `pattern` and returns a matcher; throws a ValidationError naming the offending path. */
export function compileEventPattern(pattern: unknown): EventPatternMatcher {
  const parsed = typeof pattern === 'string' ? parsePatternString(pattern) : pattern;
  if (!isPlainObject(parsed)) throw invalid('(root)', 'an event pattern must be a JSON object');
  const node = compileObject(parsed, []);
  return (event) => isPlainObject(event) && node(event as { [key: string]: Json });
}

type ObjectTest = (value: { [key: string]: Json }) => boolean;

/**
 * Why `pattern` does not select `event`: the first field (as a dotted path) whose conditions fail, with what the pattern
 * expects and what the event has; `undefined` when it matches. For messages such as "no rule matches this event".
 */
export function explainMismatch(pattern: unknown, event: unknown): string | undefined {
  const parsed = typeof pattern === 'string' ? parsePatternString(pattern) : pattern;
  if (!isPlainObject(parsed)) throw invalid('(root)', 'an event pattern must be a JSON object');
  if (!isPlainObject(event)) return 'the event is not a JSON object';
  return explainObject(parsed, event as { [key: string]: Json }, []);
}

/** The envelope's routing fields are explained first: "wrong source" says more than a detail field of another service. */
const EXPLAIN_FIRST = ['source', 'detail-type'];

function explainObject(pattern: Record<string, unknown>, event: { [key: string]: Json }, path: readonly string[]): string | undefined {
  const entries = Object.entries(pattern).sort(
    ([a], [b]) => (EXPLAIN_FIRST.includes(b) ? 1 : 0) - (EXPLAIN_FIRST.includes(a) ? 1 : 0),
  );
  for (const [key, value] of entries) {
    const here = [...path, key];
    const where = here.join('.');
    if (key === '$or') {
      const branches = value as Record<string, unknown>[];
      if (!branches.some((branch, i) => compileObject(branch, [...here, String(i)])(event))) {
        return `${path.join('.') || '(root)'}: none of the $or alternatives match`;
      }
    } else if (Array.isArray(value)) {
      if (!compileLeaf(key, value, here)(event)) {
        const actual = event[key];
        return `${where}: expected ${abbreviate(value)}, the event has ${actual === undefined ? 'no such field' : abbreviate(actual)}`;
      }
    } else if (isPlainObject(value)) {
      const field = event[key];
      if (field === undefined) {
        const inner = explainObject(value, {}, here);
        if (inner) return inner;
        continue;
      }
      const candidates = (Array.isArray(field) ? field : [field]).filter(isPlainObject) as { [key: string]: Json }[];
      if (candidates.length === 0) return `${where}: expected an object, the event has ${JSON.stringify(field)}`;
      const reasons = candidates.map((candidate) => explainObject(value, candidate, here));
      if (reasons.every((reason) => reason !== undefined)) return reasons[0];
    }
  }
  return undefined;
}

function compileObject(pattern: Record<string, unknown>, path: readonly string[]): ObjectTest {
  const tests: ObjectTest[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const here = [...path, key];
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        throw invalid(here, '$or needs an array of at least two pattern objects');
      }
      const branches = value.map((branch, i) => compileObject(branch as Record<string, unknown>, [...here, String(i)]));
      tests.push((event) => branches.some((branch) => branch(event)));
    } else if (Array.isArray(value)) {
      tests.push(compileLeaf(key, value, here));
    } else if (isPlainObject(value)) {
      const child = compileObject(value, here);
      tests.push((event) => {
        const field = event[key];
        if (field === undefined) return child({});
        // An array of objects: some element must satisfy every key of the sub-pattern on its own (array consistency).
        const candidates = Array.isArray(field) ? field : [field];
        return candidates.some((candidate) => isPlainObject(candidate) && child(candidate as { [key: string]: Json }));
      });
    } else {
      throw invalid(here, 'a pattern value must be an array of conditions or a nested object');
    }
  }
  return (event) => tests.every((test) => test(event));
}

function compileLeaf(key: string, conditions: unknown[], path: readonly string[]): ObjectTest {
  if (conditions.length === 0) throw invalid(path, 'a condition list must not be empty');
  let existence: boolean | undefined;
  const valueTests: LeafTest[] = [];
  conditions.forEach((condition, i) => {
    const here = [...path, String(i)];
    if (isPlainObject(condition) && 'exists' in condition) {
      if (Object.keys(condition).length !== 1 || typeof condition.exists !== 'boolean') {
        throw invalid(here, 'exists takes true or false');
      }
      existence = condition.exists;
    } else {
      valueTests.push(compileCondition(condition, here));
    }
  });
  return (event) => {
    const leaves = leafValues(event[key]);
    if (existence === true && leaves.length > 0) return true;
    if (existence === false && leaves.length === 0) return true;
    return leaves.some((leaf) => valueTests.some((test) => test(leaf)));
  };
}

/** The scalar values at a field: itself, or the scalar elements of an array. Objects are not leaves (exists: leaf nodes only). */
function leafValues(field: Json | undefined): Json[] {
  if (field === undefined) return [];
  if (Array.isArray(field)) return field.filter((element) => !isPlainObject(element) && !Array.isArray(element));
  return isPlainObject(field) ? [] : [field];
}

function compileCondition(condition: unknown, path: readonly string[]): LeafTest {
  if (condition === null || typeof condition === 'string' || typeof condition === 'boolean') {
    return (value) => value === condition;
  }
  if (typeof condition === 'number') return (value) => typeof value === 'number' && value === condition;
  if (!isPlainObject(condition)) throw invalid(path, 'a condition must be a value or an operator object');
  const keys = Object.keys(condition);
  if (keys.length !== 1) throw invalid(path, `a condition has exactly one operator, got ${keys.join(', ') || 'none'}`);
  const operator = keys[0] as string;
  const operand = condition[operator];
  const here = [...path, operator];
  switch (operator) {
    case 'prefix':
      return compileAffix(operand, here, (value, affix) => value.startsWith(affix));
    case 'suffix':
      return compileAffix(operand, here, (value, affix) => value.endsWith(affix));
    case 'equals-ignore-case': {
      const expected = requireString(operand, here).toLowerCase();
      return (value) => typeof value === 'string' && value.toLowerCase() === expected;
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(operand, here), here);
      return (value) => typeof value === 'string' && regex.test(value);
    }
    case 'anything-but':
      return compileAnythingBut(operand, here);
    case 'numeric':
      return compileNumeric(operand, here);
    case 'cidr':
      return compileCidr(operand, here);
    default:
      throw invalid(here, `unsupported operator '${operator}'`);
  }
}

/** prefix/suffix take a string or `{ "equals-ignore-case": string }`; they only ever match strings. */
function compileAffix(operand: unknown, path: readonly string[], test: (value: string, affix: string) => boolean): LeafTest {
  if (typeof operand === 'string') return (value) => typeof value === 'string' && test(value, operand);
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    const affix = (operand['equals-ignore-case'] as string).toLowerCase();
    return (value) => typeof value === 'string' && test(value.toLowerCase(), affix);
  }
  throw invalid(path, 'expected a string or {"equals-ignore-case": string}');
}

function compileAnythingBut(operand: unknown, path: readonly string[]): LeafTest {
  if (typeof operand === 'string' || typeof operand === 'number') {
    return (value) => value !== operand;
  }
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || (!allStrings && !allNumbers)) {
      throw invalid(path, 'anything-but takes a non-empty list of only strings or only numbers');
    }
    return (value) => !operand.includes(value as never);
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) throw invalid(path, 'anything-but takes exactly one nested operator');
    const inner = keys[0] as string;
    const values = stringOrStringList(operand[inner], [...path, inner]);
    switch (inner) {
      case 'prefix':
        return (value) => typeof value === 'string' && values.every((prefix) => !value.startsWith(prefix));
      case 'suffix':
        return (value) => typeof value === 'string' && values.every((suffix) => !value.endsWith(suffix));
      case 'equals-ignore-case': {
        const lowered = values.map((item) => item.toLowerCase());
        return (value) => typeof value === 'string' && !lowered.includes(value.toLowerCase());
      }
      case 'wildcard': {
        const regexes = values.map((item) => wildcardRegex(item, [...path, inner]));
        return (value) => typeof value === 'string' && regexes.every((regex) => !regex.test(value));
      }
      default:
        throw invalid([...path, inner], `unsupported anything-but operator '${inner}'`);
    }
  }
  throw invalid(path, 'anything-but takes a string, a number, a list, or {prefix|suffix|wildcard|equals-ignore-case}');
}

const NUMERIC_OPERATORS: Readonly<Record<string, (left: number, right: number) => boolean>> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `["<", 10]`, `[">", 0, "<=", 5]`, `["=", 301.8]`: a conjunction of at most one lower and one upper bound. */
function compileNumeric(operand: unknown, path: readonly string[]): LeafTest {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw invalid(path, 'numeric takes [op, number] or [lowerOp, number, upperOp, number]');
  }
  const comparisons: ((value: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    const compare = typeof op === 'string' ? NUMERIC_OPERATORS[op] : undefined;
    if (!compare || typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw invalid([...path, String(i)], `expected one of ${Object.keys(NUMERIC_OPERATORS).join(' ')} followed by a number`);
    }
    comparisons.push((value) => compare(value, bound));
  }
  return (value) => typeof value === 'number' && comparisons.every((compare) => compare(value));
}

function compileCidr(operand: unknown, path: readonly string[]): LeafTest {
  const text = requireString(operand, path);
  const [address, bitsText, extra] = text.split('/');
  const version = address ? isIP(address) : 0;
  const bits = Number(bitsText);
  const width = version === 4 ? 32 : 128;
  if (version === 0 || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > width || bitsText === '') {
    throw invalid(path, `'${text}' is not a CIDR block`);
  }
  const network = ipToBigInt(address as string, version);
  const shift = BigInt(width - bits);
  return (value) => {
    if (typeof value !== 'string' || isIP(value) !== version) return false;
    return ipToBigInt(value, version) >> shift === network >> shift;
  };
}

function ipToBigInt(address: string, version: number): bigint {
  if (version === 4) {
    return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  }
  // Expand an IPv6 address (with `::` and an optional embedded IPv4 tail) to eight 16-bit groups.
  let text = address.toLowerCase();
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = ipToBigInt(v4Tail[1] as string, 4);
    text = `${text.slice(0, -(v4Tail[1] as string).length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** `*` matches any run of characters (including none); `\*` is a literal star; `\\` a literal backslash. */
function wildcardRegex(wildcard: string, path: readonly string[]): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i += 1) {
    const ch = wildcard[i] as string;
    if (ch === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') throw invalid(path, `invalid escape in wildcard '${wildcard}'`);
      source += `\\${next}`;
      i += 1;
    } else if (ch === '*') {
      if (wildcard[i + 1] === '*') throw invalid(path, `consecutive '*' are not allowed in wildcard '${wildcard}'`);
      source += '.*';
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function stringOrStringList(operand: unknown, path: readonly string[]): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((item) => typeof item === 'string')) return operand;
  throw invalid(path, 'expected a string or a non-empty list of strings');
}

function requireString(operand: unknown, path: readonly string[]): string {
  if (typeof operand !== 'string') throw invalid(path, 'expected a string');
  return operand;
}

function parsePatternString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`invalid event pattern: not JSON (${(error as Error).message})`, [], { cause: error });
  }
}

/** Long condition lists (generated CloudTrail patterns list dozens of names) are cut for a one-line message. */
function abbreviate(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.length <= 160) return text;
  return `${text.slice(0, 150)}…${Array.isArray(value) ? ` (${value.length} conditions)` : ''}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: readonly string[] | string, message: string): ValidationError {
  const where = typeof path === 'string' ? path : path.join('.') || '(root)';
  return new ValidationError(`invalid event pattern at ${where}: ${message}`, [`${where}: ${message}`]);
}
