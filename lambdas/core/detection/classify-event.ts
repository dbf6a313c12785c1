import type { GuardDutyEnvelopeContext } from '../findings/guardduty/normalize-guardduty.js';

/** Facts from an EventBridge envelope that a payload may lack. */
export interface EnvelopeContext extends GuardDutyEnvelopeContext {}

/** What an incoming event is, decided from its shape alone, before any schema validation of the payload. */
export type EventShape =
  | { kind: 'guardduty'; finding: unknown; context: EnvelopeContext }
  | { kind: 'asff'; findings: unknown[]; context: EnvelopeContext }
  | { kind: 'cloudtrail'; records: unknown[]; context: EnvelopeContext }
  | { kind: 'inspector2'; finding: unknown; context: EnvelopeContext }
  | { kind: 'access-analyzer'; finding: unknown; context: EnvelopeContext }
  | { kind: 'generic'; event: unknown }
  | { kind: 'unsupported'; reason: string };

export const CLOUDTRAIL_DETAIL_TYPES = new Set([
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Service Event via CloudTrail',
]);
export const SECURITY_HUB_FINDING_DETAIL_TYPES = new Set(['Security Hub Findings - Imported', 'Security Hub Findings - Custom Action']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A GuardDuty finding has an id and type, a severity and a `service` or `resource` block. */
function looksLikeGuardDutyFinding(value: Record<string, unknown>): boolean {
  return typeof value.type === 'string' && 'severity' in value && ('service' in value || 'resource' in value) && 'id' in value;
}

function looksLikeAsff(value: Record<string, unknown>): boolean {
  return 'SchemaVersion' in value || ('ProductArn' in value && 'AwsAccountId' in value);
}

function looksLikeCloudTrailRecord(value: Record<string, unknown>): boolean {
  return typeof value.eventSource === 'string' && typeof value.eventName === 'string' && ('eventTime' in value || 'eventVersion' in value);
}

function envelopeContext(event: Record<string, unknown>): EnvelopeContext {
  const context: EnvelopeContext = {};
  const accountId = optionalString(event.account);
  const region = optionalString(event.region);
  const eventId = optionalString(event.id);
  const time = optionalString(event.time);
  if (accountId) context.accountId = accountId;
  if (region) context.region = region;
  if (eventId) context.eventId = eventId;
  if (time) context.time = time;
  return context;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The CloudTrail record inside an EventBridge CloudTrail event (`AWS API Call via CloudTrail` ...), else undefined.
 * The detector's hot path: CloudTrail is by far the most frequent input, and its detail-types are unique to it, so
 * this check alone decides what classifyEvent would (and spares building its shape for every event).
 */
export function cloudTrailDetailOf(input: unknown): Record<string, unknown> | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const event = input as Record<string, unknown>;
  const detailType = event['detail-type'];
  if (typeof detailType !== 'string' || !CLOUDTRAIL_DETAIL_TYPES.has(detailType)) return undefined;
  return isRecord(event.detail) ? event.detail : undefined;
}

function classifyEnvelope(input: Record<string, unknown>, source: unknown, detailType: unknown): EventShape {
  const context = envelopeContext(input);
  const detail = input.detail;
  const label = `source '${String(source)}', detail-type '${String(detailType)}'`;
  if (!isRecord(detail)) return { kind: 'unsupported', reason: `EventBridge event (${label}) has no detail object` };
  if (source === 'aws.guardduty' && detailType === 'GuardDuty Finding') return { kind: 'guardduty', finding: detail, context };
  if (source === 'aws.securityhub') {
    if (typeof detailType === 'string' && SECURITY_HUB_FINDING_DETAIL_TYPES.has(detailType)) {
      if (!Array.isArray(detail.findings)) return { kind: 'unsupported', reason: `${detailType} event without detail.findings[]` };
      return { kind: 'asff', findings: detail.findings, context };
    }
    if (detailType === 'Security Hub Insight Results') {
      return { kind: 'unsupported', reason: 'Security Hub Insight Results carry aggregate counts per insight, not findings: nothing to normalize' };
    }
  }
  if (typeof detailType === 'string' && CLOUDTRAIL_DETAIL_TYPES.has(detailType)) return { kind: 'cloudtrail', records: [detail], context };
  if (source === 'aws.inspector2' && detailType === 'Inspector2 Finding') return { kind: 'inspector2', finding: detail, context };
  if (source === 'aws.access-analyzer') {
    if (detailType === 'Access Analyzer Finding') return { kind: 'access-analyzer', finding: detail, context };
    if (detailType === 'Access Preview State Change') {
      return { kind: 'unsupported', reason: 'Access Analyzer access-preview status change: a policy preview requested by a user, not a finding' };
    }
  }
  return { kind: 'generic', event: input };
}

export function classifyEvent(input: unknown): EventShape {
  if (!isRecord(input)) return { kind: 'unsupported', reason: `expected an event object, got ${describe(input)}` };
  const source = input.source;
  const detailType = input['detail-type'];
  if (typeof detailType === 'string' || (typeof source === 'string' && 'detail' in input)) return classifyEnvelope(input, source, detailType);
  // Partial envelopes ({region, detail}) as some samples and test harnesses send them.
  if (isRecord(input.detail) && looksLikeGuardDutyFinding(input.detail)) {
    return { kind: 'guardduty', finding: input.detail, context: envelopeContext(input) };
  }
  if (Array.isArray(input.Records)) return { kind: 'cloudtrail', records: input.Records, context: {} };
  if (Array.isArray(input.Findings)) return { kind: 'asff', findings: input.Findings, context: {} };
  if (looksLikeGuardDutyFinding(input)) return { kind: 'guardduty', finding: input, context: {} };
  if (looksLikeAsff(input)) return { kind: 'asff', findings: [input], context: {} };
  if (looksLikeCloudTrailRecord(input)) return { kind: 'cloudtrail', records: [input], context: {} };
  if (typeof input.findingArn === 'string' && 'packageVulnerabilityDetails' in input) return { kind: 'inspector2', finding: input, context: {} };
  if (typeof input.resourceType === 'string' && typeof input.resource === 'string' && ('isPublic' in input || 'principal' in input)) {
    return { kind: 'access-analyzer', finding: input, context: {} };
  }
  const keys = Object.keys(input).slice(0, 8).join(', ');
  return {
    kind: 'unsupported',
    reason: `unrecognized event shape (keys: ${keys || 'none'}): expected a GuardDuty finding, an ASFF finding, a CloudTrail record or log file, or an EventBridge event`,
  };
}
