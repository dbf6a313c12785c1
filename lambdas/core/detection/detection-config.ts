import { z } from 'zod';
import { DurationSchema } from '../config/duration.js';
import { RULE_PACKS, type RulePackName } from '../rules/rule-pack.js';

const PACK_NAMES = Object.keys(RULE_PACKS) as [RulePackName, ...RulePackName[]];

function knownRuleNames(): Set<string> {
  return new Set(Object.values(RULE_PACKS).flatMap((pack) => pack.rules.map((rule) => rule.name)));
}

function correlationNames(): Set<string> {
  return new Set(Object.values(RULE_PACKS).flatMap((pack) => pack.rules.filter((r) => r.kind === 'correlation').map((r) => r.name)));
}

/**
 * The `detection` section of firebreak.config.json: which rule packs run, rules turned off, and per-correlation threshold
 * and window (e.g. brute force). Names are checked against the compiled packs: a typo is an error, never a silent no-op.
 */
export const DetectionConfigSchema = z
  .strictObject({
    packs: z.array(z.enum(PACK_NAMES)).min(1).default(['builtin']),
    disabledRules: z.array(z.string().min(1)).default([]),
    correlations: z
      .record(
        z.string(),
        z.strictObject({
          /** Fire at this many events (event_count) or distinct values (value_count) instead of the rule's own. */
          threshold: z.number().int().min(1).optional(),
          /** Window such as `10m`; replaces the rule's timespan. */
          window: DurationSchema.optional(),
        }),
      )
      .default({}),
  })
  .superRefine((section, ctx) => {
    const known = knownRuleNames();
    section.disabledRules.forEach((name, i) => {
      if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['disabledRules', i], message: `unknown rule '${name}'` });
    });
    const correlations = correlationNames();
    for (const name of Object.keys(section.correlations)) {
      if (!correlations.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['correlations', name], message: `unknown correlation rule '${name}' (known: ${[...correlations].sort().join(', ')})` });
      }
    }
  });
export type DetectionConfig = z.infer<typeof DetectionConfigSchema>;

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = { packs: ['builtin'], disabledRules: [], correlations: {} };
