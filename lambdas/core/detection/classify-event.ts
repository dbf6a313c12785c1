import type { GuardDutyEnvelopeContext } from '../findings/guardduty/normalize-guardduty.js';

/** What an incoming event is, decided from its shape alone, before any schema validation of the payload. */
export type EventShape =
  | { kind: 'guardduty'; finding: unknown; context: GuardDutyEnvelopeContext }
  | { kind: 'unsupported'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A GuardDuty finding has a string id and type, a numeric severity and a `service` or `resource` block. */
function looksLikeGuardDutyFinding(value: Record<string, unknown>): boolean {
  return typeof value.type === 'string' && 'severity' in value && ('service' in value || 'resource' in value) && 'id' in value;
}

function envelopeContext(event: Record<string, unknown>): GuardDutyEnvelopeContext {
  const context: GuardDutyEnvelopeContext = {};
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

export function classifyEvent(input: unknown): EventShape {
  if (!isRecord(input)) return { kind: 'unsupported', reason: `expected an event object, got ${describe(input)}` };
  const source = input.source;
  const detailType = input['detail-type'];
  if (typeof detailType === 'string' || typeof source === 'string') {
    if (source === 'aws.guardduty' && detailType === 'GuardDuty Finding') {
      return { kind: 'guardduty', finding: input.detail, context: envelopeContext(input) };
    }
    return {
      kind: 'unsupported',
      reason: `unsupported EventBridge event: source '${String(source)}', detail-type '${String(detailType)}'`,
    };
  }
  // Partial envelopes ({region, detail}) as some samples and test harnesses send them.
  if (isRecord(input.detail) && looksLikeGuardDutyFinding(input.detail)) {
    return { kind: 'guardduty', finding: input.detail, context: envelopeContext(input) };
  }
  if (looksLikeGuardDutyFinding(input)) return { kind: 'guardduty', finding: input, context: {} };
  const keys = Object.keys(input).slice(0, 8).join(', ');
  return {
    kind: 'unsupported',
    reason: `unrecognized event shape (keys: ${keys || 'none'}): expected a GuardDuty finding, an ASFF finding, a CloudTrail record or an EventBridge event`,
  };
}
