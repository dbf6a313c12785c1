import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { createDetectHandler } from '../../../lambdas/detect/create-detect-handler.js';
import { CircuitBreakerStore } from '../../../lambdas/store/circuit-breaker-store.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';

// The demo's GuardDuty credential finding (test/fixtures/SOURCES.md), re-sent as distinct findings by changing its id.
const EVENT = JSON.parse(readFileSync(new URL('../../fixtures/integration/guardduty-iam-credential-finding.json', import.meta.url), 'utf8'));
const findingNumber = (n: number) => ({ ...EVENT, id: `${EVENT.id}-${n}`, detail: { ...EVENT.detail, id: `${EVENT.detail.id}-${n}`, resource: { ...EVENT.detail.resource, accessKeyDetails: { ...EVENT.detail.resource.accessKeyDetails, userName: `user-${n}`, principalId: `AIDAJQABLZS4A3QDU576${n}`, accessKeyId: `AKIAIOSFODNN7EXAMP0${n}` } } } });
const NOW = new Date('2026-11-25T15:00:00Z');
const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:CredentialCompromise';

const sfn = mockClient(SFNClient);
const lambda = mockClient(LambdaClient);
let table: TestTable;

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => table.stop());
beforeEach(() => {
  sfn.reset();
  lambda.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: `${ARN}:${input.name}`, startDate: NOW }));
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

async function handlerWith(dryRun: boolean) {
  const tableName = await table.createTable();
  const config = parseFirebreakConfig({ dryRun, playbooks: { 'credential-compromise': { mode: 'auto' } }, circuitBreaker: { maxAutomaticContainments: 2, window: '1h' } });
  const repository = new IncidentRepository(table.doc, tableName, () => NOW);
  const handler = createDetectHandler({
    clients: createAwsClients({ homeRegion: 'us-east-1' }),
    repository,
    config,
    playbookArns: { 'credential-compromise': ARN },
    now: () => NOW,
    circuitBreaker: new CircuitBreakerStore(table.doc, tableName, config.circuitBreaker, () => NOW),
  });
  return { handler, repository };
}

const modesStarted = () => sfn.commandCalls(StartExecutionCommand).map((c) => JSON.parse(c.args[0].input.input!).mode as string);

describe('circuit breaker in the detect handler', () => {
  it('the third automatic containment in the window starts in approve mode and says why on the timeline', async () => {
    // Prepare
    const { handler, repository } = await handlerWith(false);
    // Act
    for (const n of [1, 2, 3]) await handler(findingNumber(n));
    await handler(findingNumber(1)); // a re-delivery: no new incident, no new count
    // Assert
    expect(modesStarted()).toEqual(['auto', 'auto', 'approve']);
    const third = sfn.commandCalls(StartExecutionCommand)[2]!.args[0].input.name!;
    const routed = (await repository.timeline(third)).find((e) => e.kind === 'routed');
    expect(routed?.message).toContain('circuit breaker open: 2 automatic containments');
    expect(routed?.data).toMatchObject({ mode: 'approve', circuitBreaker: { admitted: false, limit: 2 } });
  });

  it('counts containments, not findings: a finding that joins a running containment gives its slot back', async () => {
    // Prepare: a second GuardDuty finding about the same access key as finding 1 (it joins finding 1's incident).
    const { handler, repository } = await handlerWith(false);
    const first = findingNumber(1);
    const sameKey = { ...first, id: `${first.id}-again`, detail: { ...first.detail, id: `${first.detail.id}-again`, type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom' } };
    // Act
    await handler(first);
    const joined = await handler(sameKey);
    for (const n of [2, 3]) await handler(findingNumber(n));
    // Assert: the join started nothing and took no slot, so finding 2 still contains automatically; finding 3 is the third.
    expect(joined.findings[0]).toMatchObject({ outcome: 'joined' });
    expect(modesStarted()).toEqual(['auto', 'auto', 'approve']);
    const third = sfn.commandCalls(StartExecutionCommand)[2]!.args[0].input.name!;
    expect((await repository.timeline(third)).find((e) => e.kind === 'routed')?.message).toContain('circuit breaker open: 2 automatic containments');
  });

  it('dry-run containments are not counted', async () => {
    const { handler } = await handlerWith(true);
    for (const n of [1, 2, 3]) await handler(findingNumber(n));
    expect(modesStarted()).toEqual(['auto', 'auto', 'auto']);
  });
});
