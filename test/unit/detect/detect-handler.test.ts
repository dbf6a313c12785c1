import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig, type FirebreakConfigInput } from '../../../lambdas/core/config/firebreak-config.js';
import { createDetectHandler, DetectBatchError } from '../../../lambdas/detect/create-detect-handler.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';

// Real GuardDuty events (test/fixtures/SOURCES.md): the demo's adapted credential finding and the unmodified sample.
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/integration/${name}`, import.meta.url), 'utf8'));
const CREDENTIAL_EVENT = fixture('guardduty-iam-credential-finding.json');
const SAMPLE_EVENT = fixture('guardduty-iam-tor-sample.json');
const STOP_LOGGING_RECORD = fixture('cloudtrail-stop-logging.json');
// Root activity is routed to no playbook (CRITICAL notification only): StopLogging now has the defense-tampering playbook.
const ROOT_LOGIN_RECORD = (
  JSON.parse(readFileSync(new URL('../../fixtures/cloudtrail/panther-analysis-tests/aws_console_root_login.tests.json', import.meta.url), 'utf8')) as {
    Tests: { Name: string; Log: unknown }[];
  }
).Tests.find((t) => t.Name === 'Successful Root Login')!.Log;
const PLAYBOOK_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:CredentialCompromise';
const NOW = new Date('2026-11-25T15:00:00Z');

const sfn = mockClient(SFNClient);
const lambda = mockClient(LambdaClient);
let table: TestTable;

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});
const started = (input: { stateMachineArn: string; name: string }) => ({
  executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
  startDate: NOW,
});
beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake(started);
});

async function setup(config: FirebreakConfigInput = {}) {
  const tableName = await table.createTable();
  const repository = new IncidentRepository(table.doc, tableName, () => NOW);
  const logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, ...extra: Record<string, unknown>[]) => logs.push({ level, message, extra: Object.assign({}, ...extra) });
  const handler = createDetectHandler({
    clients: createAwsClients({ homeRegion: 'us-east-1' }),
    repository,
    config: parseFirebreakConfig(config),
    playbookArns: { 'credential-compromise': PLAYBOOK_ARN },
    now: () => NOW,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    notifyFunctionName: 'firebreak-notify',
  });
  return { handler, repository, logs };
}

function startCalls() {
  return sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
}

describe('detect handler', () => {
  it('opens an incident for a HIGH credential finding and starts the routed playbook with the incident as input', async () => {
    // Prepare
    const { handler, repository, logs } = await setup();
    // Act
    const report = await handler(CREDENTIAL_EVENT);
    // Assert
    const [outcome] = report.findings;
    expect(outcome).toMatchObject({ outcome: 'created', mode: 'approve', route: { playbook: 'credential-compromise' } });
    const incidentId = outcome!.incidentId!;
    const [start] = startCalls();
    expect(start?.stateMachineArn).toBe(PLAYBOOK_ARN);
    expect(start?.name).toBe(incidentId);
    const input = JSON.parse(start!.input!);
    expect(input).toMatchObject({ incidentId, accountId: '883606788610', region: 'us-east-1', playbook: 'credential-compromise', mode: 'approve', dryRun: true });
    expect(input.finding.principal).toMatchObject({ userName: 'ci-deployer', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    const incident = await repository.getOrThrow(incidentId);
    expect(incident.executionArn).toBe(`arn:aws:states:us-east-1:111122223333:execution:CredentialCompromise:${incidentId}`);
    expect(incident.severity).toBe('HIGH');
    const kinds = (await repository.timeline(incidentId)).map((entry) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['routed', 'playbook_started']));
    expect(logs.find((entry) => entry.message === 'incident opened')?.extra.incidentId).toBe(incidentId);
  });

  it('keeps one incident and one execution when the same event is delivered twice', async () => {
    // Prepare
    const { handler } = await setup();
    // Act
    const first = await handler(CREDENTIAL_EVENT);
    const second = await handler(CREDENTIAL_EVENT);
    // Assert
    expect(second.findings[0]).toMatchObject({ outcome: 'duplicate', incidentId: first.findings[0]!.incidentId });
    expect(startCalls()).toHaveLength(1);
  });

  it('treats a GuardDuty re-send with a higher service.count as the same incident, starting nothing new', async () => {
    // Prepare
    const { handler, repository } = await setup();
    const resent = structuredClone(CREDENTIAL_EVENT);
    resent.detail.service.count = 7;
    resent.detail.updatedAt = '2017-12-08T21:32:49.862Z';
    await handler(CREDENTIAL_EVENT);
    // Act
    const report = await handler(resent);
    // Assert
    expect(report.findings[0]?.outcome).toBe('duplicate');
    expect(startCalls()).toHaveLength(1);
    expect(await repository.list({ status: 'open' })).toHaveLength(1);
  });

  it('routes a GuardDuty sample finding to notify mode (never contained)', async () => {
    // Prepare
    const { handler } = await setup({ severityThreshold: 'MEDIUM' });
    // Act
    const report = await handler(SAMPLE_EVENT);
    // Assert
    expect(report.findings[0]).toMatchObject({ outcome: 'created', mode: 'notify' });
    expect(JSON.parse(startCalls()[0]!.input!).mode).toBe('notify');
  });

  it('opens no incident below the severity threshold', async () => {
    // Prepare
    const { handler } = await setup();
    // Act
    const report = await handler(SAMPLE_EVENT);
    // Assert
    expect(report.findings).toEqual([expect.objectContaining({ outcome: 'below-threshold' })]);
    expect(startCalls()).toHaveLength(0);
  });

  it('records the incident but starts nothing when the playbook mode is off', async () => {
    // Prepare
    const { handler, repository } = await setup({ playbooks: { 'credential-compromise': { mode: 'off' } } });
    // Act
    const report = await handler(CREDENTIAL_EVENT);
    // Assert
    expect(report.findings[0]).toMatchObject({ outcome: 'created', mode: 'off' });
    expect(startCalls()).toHaveLength(0);
    expect((await repository.getOrThrow(report.findings[0]!.incidentId!)).executionArn).toBeUndefined();
  });

  it('processes the good events of a batch and then fails the invocation naming the bad one', async () => {
    // Prepare
    const { handler, logs } = await setup();
    const malformed = { source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { type: 42 } };
    // Act
    const failure = await handler([malformed, CREDENTIAL_EVENT]).catch((error: unknown) => error);
    // Assert
    expect(failure).toBeInstanceOf(DetectBatchError);
    const report = (failure as DetectBatchError).report;
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.index).toBe(0);
    expect((failure as Error).message).toMatch(/^1 of 2 event\(s\) failed: #0: /);
    expect(report.findings[0]?.outcome).toBe('created');
    expect(startCalls()).toHaveLength(1);
    expect(logs.some((entry) => entry.level === 'error' && entry.message === 'event rejected')).toBe(true);
  });

  it('starts the playbook on the retry when the first start failed after the incident was opened', async () => {
    // Prepare
    const { handler, repository } = await setup();
    sfn.on(StartExecutionCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).callsFake(started);
    const first = await handler(CREDENTIAL_EVENT).catch((error: unknown) => error as DetectBatchError);
    // Act
    const retry = await handler(CREDENTIAL_EVENT);
    // Assert
    expect(first).toBeInstanceOf(DetectBatchError);
    expect(retry.findings[0]).toMatchObject({ outcome: 'duplicate' });
    expect(retry.findings[0]?.executionArn).toMatch(/:execution:CredentialCompromise:inc-/);
    const incident = await repository.getOrThrow(retry.findings[0]!.incidentId!);
    expect(incident.executionArn).toBe(retry.findings[0]?.executionArn);
    const inputs = startCalls().map((call) => call.input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toBe(inputs[1]);
  });

  it('joins a second finding about the same access key to the open incident and tells responders, starting nothing new', async () => {
    // Prepare: GuardDuty reports the same leaked key again under another finding id and type
    const { handler, repository } = await setup();
    const first = await handler(CREDENTIAL_EVENT);
    const second = structuredClone(CREDENTIAL_EVENT) as { id: string; detail: { id: string; type: string; arn: string } };
    second.id = 'a-second-eventbridge-delivery-id';
    second.detail.id = 'a-second-guardduty-finding-id';
    second.detail.arn = second.detail.arn.replace(/finding\/.*$/, 'finding/a-second-guardduty-finding-id');
    second.detail.type = 'UnauthorizedAccess:IAMUser/MaliciousIPCaller';
    lambda.reset();
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    // Act
    const report = await handler(second);
    // Assert
    const incidentId = first.findings[0]!.incidentId!;
    expect(report.findings[0]).toMatchObject({ outcome: 'joined', incidentId });
    expect(startCalls()).toHaveLength(1);
    const invokes = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toMatchObject({ FunctionName: 'firebreak-notify', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(invokes[0]!.Payload as Uint8Array))).toEqual({
      incidentId,
      event: 'updated',
      detail: { joined: { dedupKey: expect.stringContaining('a-second-guardduty-finding-id'), type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', title: expect.any(String) } },
    });
    expect((await repository.getOrThrow(incidentId)).findingKeys).toHaveLength(2);
  });

  it('announces an incident routed to no playbook by invoking the notify function once, asynchronously', async () => {
    // Prepare
    const { handler, repository } = await setup();
    // Act
    const first = (await handler(ROOT_LOGIN_RECORD)).findings.find((f) => f.outcome !== 'below-threshold');
    const again = (await handler(ROOT_LOGIN_RECORD)).findings.find((f) => f.outcome !== 'below-threshold');
    // Assert
    expect(first).toMatchObject({ outcome: 'created', mode: 'notify', route: { playbook: 'notify-only' } });
    expect(again?.outcome).toBe('duplicate');
    const invokes = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toMatchObject({ FunctionName: 'firebreak-notify', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(invokes[0]!.Payload as Uint8Array))).toEqual({ incidentId: first!.incidentId, event: 'notify_only' });
    expect(startCalls()).toHaveLength(0);
    expect((await repository.timeline(first!.incidentId!)).map((entry) => entry.kind)).toContain('notify_requested');
  });
});
