import { createHash } from 'node:crypto';
import { ValidationError } from '../../lambdas/core/errors.js';

/**
 * What `firebreak replay` accepts, put into the EventBridge envelope the bus would deliver, so it can be matched against the
 * synthesized rules: an EventBridge event as is; a bare GuardDuty finding, a bare ASFF finding, a CloudTrail record (or a
 * `{"Records": [...]}` log file) wrapped in the envelope of its source. Wrapping is deterministic (the envelope id is a hash
 * of the content), so replaying the same file twice is a duplicate delivery, exactly as EventBridge's at-least-once can be.
 */
export interface ReplayEnvelope {
  /** How the input was recognized: `eventbridge`, `guardduty-finding`, `asff-finding`, `cloudtrail-record`. */
  readonly recognizedAs: string;
  readonly event: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

export function toReplayEnvelopes(input: unknown): ReplayEnvelope[] {
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ValidationError('the input is an empty array: nothing to replay');
    return input.flatMap((item) => toReplayEnvelopes(item));
  }
  if (!isRecord(input)) throw new ValidationError(`expected a JSON object (an event or a finding), got ${describe(input)}`);
  if (Array.isArray(input.Records)) {
    if (input.Records.length === 0) throw new ValidationError('the CloudTrail log has no Records');
    return input.Records.map((record, index) => {
      if (!isRecord(record) || !looksLikeCloudTrailRecord(record)) {
        throw new ValidationError(`Records[${index}] is not a CloudTrail record (needs eventSource, eventName and eventTime or userIdentity)`);
      }
      return wrapCloudTrail(record);
    });
  }
  return [toReplayEnvelope(input)];
}

function toReplayEnvelope(input: Record<string, unknown>): ReplayEnvelope {
  if (str(input.source) && str(input['detail-type'])) {
    if (!isRecord(input.detail)) throw new ValidationError('the EventBridge event has no detail object');
    return { recognizedAs: 'eventbridge', event: input };
  }
  // A partial envelope ({region, detail}) as Lambda console test events carry it.
  if (isRecord(input.detail) && looksLikeGuardDutyFinding(input.detail)) return wrapGuardDuty(input.detail, input);
  if (looksLikeGuardDutyFinding(input)) return wrapGuardDuty(input, {});
  if (looksLikeAsffFinding(input)) return wrapAsff(input);
  if (looksLikeCloudTrailRecord(input)) return wrapCloudTrail(input);
  const keys = Object.keys(input).slice(0, 6).join(', ') || 'none';
  throw new ValidationError(
    `unrecognized input (keys: ${keys}): expected an EventBridge event, a GuardDuty finding, an ASFF finding or a CloudTrail record`,
  );
}

function looksLikeGuardDutyFinding(value: Record<string, unknown>): boolean {
  return str(value.type) !== undefined && 'severity' in value && ('service' in value || 'resource' in value) && 'id' in value;
}

function looksLikeAsffFinding(value: Record<string, unknown>): boolean {
  return str(value.SchemaVersion) !== undefined && str(value.ProductArn) !== undefined && 'Id' in value;
}

/** eventSource and eventName, plus any other field every record has (extracts often drop some of them). */
function looksLikeCloudTrailRecord(value: Record<string, unknown>): boolean {
  return (
    str(value.eventSource) !== undefined &&
    str(value.eventName) !== undefined &&
    ['eventTime', 'eventID', 'awsRegion', 'userIdentity', 'eventVersion'].some((key) => key in value)
  );
}

function envelope(parts: {
  source: string;
  detailType: string;
  account: unknown;
  region: unknown;
  time: unknown;
  resources?: unknown[];
  detail: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    version: '0',
    id: deterministicId(parts.detail),
    'detail-type': parts.detailType,
    source: parts.source,
    account: str(parts.account) ?? '000000000000',
    time: str(parts.time) ?? new Date(0).toISOString(),
    region: str(parts.region) ?? 'us-east-1',
    resources: parts.resources ?? [],
    detail: parts.detail,
  };
}

function wrapGuardDuty(finding: Record<string, unknown>, partial: Record<string, unknown>): ReplayEnvelope {
  const event = envelope({
    source: 'aws.guardduty',
    detailType: 'GuardDuty Finding',
    account: partial.account ?? finding.accountId,
    region: partial.region ?? finding.region,
    time: partial.time ?? finding.updatedAt,
    detail: finding,
  });
  return { recognizedAs: 'guardduty-finding', event: { ...event, ...(str(partial.id) ? { id: partial.id } : {}) } };
}

function wrapAsff(finding: Record<string, unknown>): ReplayEnvelope {
  return {
    recognizedAs: 'asff-finding',
    event: envelope({
      source: 'aws.securityhub',
      detailType: 'Security Hub Findings - Imported',
      account: finding.AwsAccountId,
      region: finding.Region,
      time: finding.UpdatedAt,
      resources: [finding.ProductArn],
      detail: { findings: [finding] },
    }),
  };
}

/** Console sign-ins arrive as `aws.signin`; service events and API calls under `aws.<service>` (DOMAIN.md). */
function wrapCloudTrail(record: Record<string, unknown>): ReplayEnvelope {
  const eventSource = String(record.eventSource);
  const signIn = eventSource === 'signin.amazonaws.com';
  const detailType = signIn
    ? 'AWS Console Sign In via CloudTrail'
    : record.eventType === 'AwsServiceEvent'
      ? 'AWS Service Event via CloudTrail'
      : 'AWS API Call via CloudTrail';
  const service = eventSource.replace(/\.amazonaws\.com$/, '').split('.')[0];
  return {
    recognizedAs: 'cloudtrail-record',
    event: envelope({
      source: `aws.${service}`,
      detailType,
      account: record.recipientAccountId ?? (record.userIdentity as { accountId?: unknown } | undefined)?.accountId,
      region: record.awsRegion,
      time: record.eventTime,
      detail: record,
    }),
  };
}

function deterministicId(detail: unknown): string {
  const hex = createHash('sha256').update(JSON.stringify(detail)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
