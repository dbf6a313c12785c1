import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { detectedCredentialFinding } from './siem-incident.js';

// The notify Lambda entry point (lambdas/notify/handler.ts) reads `siemPlatform` and `complianceFramework` from FIREBREAK_CONFIG
// at cold start and hands them to the SNS publisher. DynamoDB is dynalite (AWS_ENDPOINT_URL_DYNAMODB); SNS is mocked and its Publish input asserted.

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:firebreak-incidents';
const sns = mockClient(SNSClient);
let table: TestTable;
let handler: (event: unknown) => Promise<unknown>;

beforeAll(async () => {
  table = await startTestTable();
  Object.assign(process.env, {
    INCIDENT_TABLE_NAME: table.tableName,
    FIREBREAK_CONFIG: JSON.stringify({ siemPlatform: 'splunk', complianceFramework: 'soc2' }),
    NOTIFICATION_TOPIC_ARN: TOPIC,
    SECURITY_HUB_SYNC: 'false',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake',
    FIREBREAK_LOG_LEVEL: 'SILENT',
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  ({ handler } = (await import('../../../lambdas/notify/handler.js')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  sns.restore();
  await table.stop();
});

describe('notify Lambda entry point with siemPlatform splunk and complianceFramework soc2', () => {
  it('publishes Splunk HEC events (with the SOC 2 criteria the message evidences) to machine subscribers and the summary to people', async () => {
    // Prepare
    const repository = new IncidentRepository(table.doc, table.tableName);
    const { incident } = await repository.openOrJoin({
      finding: await detectedCredentialFinding(),
      riskScore: 80,
      correlationKey: 'accesskey:AKIAIOSFODNN7EXAMPLE',
      playbook: 'credential-compromise',
      mode: 'auto',
      retentionDays: 365,
      correlationWindowSeconds: 3600,
    });

    // Act
    await handler({ incidentId: incident.incidentId, event: 'containment_failed', detail: { Error: 'Firebreak.ActionFailed', Cause: 'AccessDenied' } });

    // Assert
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    const bodies = JSON.parse(input.Message!) as Record<string, string>;
    for (const protocol of ['sqs', 'lambda', 'https', 'http', 'email-json']) {
      expect(JSON.parse(bodies[protocol]!)).toMatchObject({
        host: '883606788610.us-east-1',
        source: 'firebreak',
        sourcetype: 'aws:firebreak:incident',
        time: Date.parse(incident.updatedAt) / 1000,
        event: {
          version: 1,
          event: 'containment_failed',
          incident: { incidentId: incident.incidentId },
          detail: { Error: 'Firebreak.ActionFailed', Cause: 'AccessDenied' },
          compliance: { framework: 'soc2', references: [{ ref: 'CC7.4' }] },
        },
        fields: { incident_id: incident.incidentId, firebreak_event: 'containment_failed', severity: 'HIGH', playbook: 'credential-compromise' },
      });
    }
    expect(bodies.email).toContain('CONTAINMENT FAILED');
    expect(bodies.email).toContain('--- incident (JSON) ---');
  });
});
