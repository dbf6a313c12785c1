import type { Finding } from '../findings/finding.js';
import { normalizeGuardDutyFinding } from '../findings/guardduty/normalize-guardduty.js';
import type { NormalizeResult } from '../findings/normalize-result.js';
import { correlationKeyFor } from '../scoring/correlation-key.js';
import { createRiskScorer } from '../scoring/risk-score.js';
import { compileSuppressions, type Suppression } from '../scoring/suppression.js';
import type { FirebreakConfig } from '../config/firebreak-config.js';
import type { DetectionOptions, DetectionOutcome, ScoredFinding, SuppressedFinding } from './detection-types.js';
import { classifyEvent } from './classify-event.js';

export type { DetectionOptions, DetectionOutcome, ScoredFinding, SuppressedFinding } from './detection-types.js';

interface CompiledPolicy {
  scorer: ReturnType<typeof createRiskScorer>;
  suppress: ReturnType<typeof compileSuppressions>;
}

// Config objects are frozen and reused for the life of a Lambda container: compile allowlists/suppressions once per config.
const policies = new WeakMap<FirebreakConfig, CompiledPolicy>();

/** `suppressions` is an additive section of the shared config schema; tolerate a config object parsed before it existed. */
function suppressionsOf(config: FirebreakConfig): readonly Suppression[] {
  return (config as { suppressions?: readonly Suppression[] }).suppressions ?? [];
}

function policyFor(config: FirebreakConfig): CompiledPolicy {
  let policy = policies.get(config);
  if (!policy) {
    policy = { scorer: createRiskScorer(config), suppress: compileSuppressions(suppressionsOf(config)) };
    policies.set(config, policy);
  }
  return policy;
}

async function normalize(input: unknown, options: DetectionOptions): Promise<NormalizeResult & { inputKind?: string }> {
  const shape = classifyEvent(input);
  switch (shape.kind) {
    case 'guardduty':
      return { ...normalizeGuardDutyFinding(shape.finding, shape.context), inputKind: 'guardduty' };
    case 'unsupported':
      return { ok: false, reason: shape.reason };
  }
}

/**
 * One event in any accepted shape → scored, suppressed-or-not findings. Never throws on bad input: a malformed event is
 * `rejected` with the reason, so the handler can log it and move on to the next.
 */
export async function detectEvents(input: unknown, options: DetectionOptions): Promise<DetectionOutcome> {
  let normalized: Awaited<ReturnType<typeof normalize>>;
  try {
    normalized = await normalize(input, options);
  } catch (error) {
    // Normalizers are written not to throw; this keeps a bug in one from taking down the batch around it.
    return { kind: 'rejected', reason: `internal error while normalizing: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!normalized.ok) return { kind: 'rejected', reason: normalized.reason };
  const { scorer, suppress } = policyFor(options.config);
  const findings: ScoredFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of normalized.findings) {
    const hit = suppress(finding, options.now);
    if (hit) {
      suppressed.push({ finding, ...hit });
      continue;
    }
    findings.push(scoreOne(finding, scorer));
  }
  return { kind: 'detected', findings, suppressed, ...(normalized.inputKind ? { inputKind: normalized.inputKind } : {}) };
}

function scoreOne(finding: Finding, scorer: CompiledPolicy['scorer']): ScoredFinding {
  return { finding, ...scorer.score(finding), correlationKey: correlationKeyFor(finding) };
}
