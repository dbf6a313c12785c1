import type { Finding } from '../findings/finding.js';
import { normalizeGuardDutyFinding } from '../findings/guardduty/normalize-guardduty.js';
import { normalizeAsffFinding } from '../findings/asff/normalize-asff.js';
import { normalizeInspector2Finding } from '../findings/native/normalize-inspector2.js';
import { normalizeAccessAnalyzerFinding } from '../findings/native/normalize-access-analyzer.js';
import { normalizeGenericAwsEvent } from '../findings/native/normalize-generic-event.js';
import type { NormalizeResult } from '../findings/normalize-result.js';
import { correlationKeyFor } from '../scoring/correlation-key.js';
import { createRiskScorer, type RiskScorer } from '../scoring/risk-score.js';
import { compileSuppressions, type Suppression } from '../scoring/suppression.js';
import type { FirebreakConfig } from '../config/firebreak-config.js';
import { ruleEngineFor } from '../rules/rule-pack.js';
import { CloudTrailDetector, type CloudTrailDetectContext, type CorrelationOverride } from './cloudtrail-detector.js';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './detection-config.js';
import type { DetectionOptions, DetectionOutcome, ScoredFinding, SuppressedFinding } from './detection-types.js';
import { classifyEvent, cloudTrailDetailOf, type EventShape } from './classify-event.js';

export type { DetectionOptions, DetectionOutcome, ScoredFinding, SuppressedFinding } from './detection-types.js';

interface CompiledPolicy {
  scorer: RiskScorer;
  suppress: ReturnType<typeof compileSuppressions>;
  detector: CloudTrailDetector;
  overrides: Record<string, CorrelationOverride>;
  /** Detect contexts by window store (see contextFor). */
  contexts: WeakMap<object, CloudTrailDetectContext>;
}

// Config objects are frozen and reused for the life of a Lambda container: compile allowlists, suppressions and the
// rule engine once per config object.
const policies = new WeakMap<FirebreakConfig, CompiledPolicy>();

/** Sections added to the shared config by detection; tolerate a config object built before they existed. */
function detectionSections(config: FirebreakConfig): { suppressions: readonly Suppression[]; detection: DetectionConfig } {
  const c = config as { suppressions?: readonly Suppression[]; detection?: DetectionConfig };
  return { suppressions: c.suppressions ?? [], detection: c.detection ?? DEFAULT_DETECTION_CONFIG };
}

function policyFor(config: FirebreakConfig): CompiledPolicy {
  let policy = policies.get(config);
  if (!policy) {
    const { suppressions, detection } = detectionSections(config);
    const overrides: Record<string, CorrelationOverride> = {};
    for (const [name, o] of Object.entries(detection.correlations)) {
      overrides[name] = { ...(o.threshold !== undefined ? { threshold: o.threshold } : {}), ...(o.window !== undefined ? { timespanSeconds: o.window } : {}) };
    }
    policy = {
      scorer: createRiskScorer(config),
      suppress: compileSuppressions(suppressions),
      detector: new CloudTrailDetector(ruleEngineFor(detection.packs, detection.disabledRules)),
      overrides,
      contexts: new WeakMap(),
    };
    policies.set(config, policy);
  }
  return policy;
}

const NO_REJECTIONS: { index: number; reason: string }[] = [];

type BatchResult = { findings: Finding[]; rejected: { index: number; reason: string }[]; inputKind: string };

/** A CloudTrail record that yielded nothing (frozen: only read). */
const NOTHING_IN_CLOUDTRAIL: BatchResult = Object.freeze({ findings: Object.freeze([]) as unknown as Finding[], rejected: NO_REJECTIONS, inputKind: 'cloudtrail' });

async function normalizeBatch(items: readonly unknown[], kind: string, one: (item: unknown) => Promise<NormalizeResult> | NormalizeResult): Promise<BatchResult | string> {
  if (items.length === 0) return `${kind} input holds no ${kind === 'cloudtrail' ? 'records' : 'findings'}`;
  const findings: Finding[] = [];
  const rejected: { index: number; reason: string }[] = [];
  for (let index = 0; index < items.length; index++) {
    const result = await one(items[index]);
    if (result.ok) findings.push(...result.findings);
    else rejected.push({ index, reason: result.reason });
  }
  if (rejected.length === items.length) {
    return items.length === 1 ? rejected[0]!.reason : `all ${items.length} ${kind} items rejected; first: ${rejected[0]!.reason}`;
  }
  return { findings, rejected, inputKind: kind };
}

/** One CloudTrail record (from an EventBridge event when `eventId` is set): no batch bookkeeping on the hot path. */
function detectCloudTrailRecord(record: unknown, eventId: string | undefined, options: DetectionOptions, policy: CompiledPolicy): BatchResult | string | Promise<BatchResult | string> {
  const outcome = policy.detector.detect(record, contextFor(policy, options.windowStore), eventId);
  return outcome instanceof Promise ? outcome.then(cloudTrailBatch) : cloudTrailBatch(outcome);
}

/** The EventBridge event id of an envelope, when it has one. */
function envelopeIdOf(envelope: Record<string, unknown>): string | undefined {
  return typeof envelope.id === 'string' && envelope.id.length > 0 ? envelope.id : undefined;
}

const NO_STORE = {};

/** One detect context per compiled policy and window store, shared by every event (they only read it). */
function contextFor(policy: CompiledPolicy, windowStore: DetectionOptions['windowStore']): CloudTrailDetectContext {
  const key = windowStore ?? NO_STORE;
  let context = policy.contexts.get(key);
  if (!context) {
    context = Object.freeze({ overrides: policy.overrides, windowStore });
    policy.contexts.set(key, context);
  }
  return context;
}

function cloudTrailBatch(result: NormalizeResult): BatchResult | string {
  if (!result.ok) return result.reason;
  return result.findings.length === 0 ? NOTHING_IN_CLOUDTRAIL : { findings: result.findings, rejected: NO_REJECTIONS, inputKind: 'cloudtrail' };
}

function normalize(shape: EventShape, options: DetectionOptions, policy: CompiledPolicy): BatchResult | string | Promise<BatchResult | string> {
  switch (shape.kind) {
    case 'guardduty':
      return normalizeBatch([shape.finding], 'guardduty', (f) => normalizeGuardDutyFinding(f, shape.context));
    case 'asff':
      return normalizeBatch(shape.findings, 'securityhub', (f) => normalizeAsffFinding(f, shape.context));
    case 'cloudtrail': {
      if (shape.records.length === 1) return detectCloudTrailRecord(shape.records[0], shape.context.eventId, options, policy);
      const context = contextFor(policy, options.windowStore);
      return normalizeBatch(shape.records, 'cloudtrail', (record) => policy.detector.detect(record, context));
    }
    case 'inspector2':
      return normalizeBatch([shape.finding], 'inspector', (f) => normalizeInspector2Finding(f, shape.context));
    case 'access-analyzer':
      return normalizeBatch([shape.finding], 'access-analyzer', (f) => normalizeAccessAnalyzerFinding(f, shape.context));
    case 'generic':
      return normalizeBatch([shape.event], 'other', normalizeGenericAwsEvent);
    case 'unsupported':
      return shape.reason;
  }
}

const NOTHING_FOUND = new Map<string, DetectionOutcome>();

function nothingFound(inputKind: string): DetectionOutcome {
  let outcome = NOTHING_FOUND.get(inputKind);
  if (!outcome) {
    outcome = Object.freeze({ kind: 'detected' as const, findings: Object.freeze([]) as unknown as ScoredFinding[], suppressed: Object.freeze([]) as unknown as SuppressedFinding[], inputKind });
    NOTHING_FOUND.set(inputKind, outcome);
  }
  return outcome;
}

/**
 * One event in any accepted shape → scored, suppressed-or-not findings. Never throws on bad input: a malformed event is
 * `rejected` with the reason, so the handler can log it and move on to the next. A CloudTrail record that no rule
 * matches is `detected` with no findings (that is the common case, not an error).
 */
export async function detectEvents(input: unknown, options: DetectionOptions): Promise<DetectionOutcome> {
  let normalized: BatchResult | string;
  let policy: CompiledPolicy;
  try {
    policy = policyFor(options.config);
    const record = cloudTrailDetailOf(input);
    // EventBridge CloudTrail events (by far the most frequent input) skip building the event's shape.
    const result = record
      ? detectCloudTrailRecord(record, envelopeIdOf(input as Record<string, unknown>), options, policy)
      : normalize(classifyEvent(input), options, policy);
    normalized = result instanceof Promise ? await result : result;
  } catch (error) {
    // Normalizers are written not to throw; this keeps a bug in one from taking down the batch around it.
    return { kind: 'rejected', reason: `internal error while normalizing: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof normalized === 'string') return { kind: 'rejected', reason: normalized };
  // Most CloudTrail events end here: they fed a correlation or matched nothing. One shared, frozen outcome spares the
  // allocations at CloudTrail volume (callers only read outcomes).
  if (normalized.findings.length === 0 && normalized.rejected.length === 0) return nothingFound(normalized.inputKind);
  const findings: ScoredFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of normalized.findings) {
    const hit = policy.suppress(finding, options.now);
    if (hit) {
      suppressed.push({ finding, ...hit });
      continue;
    }
    findings.push({ finding, ...policy.scorer.score(finding), correlationKey: correlationKeyFor(finding) });
  }
  return {
    kind: 'detected',
    findings,
    suppressed,
    inputKind: normalized.inputKind,
    ...(normalized.rejected.length > 0 ? { rejectedRecords: normalized.rejected } : {}),
  };
}
