import builtinPack from './generated/builtin-pack.json' with { type: 'json' };
import sigmahqPack from './generated/sigmahq-pack.json' with { type: 'json' };
import { RuleEngine } from './sigma-evaluator.js';
import { RULE_PACK_FORMAT_VERSION, type RuleIR, type RulePackIR } from './sigma-ir.js';

/** Rule packs compiled by `npm run rules:compile` (JSON, bundled into the Lambda): no YAML parsing at cold start. */
export const RULE_PACKS = {
  builtin: builtinPack as unknown as RulePackIR,
  sigmahq: sigmahqPack as unknown as RulePackIR,
} as const;
export type RulePackName = keyof typeof RULE_PACKS;

/** The built-in pack is always on; SigmaHQ's community rules are opt-in (noisier, not tuned for automatic response). */
export const DEFAULT_PACKS: readonly RulePackName[] = ['builtin'];

export function activeRules(packs: readonly RulePackName[] = DEFAULT_PACKS, disabled: readonly string[] = []): RuleIR[] {
  const off = new Set(disabled);
  return packs.flatMap((name) => {
    const pack = RULE_PACKS[name];
    if (pack.formatVersion !== RULE_PACK_FORMAT_VERSION) {
      throw new Error(`rule pack ${name} was compiled with format ${pack.formatVersion}, expected ${RULE_PACK_FORMAT_VERSION}: run npm run rules:compile`);
    }
    return pack.rules.filter((rule) => !off.has(rule.name));
  });
}

const engines = new Map<string, RuleEngine>();

/** One engine per pack selection, built once per container (closures from JSON: a few milliseconds). */
export function ruleEngineFor(packs: readonly RulePackName[] = DEFAULT_PACKS, disabled: readonly string[] = []): RuleEngine {
  const key = `${packs.join(',')}|${[...disabled].sort().join(',')}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = new RuleEngine(activeRules(packs, disabled));
    engines.set(key, engine);
  }
  return engine;
}
