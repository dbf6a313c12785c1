import { readFileSync } from 'node:fs';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../lib/config.js';
import { LocalStepFunctions, type ExecutionRecord } from '../../lib/local/local-state-machine.js';
import { resolveStateMachineDefinitions, type ResolvedStateMachine } from '../../lib/local/state-machine-definitions.js';
import { synthesizeFirebreakTemplate } from '../../lib/local/synthesize-stack.js';
import { TemplateFunctions } from '../../lib/local/template-functions.js';
import { createActHandler } from '../../lambdas/act/create-act-handler.js';
import { createAwsClients } from '../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../lambdas/core/config/firebreak-config.js';
import type { Finding } from '../../lambdas/core/findings/finding.js';
import { normalizeGuardDutyFinding } from '../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { createNotifyHandler } from '../../lambdas/notify/create-notify-handler.js';
import { createRecordHandler } from '../../lambdas/record/create-record-handler.js';
import { IncidentNotifier } from '../../lambdas/notify/incident-notifier.js';
import { createSlaHandler } from '../../lambdas/sla/create-sla-handler.js';
import { IncidentRepository } from '../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../support/dynalite.js';
import { recordingPublisher, testClock } from '../support/workflow-testbed.js';

/*
 * The credential-compromise playbook's SYNTHESIZED state machine run locally with the real act, record and notify handlers
 * (DynamoDB on dynalite, IAM and CloudTrail mocked with exact requests asserted), on the demo GuardDuty event
 * (test/fixtures/integration/guardduty-iam-credential-finding.json, provenance in test/fixtures/SOURCES.md). What the
 * deployed config says about dry run is a switch the test flips, as a redeploy would, between or during executions.
 */

const TARGET = { accountId: '123456789012', region: 'us-east-1', stackName: 'Firebreak' };
const USER = 'ci-deployer';
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const USER_ARN = `arn:aws:iam::883606788610:user/${USER}`;
const KEY_TARGET = `user/${USER}/access-key/${KEY}`;

const iam = mockClient(IAMClient);
const cloudTrail = mockClient(CloudTrailClient);

let table: TestTable;
let machine: ResolvedStateMachine;
let functions: TemplateFunctions;
let credentialFinding: Finding;

beforeAll(async () => {
  const event = JSON.parse(readFileSync(new URL('../fixtures/integration/guardduty-iam-credential-finding.json', import.meta.url), 'utf8'));
  const normalized = normalizeGuardDutyFinding(event.detail, { accountId: event.account, region: event.region, time: event.time });
  if (!normalized.ok) throw new Error(normalized.reason);
  credentialFinding = normalized.findings[0]!;
  const template = synthesizeFirebreakTemplate(configFromObject({}), TARGET);
  functions = new TemplateFunctions(template, TARGET);
  machine = resolveStateMachineDefinitions(template, TARGET).find((m) => (m.definition.Comment ?? '').startsWith('Firebreak playbook credential-compromise:'))!;
  table = await startTestTable();
}, 120_000);
afterAll(async () => table?.stop());

/** The user as IAM describes it before containment: key Active, no revocation policy, a console password. */
function liveAccount() {
  iam.reset();
  cloudTrail.reset();
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: USER_ARN, UserId: 'AIDAJQABLZS4A3QDU576Q', Path: '/', CreateDate: new Date(0) } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(GetUserPolicyCommand).rejects(new NoSuchEntityException({ message: 'The user policy with name FirebreakRevokeOlderSessions cannot be found.', $metadata: {} }));
  iam.on(GetLoginProfileCommand).resolves({ LoginProfile: { UserName: USER, CreateDate: new Date(0), PasswordResetRequired: false } });
  iam.on(UpdateAccessKeyCommand).resolves({});
  iam.on(PutUserPolicyCommand).resolves({});
  iam.on(UpdateLoginProfileCommand).resolves({});
  cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });
}

/** Mutating IAM requests sent, as `[operation, input]`: what a dry run must never send. */
const iamChanges = () =>
  iam
    .calls()
    .map((call) => call.args[0] as { constructor: { name: string }; input: unknown })
    .filter((command) => /^(Update|Put|Delete|Attach|Detach|Create)/.test(command.constructor.name))
    .map((command) => [command.constructor.name.replace(/Command$/, ''), command.input]);

async function testbed() {
  const clock = testClock('2026-11-25T15:00:00.000Z');
  const repository = new IncidentRepository(table.doc, await table.createTable(), clock);
  const publisher = recordingPublisher();
  const clients = createAwsClients({ homeRegion: TARGET.region });
  /** The deployed config's `dryRun` (the act Lambda reads it at each invocation, as after a redeploy). */
  const deployed = { dryRun: true };
  const record = createRecordHandler({ repository });
  const notify = createNotifyHandler({ repository, publisher });
  const local = new LocalStepFunctions([machine], {
    invokeFunction: async (name, payload) => {
      switch (functions.find(name).kind) {
        case 'act':
          return createActHandler({ clients, repository, config: parseFirebreakConfig({ dryRun: deployed.dryRun }), now: clock })(payload);
        case 'record':
          return record(payload);
        case 'notify':
          return notify(payload);
        default:
          return { requested: true }; // approval request: the test answers the task token itself
      }
    },
  });
  const { incident } = await repository.openOrJoin({
    finding: credentialFinding,
    riskScore: 80,
    correlationKey: `principal:${USER_ARN}`,
    playbook: 'credential-compromise',
    mode: 'auto',
    retentionDays: 30,
    correlationWindowSeconds: 60,
  });
  let runs = 0;
  /** One execution (its own name, as a re-run gets); `atGate` runs before each approval is granted. */
  const execute = async (options: { inputDryRun: boolean; atGate?: () => void }): Promise<ExecutionRecord> => {
    const input = { incidentId: incident.incidentId, accountId: incident.accountId, region: incident.region, playbook: 'credential-compromise', mode: 'auto', dryRun: options.inputDryRun, finding: credentialFinding };
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify(input), name: `${incident.incidentId}-${++runs}` });
    for (let guard = 0; guard < 10; guard++) {
      const execution = await local.settle(executionArn);
      const [pending] = local.pendingTasks(executionArn);
      if (!pending) return execution;
      options.atGate?.();
      local.sendTaskSuccess(pending.token, { approvedBy: 'alice@example.com' });
    }
    throw new Error('the execution did not finish');
  };
  return { clock, repository, publisher, deployed, execute, incidentId: incident.incidentId };
}

beforeEach(() => liveAccount());

describe('credential-compromise: a dry run never claims containment', () => {
  it('a dry run (global config dryRun, input dryRun false) leaves the incident open, says what it would have done, notifies "dry run: nothing changed"', async () => {
    // Prepare: the input says real, the deployed config says dry run (the act Lambda applies it).
    const bed = await testbed();
    // Act
    const execution = await bed.execute({ inputDryRun: false });
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.path.slice(-4)).toEqual(['RecordOutcome', 'ChooseOutcome', 'NotifyDryRun', 'DryRunCompleted']);
    expect(iamChanges()).toEqual([]);
    const incident = await bed.repository.getOrThrow(bed.incidentId);
    expect(incident.status).toBe('open');
    expect(incident.containedAt).toBeUndefined();
    const timeline = await bed.repository.timeline(bed.incidentId);
    expect(timeline.filter((entry) => entry.kind === 'status_changed')).toEqual([]);
    const dryRun = timeline.find((entry) => entry.kind === 'dry_run_completed');
    expect(dryRun?.message).toContain('dry run of playbook credential-compromise finished: nothing changed, the incident stays open');
    expect(dryRun?.message).toContain(`iam/deactivate-access-key on ${KEY_TARGET} (iam UpdateAccessKey)`);
    expect(dryRun?.message).toContain(`iam/revoke-user-sessions on user/${USER}/sessions (iam PutUserPolicy)`);
    expect(dryRun?.message).toContain(`iam/force-password-reset on user/${USER}/login-profile (iam UpdateLoginProfile)`);
    expect((dryRun?.data?.wouldHave as { actionId: string; calls: unknown[] }[]).find((step) => step.actionId === 'iam/deactivate-access-key')?.calls).toEqual([
      { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: USER, AccessKeyId: KEY, Status: 'Inactive' } },
    ]);
    expect(bed.publisher.sent.map((message) => message.attributes.event)).toEqual(['dry_run_completed']);
    const [message] = bed.publisher.sent;
    expect(message?.subject).toMatch(/^\[Firebreak HIGH\] Dry run, nothing changed: /);
    expect(message?.text).toContain('What Firebreak did: dry run: nothing changed.');
    expect(message?.text).toContain('the incident is NOT contained (status open)');
  });

  it('the SLA sweep still escalates an incident that was only dry-run "contained"', async () => {
    // Prepare
    const bed = await testbed();
    await bed.execute({ inputDryRun: true });
    const targets = { critical: 900, high: 3600, medium: 14_400, low: 86_400 };
    const escalations = recordingPublisher();
    const sweep = createSlaHandler({
      repository: bed.repository,
      notifier: new IncidentNotifier({ repository: bed.repository, publisher: escalations, responseTimeTargets: targets }),
      metrics: { breach: () => undefined, unacknowledged: () => undefined },
      targets,
      clock: bed.clock,
    });
    bed.clock.advance(3601);
    // Act
    const result = await sweep();
    // Assert
    expect(result.escalated.map((entry) => entry.incidentId)).toEqual([bed.incidentId]);
    expect(escalations.sent.map((message) => message.attributes.event)).toEqual(['escalation']);
  });

  it('a real run after a dry run performs the IAM calls, replaces the dry-run records and marks the incident contained', async () => {
    // Prepare: a dry run first, then dry run switched off in the config and the playbook run again.
    const bed = await testbed();
    await bed.execute({ inputDryRun: true });
    expect((await bed.repository.actions(bed.incidentId)).find((r) => r.actionId === 'iam/deactivate-access-key')).toMatchObject({ status: 'done', dryRun: true });
    bed.deployed.dryRun = false;
    // Act
    const execution = await bed.execute({ inputDryRun: false });
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.path.slice(-4)).toEqual(['RecordOutcome', 'ChooseOutcome', 'NotifyContained', 'Contained']);
    const changes = iamChanges();
    expect(changes.filter(([operation]) => operation !== 'PutUserPolicy')).toEqual([
      ['UpdateAccessKey', { UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }],
      ['UpdateLoginProfile', { UserName: USER, PasswordResetRequired: true }],
    ]);
    const put = changes.find(([operation]) => operation === 'PutUserPolicy')?.[1] as { UserName: string; PolicyName: string; PolicyDocument: string };
    expect(put).toMatchObject({ UserName: USER, PolicyName: 'FirebreakRevokeOlderSessions' });
    expect(JSON.parse(put.PolicyDocument).Statement[0]).toMatchObject({
      Effect: 'Deny',
      Action: ['*'],
      Resource: ['*'],
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-25T15:00:00.000Z' } },
    });
    const records = await bed.repository.actions(bed.incidentId);
    expect(records.find((r) => r.actionId === 'iam/deactivate-access-key')).toMatchObject({
      status: 'done',
      dryRun: false,
      priorState: { userName: USER, accessKeyId: KEY, status: 'Active' },
      appliedState: { status: 'Inactive' },
    });
    expect(records.filter((r) => r.status === 'done' && r.dryRun)).toEqual([]);
    const incident = await bed.repository.getOrThrow(bed.incidentId);
    expect(incident.status).toBe('contained');
    const timeline = await bed.repository.timeline(bed.incidentId);
    // The dry run stays in the history.
    expect(timeline.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['dry_run_completed', 'status_changed']));
    expect(timeline.filter((e) => e.kind === 'action_done' && e.data?.actionId === 'iam/deactivate-access-key').map((e) => e.data?.dryRun)).toEqual([true, false]);
    expect(bed.publisher.sent.map((message) => message.attributes.event)).toEqual(['dry_run_completed', 'contained']);
    expect(bed.publisher.sent[1]?.text).not.toContain('dry run');
  });

  it('a mixed run (dry run switched off while the run waited at the approval gate) is contained and says which steps only rehearsed', async () => {
    // Prepare
    const bed = await testbed();
    // Act: the first steps run in dry run; the redeploy lands before the password-reset approval is granted.
    const execution = await bed.execute({
      inputDryRun: false,
      atGate: () => {
        bed.deployed.dryRun = false;
      },
    });
    // Assert
    expect(execution.path.at(-1)).toBe('Contained');
    expect(iamChanges()).toEqual([['UpdateLoginProfile', { UserName: USER, PasswordResetRequired: true }]]);
    expect((await bed.repository.getOrThrow(bed.incidentId)).status).toBe('contained');
    const timeline = await bed.repository.timeline(bed.incidentId);
    expect(timeline.find((entry) => entry.kind === 'status_changed')?.message).toBe(
      'open → contained: playbook credential-compromise finished (3 step(s) ran in dry run only)',
    );
    const mixed = timeline.find((entry) => entry.kind === 'partly_dry_run');
    expect(mixed?.message).toContain(`playbook credential-compromise finished as a mixed run: changed iam/force-password-reset on user/${USER}/login-profile`);
    expect(mixed?.message).toContain(`ran in dry run only, nothing changed: iam/deactivate-access-key on ${KEY_TARGET} (iam UpdateAccessKey)`);
    expect(bed.publisher.sent.map((message) => message.attributes.event)).toEqual(['contained']);
    expect(bed.publisher.sent[0]?.text).toContain(`iam/deactivate-access-key on ${KEY_TARGET} (dry run: nothing changed)`);
  });
});
