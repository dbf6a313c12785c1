import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's CloudTrail fixtures (copied from the shared corpus with provenance in test/fixtures/SOURCES.md). */
export const CLOUDTRAIL_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'cloudtrail');

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records inside one JSON value: a record, `{Records:[...]}`, a LookupEvents page, an EventBridge envelope. */
function recordsIn(value: unknown): Rec[] {
  if (!isRecord(value)) return [];
  if (Array.isArray(value.Records)) return value.Records.filter(isRecord);
  if (Array.isArray(value.Events)) {
    return value.Events.flatMap((e) => (isRecord(e) && typeof e.CloudTrailEvent === 'string' ? [JSON.parse(e.CloudTrailEvent) as Rec] : []));
  }
  if (isRecord(value.detail) && typeof value['detail-type'] === 'string') return [value.detail];
  return typeof value.eventName === 'string' ? [value] : [];
}

/**
 * Every real CloudTrail record of the corpus: Panther test events, AWS documentation examples, cloud-custodian events.
 * Firebreak's synthetic records are left out: this is the measure of real traffic.
 */
export function loadCloudTrailCorpus(): Rec[] {
  const out: Rec[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'firebreak-synthetic') walk(path);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const data = JSON.parse(readFileSync(path, 'utf8')) as Rec;
      if (Array.isArray(data.Tests)) for (const t of data.Tests as { Log: unknown }[]) out.push(...recordsIn(t.Log));
      else if (Array.isArray(data.examples)) for (const e of data.examples as { content: unknown }[]) out.push(...recordsIn(e.content));
      else out.push(...recordsIn(data));
    }
  };
  walk(CLOUDTRAIL_FIXTURES);
  return out;
}

/** The EventBridge event CloudTrail would put on the default bus for a record. */
export function eventBridgeEventFor(record: Rec): Rec {
  const source = typeof record.eventSource === 'string' ? record.eventSource : 'unknown.amazonaws.com';
  const detailType =
    record.eventType === 'AwsConsoleSignIn' || source === 'signin.amazonaws.com'
      ? 'AWS Console Sign In via CloudTrail'
      : record.eventType === 'AwsServiceEvent'
        ? 'AWS Service Event via CloudTrail'
        : 'AWS API Call via CloudTrail';
  return {
    version: '0',
    id: String(record.eventID ?? 'corpus'),
    'detail-type': detailType,
    source: source === 'signin.amazonaws.com' ? 'aws.signin' : `aws.${source.replace(/\.amazonaws\.com$/, '')}`,
    account: String(record.recipientAccountId ?? '123456789012'),
    time: String(record.eventTime ?? '2026-01-01T00:00:00Z'),
    region: String(record.awsRegion ?? 'us-east-1'),
    resources: [],
    detail: record,
  };
}

/** Whether CloudTrail marks the call read-only (string or boolean in the corpus), else guessed from the name. */
export function isReadOnlyRecord(record: Rec): boolean {
  if (typeof record.readOnly === 'boolean') return record.readOnly;
  if (typeof record.readOnly === 'string') return record.readOnly === 'true';
  return /^(Get|List|Describe|Head|Lookup|BatchGet)/.test(String(record.eventName ?? ''));
}
