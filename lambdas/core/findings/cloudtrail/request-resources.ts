import type { Resource } from '../finding.js';

type RecordFields = Record<string, unknown>;

const asRecord = (value: unknown): RecordFields | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RecordFields) : undefined;
const nonEmptyString = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Resources a CloudTrail record names only in its request. Many management events (Lambda's and CloudTrail's own among
 * them) carry no `resources` array, so without this a finding from a rule about them names nothing containment could act
 * on.
 */
export function resourcesNamedByRequest(record: RecordFields, eventSource: string, region: string): Resource[] {
  if (eventSource === 'lambda.amazonaws.com') return lambdaFunctionNamed(record, region);
  if (eventSource === 'cloudtrail.amazonaws.com') return trailNamed(record, region);
  return [];
}

/**
 * The trail of StopLogging, DeleteTrail, UpdateTrail (`requestParameters.name`) or PutEventSelectors
 * (`requestParameters.trailName`): a name or an ARN. Restarting that trail, not every trail, is what undoes the event.
 */
function trailNamed(record: RecordFields, region: string): Resource[] {
  const request = asRecord(record.requestParameters);
  const id = nonEmptyString(request?.name) ?? nonEmptyString(request?.trailName);
  if (!id) return [];
  return [{ type: 'AWS::CloudTrail::Trail', id, ...(id.startsWith('arn:') ? { arn: id } : {}), region, tags: {}, details: {} }];
}

/**
 * Lambda versions its event names (`UpdateFunctionCode20150331v2`); the function is in `requestParameters.functionName`
 * (a name or an ARN) and, for successful calls, `responseElements.functionArn`.
 */
function lambdaFunctionNamed(record: RecordFields, region: string): Resource[] {
  const request = asRecord(record.requestParameters);
  const response = asRecord(record.responseElements);
  const arn = nonEmptyString(response?.functionArn) ?? (nonEmptyString(request?.functionName)?.startsWith('arn:') ? nonEmptyString(request?.functionName) : undefined);
  const name = nonEmptyString(request?.functionName) ?? nonEmptyString(response?.functionName);
  const id = arn ?? name;
  if (!id) return [];
  return [{ type: 'AWS::Lambda::Function', id, ...(arn ? { arn } : {}), region, tags: {}, details: name ? { functionName: name } : {} }];
}
