import { readFileSync } from 'node:fs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toReplayEnvelopes } from '../../../lib/local/replay-event.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';

// The Lambda entry point itself (lambdas/detect/handler.ts): its cold start reads the environment and wires the real stores
// (incidents, Sigma correlation windows, circuit breaker) on DynamoDB — here dynalite, reached through the SDK's standard
// AWS_ENDPOINT_URL_DYNAMODB. Step Functions is mocked (exact StartExecution asserted).

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/integration/${name}`, import.meta.url), 'utf8'));
const PLAYBOOK_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Firebreak-credential-compromise';
const sfn = mockClient(SFNClient);
let table: TestTable;
let handler: (event: unknown) => Promise<{ findings: { outcome: string; type: string; incidentId?: string }[] }>;

beforeAll(async () => {
  table = await startTestTable();
  Object.assign(process.env, {
    INCIDENT_TABLE_NAME: table.tableName,
    FIREBREAK_CONFIG: '{}',
    PLAYBOOK_ARNS: JSON.stringify({ 'credential-compromise': PLAYBOOK_ARN }),
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake',
    FIREBREAK_LOG_LEVEL: 'SILENT',
  });
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
  }));
  ({ handler } = (await import('../../../lambdas/detect/handler.js')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  await table.stop();
});

describe('detect Lambda entry point', () => {
  it('opens the incident in the table named by its environment and starts the playbook named by PLAYBOOK_ARNS', async () => {
    // Act
    const report = await handler(fixture('guardduty-iam-credential-finding.json'));
    // Assert
    expect(report.findings[0]?.outcome).toBe('created');
    const incident = await new IncidentRepository(table.doc, table.tableName).getOrThrow(report.findings[0]!.incidentId!);
    expect(incident.executionArn).toBe(`arn:aws:states:us-east-1:111122223333:execution:Firebreak-credential-compromise:${incident.incidentId}`);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({ stateMachineArn: PLAYBOOK_ARN, name: incident.incidentId });
  });

  it('counts Sigma correlations across deliveries in DynamoDB: the 10th failed sign-in from one address is a brute force', async () => {
    // Prepare: the documented failed sign-in, twelve deliveries 20 s apart, as EventBridge would send them.
    const login = fixture('cloudtrail-console-login-failure.json');
    const events = Array.from({ length: 12 }, (_, i) =>
      toReplayEnvelopes({ ...login, eventID: `${login.eventID.slice(0, -2)}${String(i).padStart(2, '0')}`, eventTime: new Date(Date.parse(login.eventTime) + i * 20_000).toISOString() })[0]!.event,
    );
    // Act: one invocation per event (state must survive between invocations).
    const reports = [];
    for (const event of events) reports.push(await handler(event));
    // Assert
    const created = reports.flatMap((report) => report.findings).filter((finding) => finding.outcome === 'created');
    expect(created.map((finding) => finding.type)).toContain('console-brute-force-by-ip');
    expect(reports.slice(0, 9).flatMap((report) => report.findings.map((finding) => finding.type))).not.toContain('console-brute-force-by-ip');
  });
});
