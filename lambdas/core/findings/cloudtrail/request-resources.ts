import type { Resource } from '../finding.js';

type RecordFields = Record<string, unknown>;

const asRecord = (value: unknown): RecordFields | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RecordFields) : undefined;
const nonEmptyString = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Resources a CloudTrail record names only in its request. Many management events (Lambda's among them) carry no `resources`
 * array, so without this a finding from a rule about them names nothing containment could act on. Lambda versions its
 * event names (`UpdateFunctionCode20150331v2`); the function is in `requestParameters.functionName` (a name or an ARN) and,
 * for successful calls, `responseElements.functionArn`.
 */
export function resourcesNamedByRequest(record: RecordFields, eventSource: string, region: string): Resource[] {
  if (eventSource !== 'lambda.amazonaws.com') return [];
  const request = asRecord(record.requestParameters);
  const response = asRecord(record.responseElements);
  const arn = nonEmptyString(response?.functionArn) ?? (nonEmptyString(request?.functionName)?.startsWith('arn:') ? nonEmptyString(request?.functionName) : undefined);
  const name = nonEmptyString(request?.functionName) ?? nonEmptyString(response?.functionName);
  const id = arn ?? name;
  if (!id) return [];
  return [{ type: 'AWS::Lambda::Function', id, ...(arn ? { arn } : {}), region, tags: {}, details: name ? { functionName: name } : {} }];
}
