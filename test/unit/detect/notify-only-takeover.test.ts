import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig, type FirebreakConfigInput } from '../../../lambdas/core/config/firebreak-config.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { renderNotification } from '../../../lambdas/core/notifications/render-notification.js';
import { PlaybookInputSchema } from '../../../lambdas/core/playbook-contract.js';
import { createDetectHandler, DetectBatchError, type DetectRepository } from '../../../lambdas/detect/create-detect-handler.js';
import { CircuitBreakerStore } from '../../../lambdas/store/circuit-breaker-store.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';

// Real events (test/fixtures/SOURCES.md), re-targeted so they are about one access key:
// - CreateUser by IAM user Alice (awsdocs CloudTrail user guide): rule iam-user-created, routed notify-only (LOW);
// - the demo GuardDuty credential finding for ci-deployer's key AKIAIOSFODNN7EXAMPLE (HIGH), cloned as
//   InstanceCredentialExfiltration.OutsideAWS (and other IAMUser types) under new finding ids: routed to credential-compromise.
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const ACCOUNT = '883606788610';
const read = (path: string) => JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));
const CREATE_USER = (read('containment/cloudtrail-iam-user-api-records.json').Records as Record<string, unknown>[]).find((r) => r.eventName === 'CreateUser')!;
const CREDENTIAL_EVENT = read('integration/guardduty-iam-credential-finding.json');
const SG_OPENED = read('integration/cloudtrail-sg-opened-to-world.json');

/** The security-group change (network-exposure playbook) as if made with ci-deployer's key. */
function securityGroupOpenedWithTheKey() {
  const record = structuredClone(SG_OPENED) as Record<string, unknown>;
  record.userIdentity = { type: 'IAMUser', principalId: 'AIDAJQABLZS4A3QDU576Q', arn: `arn:aws:iam::${ACCOUNT}:user/ci-deployer`, accountId: ACCOUNT, accessKeyId: KEY, userName: 'ci-deployer' };
  record.recipientAccountId = ACCOUNT;
  return record;
}

/** The CreateUser call as if made with ci-deployer's key in the GuardDuty finding's account and region. */
function createUserWithTheKey() {
  const record = structuredClone(CREATE_USER) as Record<string, unknown> & { userIdentity: Record<string, unknown> };
  record.userIdentity = { ...record.userIdentity, principalId: 'AIDAJQABLZS4A3QDU576Q', arn: `arn:aws:iam::${ACCOUNT}:user/ci-deployer`, accountId: ACCOUNT, accessKeyId: KEY, userName: 'ci-deployer' };
  record.awsRegion = 'us-east-1';
  record.recipientAccountId = ACCOUNT;
  record.eventID = 'b1f6bd0c-3a50-4a45-9d3e-0d2c4f5e8a01';
  return record;
}

/** The GuardDuty finding under another id and type (same key). */
function guardDuty(id: string, type = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS') {
  const event = structuredClone(CREDENTIAL_EVENT) as { id: string; detail: { id: string; type: string; arn: string } };
  event.id = `delivery-${id}`;
  event.detail.id = id;
  event.detail.arn = event.detail.arn.replace(/finding\/.*$/, `finding/${id}`);
  event.detail.type = type;
  return event;
}

const PLAYBOOK_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:CredentialCompromise';
const NOW = new Date('2026-11-25T15:00:00Z');
const BASE_CONFIG: FirebreakConfigInput = { severityThreshold: 'LOW' };

const sfn = mockClient(SFNClient);
const lambda = mockClient(LambdaClient);
let table: TestTable;

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => table.stop());
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

async function setup(config: FirebreakConfigInput = BASE_CONFIG, wrap?: (repository: IncidentRepository) => DetectRepository) {
  const tableName = await table.createTable();
  const repository = new IncidentRepository(table.doc, tableName, () => NOW);
  const parsed = parseFirebreakConfig(config);
  const logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, ...extra: Record<string, unknown>[]) => logs.push({ level, message, extra: Object.assign({}, ...extra) });
  const breaker = new CircuitBreakerStore(table.doc, tableName, parsed.circuitBreaker, () => NOW);
  const handler = createDetectHandler({
    clients: createAwsClients({ homeRegion: 'us-east-1' }),
    repository: wrap ? wrap(repository) : repository,
    config: parsed,
    playbookArns: { 'credential-compromise': PLAYBOOK_ARN },
    now: () => NOW,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    notifyFunctionName: 'firebreak-notify',
    circuitBreaker: breaker,
  });
  return { handler, repository, logs, breaker, config: parsed };
}

const startCalls = () => sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
const notifications = () => lambda.commandCalls(InvokeCommand).map((call) => JSON.parse(new TextDecoder().decode(call.args[0].input.Payload as Uint8Array)));

/** The finding the detect path makes of an event (the same normalizer the handler runs). */
async function normalized(event: unknown, config: FirebreakConfigInput = BASE_CONFIG): Promise<Finding> {
  const detection = await detectEvents(event, { config: parseFirebreakConfig(config), now: NOW });
  if (detection.kind === 'rejected') throw new Error(detection.reason);
  return detection.findings[0]!.finding;
}

async function openNotifyOnly(handler: Awaited<ReturnType<typeof setup>>['handler']) {
  const report = await handler(createUserWithTheKey());
  const opened = report.findings.find((f) => f.outcome === 'created')!;
  expect(opened).toMatchObject({ mode: 'notify', route: { playbook: 'notify-only', matchedBy: 'rule:iam-user-created' } });
  return opened.incidentId!;
}

describe('a containment finding joining a notify-only incident', () => {
  it('takes over: starts its playbook for the incident with its finding, raises the severity, says why on the timeline, notifies', async () => {
    // Prepare
    const { handler, repository } = await setup();
    const incidentId = await openNotifyOnly(handler);
    const exfiltration = guardDuty('exfil-1');
    // Act
    const report = await handler(exfiltration);
    // Assert
    expect(report.findings[0]).toMatchObject({ outcome: 'joined', incidentId, mode: 'approve', route: { playbook: 'credential-compromise' } });
    const expectedInput = PlaybookInputSchema.parse({
      incidentId,
      accountId: ACCOUNT,
      region: 'us-east-1',
      playbook: 'credential-compromise',
      mode: 'approve',
      dryRun: true,
      finding: await normalized(exfiltration),
    });
    const starts = startCalls();
    expect(starts).toHaveLength(1);
    expect({ ...starts[0], input: JSON.parse(starts[0]!.input!) }).toEqual({ stateMachineArn: PLAYBOOK_ARN, name: incidentId, input: expectedInput });
    expect(expectedInput.finding).toMatchObject({ type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', principal: { accessKeyId: KEY } });

    const incident = await repository.getOrThrow(incidentId);
    expect(incident).toMatchObject({
      playbook: 'credential-compromise',
      mode: 'approve',
      severity: 'HIGH',
      executionArn: `arn:aws:states:us-east-1:111122223333:execution:CredentialCompromise:${incidentId}`,
      primaryFinding: { dedupKey: expectedInput.finding.dedupKey },
    });
    expect(incident.findingKeys).toHaveLength(2);
    expect((await repository.list({ severity: 'HIGH' })).map((i) => i.incidentId)).toEqual([incidentId]);
    expect(await repository.list({ severity: 'LOW' })).toEqual([]);

    const timeline = await repository.timeline(incidentId);
    const kinds = timeline.map((entry) => entry.kind);
    // The join itself raises the severity (the incident is as severe as its worst finding); the takeover then hands over.
    expect(kinds.slice(kinds.indexOf('finding_added'))).toEqual(['finding_added', 'severity_raised', 'playbook_takeover', 'routed', 'playbook_started']);
    const takeover = timeline.find((entry) => entry.kind === 'playbook_takeover')!;
    expect(takeover.message).toBe(
      'containment starts late: GuardDuty UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS (HIGH) joined this incident, which ' +
        'Firebreak iam-user-created had opened with no containment playbook (notify only); its route takes over: ' +
        'GuardDuty credential finding: deactivate the key / revoke the sessions of the principal — playbook credential-compromise in approve mode',
    );
    expect(timeline.find((entry) => entry.kind === 'severity_raised')!.message).toBe('Severity raised from LOW to HIGH by a joining finding');
    expect(takeover.data).toMatchObject({ from: { playbook: 'notify-only', mode: 'notify' }, to: { playbook: 'credential-compromise', mode: 'approve' } });

    expect(notifications()).toEqual([
      { incidentId, event: 'notify_only' },
      {
        incidentId,
        event: 'updated',
        detail: {
          joined: { dedupKey: expectedInput.finding.dedupKey, type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', title: expect.any(String) },
          playbookStarted: {
            playbook: 'credential-compromise',
            mode: 'approve',
            dryRun: true,
            reason: 'GuardDuty credential finding: deactivate the key / revoke the sessions of the principal',
            executionArn: `arn:aws:states:us-east-1:111122223333:execution:CredentialCompromise:${incidentId}`,
          },
        },
        // Sent at once, not held in the digest of 'updated' messages.
        aggregate: false,
      },
    ]);
    // What responders read (the notify Lambda renders the same request): containment started, not "not started again".
    const text = renderNotification({ incident, event: 'updated', detail: notifications()[1].detail }).text;
    expect(text).toContain(
      'What Firebreak did: a correlated finding routed to the credential-compromise playbook joined this incident, which had no containment playbook: ' +
        'started credential-compromise in approve mode (dry run: nothing will be changed), which ',
    );
    expect(text).not.toContain('not started again');
  });

  it('starts exactly one execution when two containment findings join at the same time', async () => {
    // Prepare
    const { handler, repository } = await setup();
    const incidentId = await openNotifyOnly(handler);
    // Act
    const [a, b] = await Promise.all([handler(guardDuty('exfil-a')), handler(guardDuty('tor-b', 'UnauthorizedAccess:IAMUser/TorIPCaller'))]);
    // Assert
    expect([a.findings[0]?.outcome, b.findings[0]?.outcome]).toEqual(['joined', 'joined']);
    expect(startCalls()).toHaveLength(1);
    expect(startCalls()[0]!.name).toBe(incidentId);
    const timeline = await repository.timeline(incidentId);
    expect(timeline.filter((entry) => entry.kind === 'playbook_takeover')).toHaveLength(1);
    expect(timeline.filter((entry) => entry.kind === 'playbook_started')).toHaveLength(1);
    const incident = await repository.getOrThrow(incidentId);
    expect(incident.findingKeys).toHaveLength(3);
    expect(JSON.parse(startCalls()[0]!.input!).finding.dedupKey).toBe(incident.primaryFinding.dedupKey);
  });

  it('starts nothing new when the incident already has its playbook running', async () => {
    // Prepare
    const { handler, logs } = await setup();
    const incidentId = await openNotifyOnly(handler);
    await handler(guardDuty('exfil-1'));
    // Act
    const report = await handler(guardDuty('tor-2', 'UnauthorizedAccess:IAMUser/TorIPCaller'));
    // Assert
    expect(report.findings[0]).toMatchObject({ outcome: 'joined', incidentId, executionArn: expect.stringContaining(incidentId) });
    expect(startCalls()).toHaveLength(1);
    expect(logs.find((entry) => entry.message === 'joined an incident that already has this playbook: not started again')?.extra).toMatchObject({ incidentId, route: 'credential-compromise' });
  });

  it('starts nothing when the incident already runs another containment playbook, and says so on the timeline', async () => {
    // Prepare: the credential finding opened the incident and started its playbook.
    const { handler, repository } = await setup();
    const opened = await handler(guardDuty('exfil-1'));
    const incidentId = opened.findings[0]!.incidentId!;
    // Act
    const report = await handler(securityGroupOpenedWithTheKey());
    // Assert
    const joined = report.findings.find((finding) => finding.route.playbook === 'network-exposure');
    expect(joined).toMatchObject({ outcome: 'joined', incidentId });
    expect(startCalls()).toHaveLength(1);
    expect(await repository.getOrThrow(incidentId)).toMatchObject({ playbook: 'credential-compromise', primaryFinding: { type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS' } });
    const notStarted = (await repository.timeline(incidentId)).filter((entry) => entry.kind === 'playbook_not_started');
    expect(notStarted.map((entry) => entry.data?.reason)).toEqual([
      `the incident already has playbook credential-compromise (approve mode, arn:aws:states:us-east-1:111122223333:execution:CredentialCompromise:${incidentId})`,
    ]);
  });

  it('starts nothing for a closed incident: the finding opens its own incident, the closed one stays notify-only', async () => {
    // Prepare
    const { handler, repository } = await setup();
    const closedId = await openNotifyOnly(handler);
    await repository.transition(closedId, 'resolved', { actor: 'alice', reason: 'Bob is a new hire' });
    await repository.transition(closedId, 'closed', { actor: 'alice', rootCause: 'onboarding', remediation: 'none needed' });
    // Act
    const report = await handler(guardDuty('exfil-1'));
    // Assert
    const outcome = report.findings[0]!;
    expect(outcome.outcome).toBe('created');
    expect(outcome.incidentId).not.toBe(closedId);
    expect(startCalls().map((call) => call.name)).toEqual([outcome.incidentId]);
    expect(await repository.getOrThrow(closedId)).toMatchObject({ status: 'closed', playbook: 'notify-only' });
    expect((await repository.getOrThrow(closedId)).executionArn).toBeUndefined();
  });

  it('starts nothing when the incident is resolved between the join and the takeover, and says so on the timeline', async () => {
    // Prepare: a responder resolves the incident right after the finding joined it.
    const { handler, repository } = await setup(BASE_CONFIG, (real) => ({
      openOrJoin: async (input) => {
        const result = await real.openOrJoin(input);
        if (result.outcome === 'joined') await real.transition(result.incident.incidentId, 'resolved', { actor: 'alice', reason: 'false positive' });
        return result;
      },
      setExecution: (id, arn) => real.setExecution(id, arn),
      takeOverPlaybook: (id, takeover) => real.takeOverPlaybook(id, takeover),
      appendTimeline: (id, entry) => real.appendTimeline(id, entry),
      timeline: (id) => real.timeline(id),
    }));
    const incidentId = await openNotifyOnly(handler);
    // Act
    const report = await handler(guardDuty('exfil-1'));
    // Assert
    expect(report.findings[0]).toMatchObject({ outcome: 'joined', incidentId });
    expect(startCalls()).toHaveLength(0);
    // The finding joined while the incident was active, so its severity counts; no playbook starts.
    expect(await repository.getOrThrow(incidentId)).toMatchObject({ status: 'resolved', playbook: 'notify-only', severity: 'HIGH' });
    const notStarted = (await repository.timeline(incidentId)).filter((entry) => entry.kind === 'playbook_not_started');
    expect(notStarted.map((entry) => entry.message)).toEqual([
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS routes to playbook credential-compromise (GuardDuty credential finding: deactivate the key / revoke the sessions of the principal); not started: the incident is resolved',
    ]);
  });

  it('starts nothing when the joining playbook is off, and says so on the timeline', async () => {
    // Prepare
    const { handler, repository } = await setup({ ...BASE_CONFIG, playbooks: { 'credential-compromise': { mode: 'off' } } });
    const incidentId = await openNotifyOnly(handler);
    // Act
    await handler(guardDuty('exfil-1'));
    // Assert
    expect(startCalls()).toHaveLength(0);
    expect((await repository.getOrThrow(incidentId)).playbook).toBe('notify-only');
    expect((await repository.timeline(incidentId)).find((entry) => entry.kind === 'playbook_not_started')?.data).toMatchObject({ reason: 'playbook credential-compromise is off in the configuration' });
  });

  it('keeps the mode rules: real (not dry) auto mode, and the circuit breaker turns auto into approve', async () => {
    // Prepare: auto mode, dry run off, the account's one automatic containment of the window already used.
    const config = { ...BASE_CONFIG, dryRun: false, playbooks: { 'credential-compromise': { mode: 'auto' as const } }, circuitBreaker: { maxAutomaticContainments: 1, window: '1h' } };
    const { handler, repository, breaker } = await setup(config);
    const incidentId = await openNotifyOnly(handler);
    await breaker.admit(ACCOUNT, 'inc-some-earlier-containment');
    // Act
    await handler(guardDuty('exfil-1'));
    // Assert
    const input = JSON.parse(startCalls()[0]!.input!);
    expect(input).toMatchObject({ incidentId, mode: 'approve', dryRun: false });
    const routed = (await repository.timeline(incidentId)).filter((entry) => entry.kind === 'routed').at(-1)!;
    expect(routed.message).toContain('circuit breaker open: 1 automatic containments');
    expect(routed.data).toMatchObject({ playbook: 'credential-compromise', mode: 'approve', circuitBreaker: { admitted: false, limit: 1 } });
  });

  it('starts the taken-over playbook on the retry when the first start failed, with the same input', async () => {
    // Prepare
    const { handler, repository } = await setup();
    const incidentId = await openNotifyOnly(handler);
    sfn.on(StartExecutionCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).callsFake(started);
    const first = await handler(guardDuty('exfil-1')).catch((error: unknown) => error);
    // Act
    const retry = await handler(guardDuty('exfil-1'));
    // Assert
    expect(first).toBeInstanceOf(DetectBatchError);
    expect(retry.findings[0]).toMatchObject({ outcome: 'duplicate', incidentId, executionArn: expect.stringContaining(incidentId) });
    const inputs = startCalls().map((call) => call.input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toBe(inputs[1]);
    expect((await repository.getOrThrow(incidentId)).executionArn).toBe(retry.findings[0]!.executionArn);
  });
  it('takes over on the retry when the first delivery failed between the join and the takeover', async () => {
    // Prepare: the first takeover attempt fails (e.g. DynamoDB throttled) after the finding joined.
    let failures = 1;
    const { handler, repository } = await setup(BASE_CONFIG, (real) => ({
      openOrJoin: (input) => real.openOrJoin(input),
      setExecution: (id, arn) => real.setExecution(id, arn),
      takeOverPlaybook: async (id, takeover) => {
        if (failures-- > 0) throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException' });
        return real.takeOverPlaybook(id, takeover);
      },
      appendTimeline: (id, entry) => real.appendTimeline(id, entry),
      timeline: (id) => real.timeline(id),
    }));
    const incidentId = await openNotifyOnly(handler);
    const first = await handler(guardDuty('exfil-1')).catch((error: unknown) => error);
    // Act
    const retry = await handler(guardDuty('exfil-1'));
    // Assert
    expect(first).toBeInstanceOf(DetectBatchError);
    expect(retry.findings[0]).toMatchObject({ outcome: 'duplicate', incidentId, executionArn: expect.stringContaining(incidentId) });
    expect(startCalls()).toHaveLength(1);
    expect(JSON.parse(startCalls()[0]!.input!)).toMatchObject({ incidentId, playbook: 'credential-compromise', finding: { type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS' } });
    expect((await repository.timeline(incidentId)).filter((entry) => entry.kind === 'playbook_takeover')).toHaveLength(1);
    expect(notifications().filter((n) => n.event === 'updated').map((n) => n.detail.playbookStarted?.playbook)).toEqual(['credential-compromise']);
  });
});
