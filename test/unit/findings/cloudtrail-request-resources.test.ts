import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import { resourcesNamedByRequest } from '../../../lambdas/core/findings/cloudtrail/request-resources.js';
import { FIXTURES } from './fixture-loader.js';

// A real CloudTrail record (Panther's AWS.Potential.Backdoor.Lambda test, see test/fixtures/SOURCES.md), as a bare record.
const backdoor = JSON.parse(readFileSync(join(FIXTURES, 'integration', 'cloudtrail-lambda-backdoor.json'), 'utf8')) as Record<string, unknown>;

describe('resources a CloudTrail record names only in its request', () => {
  it('a Lambda AddPermission names its function, so a rule finding about it can be contained', async () => {
    // Act
    const outcome = await detectEvents(backdoor, { config: parseFirebreakConfig({}), now: new Date('2026-11-25T15:00:00Z') });
    // Assert
    if (outcome.kind !== 'detected') throw new Error(outcome.reason);
    const finding = outcome.findings.map((scored) => scored.finding).find((f) => f.ruleId === 'lambda-permission-added');
    expect(finding?.resources).toEqual([
      { type: 'AWS::Lambda::Function', id: 'my-lambda-function', region: backdoor.awsRegion, tags: {}, details: { functionName: 'my-lambda-function' } },
    ]);
  });

  it('a finding names its source events: the CloudTrail eventID, and the EventBridge event id when it came in an envelope', async () => {
    // Prepare: the same record bare and in its EventBridge envelope.
    const config = parseFirebreakConfig({});
    const now = new Date('2026-11-25T15:00:00Z');
    const envelope = { version: '0', id: 'eb-envelope-1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.lambda', account: '123456789012', time: backdoor.eventTime, region: backdoor.awsRegion, resources: [], detail: backdoor };
    // Act
    const bare = await detectEvents(backdoor, { config, now });
    const wrapped = await detectEvents(envelope, { config, now });
    // Assert
    if (bare.kind !== 'detected' || wrapped.kind !== 'detected') throw new Error('rejected');
    const idsOf = (outcome: typeof bare) => outcome.kind === 'detected' ? outcome.findings.find((f) => f.finding.ruleId === 'lambda-permission-added')?.finding.sourceEventIds : undefined;
    expect(idsOf(bare)).toEqual([backdoor.eventID]);
    expect(idsOf(wrapped)).toEqual([backdoor.eventID, 'eb-envelope-1']);
  });

  it('CloudTrail StopLogging names its trail (ARN or name); PutEventSelectors its trailName', () => {
    // Prepare: the example StopLogging event's record, and the same call by name; a selectors change.
    const stop = JSON.parse(readFileSync(join(FIXTURES, '..', '..', 'examples', 'cloudtrail-stop-logging.json'), 'utf8')) as Record<string, unknown>;
    const byName = { ...stop, requestParameters: { name: 'org-trail' } };
    const selectors = { eventSource: 'cloudtrail.amazonaws.com', eventName: 'PutEventSelectors', requestParameters: { trailName: 'org-trail', eventSelectors: [] } };
    // Act / Assert
    expect(resourcesNamedByRequest(stop, 'cloudtrail.amazonaws.com', 'us-west-2')).toEqual([
      { type: 'AWS::CloudTrail::Trail', id: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail', arn: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail', region: 'us-west-2', tags: {}, details: {} },
    ]);
    expect(resourcesNamedByRequest(byName, 'cloudtrail.amazonaws.com', 'us-west-2')).toEqual([{ type: 'AWS::CloudTrail::Trail', id: 'org-trail', region: 'us-west-2', tags: {}, details: {} }]);
    expect(resourcesNamedByRequest(selectors, 'cloudtrail.amazonaws.com', 'us-east-1')).toMatchObject([{ type: 'AWS::CloudTrail::Trail', id: 'org-trail' }]);
  });

  it('prefers the function ARN of the response over the name of the request', () => {
    // Prepare
    const record = {
      requestParameters: { functionName: 'payments' },
      responseElements: { functionName: 'payments', functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:payments' },
    };
    // Act
    const resources = resourcesNamedByRequest(record, 'lambda.amazonaws.com', 'eu-west-1');
    // Assert
    expect(resources).toEqual([
      { type: 'AWS::Lambda::Function', id: 'arn:aws:lambda:eu-west-1:111122223333:function:payments', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:payments', region: 'eu-west-1', tags: {}, details: { functionName: 'payments' } },
    ]);
  });

  it('names nothing for a record without a function, or from another service', () => {
    // Act
    const withoutFunction = resourcesNamedByRequest({ requestParameters: null }, 'lambda.amazonaws.com', 'us-east-1');
    const otherService = resourcesNamedByRequest({ requestParameters: { functionName: 'x' } }, 'iam.amazonaws.com', 'us-east-1');
    // Assert
    expect(withoutFunction).toEqual([]);
    expect(otherService).toEqual([]);
  });
});
