import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { ResourceClassSchema, type SeverityLabel } from '../findings/finding.js';
import { ATTACK_TACTICS } from '../findings/attack-tactics.js';
import { formatZodIssues } from '../zod-issues.js';
import { compileCidr } from './cidr-match.js';
import { parseSigmaCondition } from './sigma-condition.js';
import { constraintOf } from './sigma-constraints.js';
import {
  RULE_PACK_FORMAT_VERSION,
  type ConditionIR,
  type ConstraintIR,
  type CorrelationRuleIR,
  type DetectionRuleIR,
  type FieldTestIR,
  type RuleIR,
  type RulePackIR,
  type SearchIR,
  type ValueTestIR,
} from './sigma-ir.js';

/** A rule file that cannot be compiled: the message names the file and the reason. */
export class RuleCompileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'RuleCompileError';
  }
}

const LEVELS: Record<string, SeverityLabel> = {
  informational: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};


const CommonSchema = {
  title: z.string().min(1),
  id: z.string().min(1),
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'expected a kebab-case name' }).optional(),
  status: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional(),
  /** Firebreak extension: what the finding is about, when the actor alone does not say it (a trail, a security group). */
  firebreak: z
    .strictObject({
      resourceClass: ResourceClassSchema.optional(),
      readOnlyEvents: z.boolean().optional(),
      peers: z.strictObject({ factor: z.number().gt(1), minPeers: z.number().int().min(1), floor: z.number().int().min(1) }).optional(),
    })
    .optional(),
};

const DetectionDocSchema = z.object({
  ...CommonSchema,
  logsource: z.object({ product: z.string().optional(), service: z.string().optional(), category: z.string().optional() }),
  detection: z.record(z.string(), z.unknown()),
});

const DurationSchema = z.string().regex(/^\d+[smhd]$/, { message: "expected a timespan like '10m', '1h', '30s', '1d'" });

const CorrelationDocSchema = z.object({
  ...CommonSchema,
  correlation: z.object({
    type: z.enum(['event_count', 'value_count', 'temporal']),
    rules: z.union([z.string(), z.array(z.string()).min(1)]),
    'group-by': z.array(z.string()).optional(),
    timespan: DurationSchema,
    condition: z
      .object({ field: z.string().optional(), gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional(), eq: z.number().optional() })
      .optional(),
    generate: z.boolean().optional(),
  }),
});

function seconds(timespan: string): number {
  const n = Number(timespan.slice(0, -1));
  const unit = timespan.slice(-1);
  return n * (unit === 's' ? 1 : unit === 'm' ? 60 : unit === 'h' ? 3600 : 86400);
}

/** Tags → ATT&CK tactic ids (`attack.credential_access` → TA0006) and technique ids (`attack.t1078.004` → T1078.004). */
export function attackFromTags(tags: readonly string[]): { tactics: string[]; techniques: string[] } {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const rest = lower.slice('attack.'.length);
    if (/^t\d{4}(\.\d{3})?$/.test(rest)) techniques.add(rest.toUpperCase());
    else if (/^ta\d{4}$/.test(rest)) tactics.add(rest.toUpperCase());
    else if (!/^[gs]\d{4}$/.test(rest)) {
      const id = ATTACK_TACTICS[rest.replace(/-/g, '_') as keyof typeof ATTACK_TACTICS];
      // Tactic names newer than this table (ATT&CK renames) are kept verbatim rather than dropped.
      tactics.add(id ?? rest);
    }
  }
  return { tactics: [...tactics], techniques: [...techniques] };
}

const SUPPORTED_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'cidr', 'exists', 'fieldref', 'gt', 'gte', 'lt', 'lte', 'i', 'm', 's']);

function hasWildcard(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '*' || c === '?') return true;
  }
  return false;
}

/** Sigma escapes: `\*`, `\?`, `\\` are literals; any other backslash is itself. */
function unescape(value: string): string {
  return value.replace(/\\([*?\\])/g, '$1');
}

function globRegex(value: string, prefix: boolean, suffix: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1]!)) {
      out += value[i + 1]!.replace(/[*?\\]/g, '\\$&');
      i++;
    } else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += c.toLowerCase().replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return `^${prefix ? '.*' : ''}${out}${suffix ? '.*' : ''}$`;
}

function compileValue(field: string, modifiers: Set<string>, raw: unknown): ValueTestIR {
  const where = `field '${field}'`;
  if (modifiers.has('exists')) {
    if (typeof raw !== 'boolean') throw new Error(`${where}: |exists needs true or false`);
    return { op: 'exists', value: raw };
  }
  if (raw === null) return { op: 'null' };
  if (typeof raw === 'object') throw new Error(`${where}: values must be scalars or a list of scalars`);
  for (const cmp of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (modifiers.has(cmp)) {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${where}: |${cmp} needs a number`);
      return { op: cmp, value: n };
    }
  }
  const text = String(raw);
  if (modifiers.has('re')) {
    const flags = `${modifiers.has('i') ? 'i' : ''}${modifiers.has('m') ? 'm' : ''}${modifiers.has('s') ? 's' : ''}`;
    try {
      new RegExp(text, flags);
    } catch (error) {
      throw new Error(`${where}: invalid regular expression: ${(error as Error).message}`);
    }
    return { op: 're', regex: text, flags };
  }
  if (modifiers.has('cidr')) {
    try {
      compileCidr(text);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
    return { op: 'cidr', cidr: text };
  }
  const contains = modifiers.has('contains');
  const starts = modifiers.has('startswith');
  const ends = modifiers.has('endswith');
  if (modifiers.has('fieldref')) {
    return { op: 'fieldref', path: text.split('.'), mode: contains ? 'contains' : starts ? 'startswith' : ends ? 'endswith' : 'eq' };
  }
  if (hasWildcard(text)) return { op: 'glob', regex: globRegex(text, contains || ends, contains || starts) };
  const literal = unescape(text);
  const lower = literal.toLowerCase();
  if (contains) return { op: 'contains', value: lower };
  if (starts) return { op: 'startswith', value: lower, original: literal };
  if (ends) return { op: 'endswith', value: lower };
  return { op: 'eq', value: lower, original: literal };
}

function compileField(key: string, raw: unknown): FieldTestIR {
  const [field, ...mods] = key.split('|');
  if (!field) throw new Error(`'${key}': empty field name`);
  const modifiers = new Set(mods);
  for (const mod of modifiers) {
    if (!SUPPORTED_MODIFIERS.has(mod)) throw new Error(`field '${field}': modifier '${mod}' is not supported`);
  }
  if (modifiers.has('re') && (modifiers.has('contains') || modifiers.has('startswith') || modifiers.has('endswith'))) {
    throw new Error(`field '${field}': |re cannot be combined with contains/startswith/endswith`);
  }
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new Error(`field '${field}': empty value list`);
  return { field, path: field.split('.'), all: modifiers.has('all'), tests: values.map((v) => compileValue(field, modifiers, v)) };
}

function compileSearch(name: string, raw: unknown): SearchIR {
  const toMap = (value: unknown): FieldTestIR[] => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`search '${name}': keyword searches (values without a field name) are not supported for CloudTrail`);
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) throw new Error(`search '${name}': empty map`);
    return entries.map(([key, v]) => compileField(key, v));
  };
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new Error(`search '${name}': empty list`);
    return { maps: raw.map(toMap) };
  }
  return { maps: [toMap(raw)] };
}

/** CloudTrail read-only calls reach EventBridge only on a rule in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS state. */
const READ_ONLY_NAME = /^(Get|List|Describe|Head|Lookup|Search|BatchGet|Decrypt|Select|Scan|Query|Download)/;

function needsReadOnly(eventName: ConstraintIR): boolean {
  if (eventName.kind === 'any') return true;
  return eventName.exact.some((n) => READ_ONLY_NAME.test(n)) || eventName.prefixes.some((p) => READ_ONLY_NAME.test(p) || READ_ONLY_NAME.test(`${p}X`));
}

function describeIssues(error: z.ZodError): string {
  return formatZodIssues(error).join('; ');
}

export interface CompileOptions {
  pack: string;
  /** Name used when a document has no `name`: derived from the file name. */
  defaultName?: string;
}

/** One rule file (one or more YAML documents) → rules. Throws RuleCompileError naming the file and the reason. */
export function compileRuleFile(file: string, text: string, options: CompileOptions): RuleIR[] {
  const fail = (reason: string): never => {
    throw new RuleCompileError(file, reason);
  };
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return fail('not a YAML document stream');
  const out: RuleIR[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) fail(`YAML error: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const where = docs.length > 1 ? `document ${index + 1}: ` : '';
    if (typeof value !== 'object' || Array.isArray(value)) return fail(`${where}expected a mapping`);
    const baseName = options.defaultName ?? file.replace(/^.*\//, '').replace(/\.ya?ml$/, '').replace(/_/g, '-').toLowerCase();
    try {
      if ('correlation' in value) out.push(compileCorrelation(value, options, file, baseName, index));
      else out.push(compileDetection(value, options, file, docs.length > 1 ? undefined : baseName));
    } catch (error) {
      if (error instanceof RuleCompileError) throw error;
      fail(`${where}${(error as Error).message}`);
    }
  });
  if (out.length === 0) fail('no rule in file');
  return out;
}

function meta(doc: z.infer<typeof DetectionDocSchema> | z.infer<typeof CorrelationDocSchema>, options: CompileOptions, file: string, name: string) {
  const tags = doc.tags ?? [];
  const { tactics, techniques } = attackFromTags(tags);
  return {
    name,
    id: doc.id,
    title: doc.title,
    description: (doc.description ?? '').trim(),
    level: LEVELS[doc.level ?? 'medium']!,
    tags,
    tactics,
    techniques,
    pack: options.pack,
    file,
    ...(doc.firebreak?.resourceClass ? { resourceClass: doc.firebreak.resourceClass } : {}),
  };
}

function compileDetection(value: object, options: CompileOptions, file: string, fallbackName: string | undefined): DetectionRuleIR {
  const parsed = DetectionDocSchema.safeParse(value);
  if (!parsed.success) throw new Error(describeIssues(parsed.error));
  const doc = parsed.data;
  const name = doc.name ?? fallbackName;
  if (!name) throw new Error('a rule in a multi-document file needs a `name`');
  const product = doc.logsource.product?.toLowerCase();
  const service = doc.logsource.service?.toLowerCase();
  if (doc.firebreak?.peers) throw new Error('firebreak.peers applies to event_count correlation rules only');
  if (product !== 'aws' || service !== 'cloudtrail') {
    throw new Error(`logsource ${product ?? '?'}/${service ?? '?'} is not supported (Firebreak evaluates aws/cloudtrail rules)`);
  }
  const { condition: rawCondition, timeframe, ...searchDefs } = doc.detection;
  if (timeframe !== undefined) throw new Error("'timeframe' is deprecated Sigma: write a correlation rule with a timespan");
  if (rawCondition === undefined) throw new Error('detection has no condition');
  const conditions = Array.isArray(rawCondition) ? rawCondition : [rawCondition];
  if (conditions.some((c) => typeof c !== 'string')) throw new Error('condition must be a string or a list of strings');
  const searches: Record<string, SearchIR> = {};
  for (const [searchName, def] of Object.entries(searchDefs)) searches[searchName] = compileSearch(searchName, def);
  const identifiers = Object.keys(searches);
  const parsedConditions = (conditions as string[]).map((c) => parseSigmaCondition(c, identifiers));
  const condition: ConditionIR = parsedConditions.length === 1 ? parsedConditions[0]! : { op: 'or', args: parsedConditions };
  const eventName = constraintOf(condition, searches, 'eventName');
  const eventSource = constraintOf(condition, searches, 'eventSource');
  return {
    kind: 'detection',
    ...meta(doc, options, file, name),
    searches,
    condition,
    eventSource,
    eventName,
    correlationOnly: false,
    readOnlyEvents: doc.firebreak?.readOnlyEvents ?? needsReadOnly(eventName),
  };
}

function compileCorrelation(value: object, options: CompileOptions, file: string, baseName: string, index: number): CorrelationRuleIR {
  const parsed = CorrelationDocSchema.safeParse(value);
  if (!parsed.success) throw new Error(describeIssues(parsed.error));
  const doc = parsed.data;
  const c = doc.correlation;
  const condition = c.condition ?? {};
  if (c.type !== 'temporal' && [condition.gt, condition.gte, condition.lt, condition.lte, condition.eq].every((v) => v === undefined)) {
    throw new Error(`correlation ${c.type} needs a condition (gte/gt/lte/lt/eq)`);
  }
  if (c.type === 'value_count' && !condition.field) throw new Error('value_count correlation needs condition.field');
  const rules = Array.isArray(c.rules) ? c.rules : [c.rules];
  if (doc.firebreak?.peers && (c.type !== 'event_count' || (c['group-by'] ?? []).length === 0)) {
    throw new Error('firebreak.peers applies to event_count correlations with a group-by only');
  }
  if (c.type === 'temporal' && rules.length < 2) throw new Error('temporal correlation needs at least two rules');
  return {
    kind: 'correlation',
    ...meta(doc, options, file, doc.name ?? `${baseName}-correlation-${index + 1}`),
    type: c.type,
    rules,
    groupBy: c['group-by'] ?? [],
    timespanSeconds: seconds(c.timespan),
    condition,
    ...(doc.firebreak?.peers ? { peers: doc.firebreak.peers } : {}),
    // Carried on the referenced rules at pack level (see compileRulePack).
    ...(c.generate ? { generate: true } : {}),
  } as CorrelationRuleIR;
}

export interface RuleSource {
  file: string;
  text: string;
}

/**
 * Compiles a pack. `strict` (the built-in pack): any bad file fails the whole compile. Otherwise (optional packs such as
 * SigmaHQ's) bad files are listed in `skipped` with the reason.
 */
export function compileRulePack(sources: readonly RuleSource[], options: { pack: string; strict: boolean }): RulePackIR {
  const rules: RuleIR[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const source of sources) {
    try {
      rules.push(...compileRuleFile(source.file, source.text, { pack: options.pack }));
    } catch (error) {
      if (options.strict || !(error instanceof RuleCompileError)) throw error;
      skipped.push({ file: source.file, reason: error.reason });
    }
  }
  linkCorrelations(rules, options.pack);
  return { formatVersion: RULE_PACK_FORMAT_VERSION, rules, skipped };
}

/** Checks unique names, resolves correlation references (by name or Sigma id) and marks correlation-only base rules. */
export function linkCorrelations(rules: RuleIR[], pack: string): void {
  const byName = new Map<string, RuleIR>();
  for (const rule of rules) {
    if (byName.has(rule.name)) throw new RuleCompileError(rule.file, `duplicate rule name '${rule.name}' in pack ${pack}`);
    byName.set(rule.name, rule);
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const rule of rules) {
    if (rule.kind !== 'correlation') continue;
    rule.rules = rule.rules.map((ref) => {
      const target = byName.get(ref) ?? byId.get(ref);
      if (!target || target.kind !== 'detection') {
        throw new RuleCompileError(rule.file, `correlation '${rule.name}' references unknown detection rule '${ref}'`);
      }
      const generate = (rule as CorrelationRuleIR & { generate?: boolean }).generate === true;
      if (!generate) target.correlationOnly = true;
      return target.name;
    });
    delete (rule as CorrelationRuleIR & { generate?: boolean }).generate;
  }
}
