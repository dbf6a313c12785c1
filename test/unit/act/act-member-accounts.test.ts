import { readFileSync } from 'node:fs';
import { GetUserCommand, IAMClient, ListAccessKeysCommand, ListAttachedUserPoliciesCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActHandler, createRollbackHandler, homeFromFunctionArn } from '../../../lambdas/act/handler.js';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const HOME = '111111111111';
const MEMBER = '222222222222';
const NOW = new Date('2026-11-25T15:00:00.000Z');
const ACTION = 'iam/deactivate-access-key';

/** The real GuardDuty sample (Recon:IAMUser/MaliciousIPCaller.Custom), as a member account's finding aggregated here. */
function memberFinding(accountId = MEMBER): Finding {
  const raw = JSON.parse(
    readFileSync(new URL('../../fixtures/guardduty/aws-samples-automated-response/guardduty_iam_event.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const retargeted = structuredClone(raw);
  retargeted.accountId = accountId;
  const result = normalizeGuardDutyFinding(retargeted);
  if (!result.ok) throw new Error(`fixture rejected: ${result.reason}`);
  return result.findings[0]!;
}

const finding = memberFinding();
const USER = finding.principal!.userName!;
const KEY = finding.principal!.accessKeyId!;

let table: TestTable;
let repository: IncidentRepository;

async function openIncident(subject: Finding = finding): Promise<string> {
  const { incident } = await repository.openOrJoin({
    finding: { ...subject, dedupKey: `k-${Math.random()}` },
    riskScore: 80,
    correlationKey: `principal:${Math.random()}`,
    playbook: 'credential-compromise',
    mode: 'auto',
    retentionDays: 30,
    correlationWindowSeconds: 3600,
  });
  return incident.incidentId;
}

function depsWith(config: Record<string, unknown>) {
  const parsed = parseFirebreakConfig(config);
  return {
    // As lambdas/act/handler.ts builds them at cold start, with the home account read from the function's own ARN.
    clients: createAwsClients({
      homeRegion: 'us-east-1',
      now: () => NOW,
      overrides: { sts: { credentials: { accessKeyId: 'AKIAHOME', secretAccessKey: 'home' } } },
      crossAccount: { ...homeFromFunctionArn(`arn:aws:lambda:us-east-1:${HOME}:function:Firebreak-Act`), memberAccounts: parsed.memberAccounts },
    }),
    repository,
    config: parsed,
    now: () => NOW,
  };
}

const handlerWith = (config: Record<string, unknown>) => createActHandler(depsWith(config));

function memberStsIssues() {
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'member-secret', SessionToken: 'member-token', Expiration: new Date(NOW.getTime() + 900_000) },
  });
}

function keyIs(status: 'Active' | 'Inactive') {
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: `arn:aws:iam::${MEMBER}:user/${USER}`, UserId: 'AIDA', Path: '/', CreateDate: new Date(0) } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: status }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
}

function payload(incidentId: string, dryRun: boolean, subject: Finding = finding) {
  return { incidentId, actionId: ACTION, dryRun, accountId: subject.accountId, region: subject.region, finding: subject };
}

beforeAll(async () => {
  table = await startTestTable();
  repository = new IncidentRepository(table.doc, table.tableName, () => NOW);
});
afterAll(async () => table.stop());
beforeEach(() => {
  iam.reset();
  sts.reset();
});

describe('act handler in member accounts', () => {

  it('without memberAccounts, a finding of another account is skipped with the reason, and nothing is called anywhere', async () => {
    // Prepare
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: false })(payload(incidentId, false));
    // Assert
    const reason = `finding is for account ${MEMBER}; Firebreak is deployed in ${HOME} and memberAccounts is not configured`;
    expect(result).toMatchObject({ status: 'skipped', reason, refused: true, calls: [], actionId: ACTION, target: `user/${USER}/access-key/${KEY}` });
    expect(iam.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
    expect(await repository.actions(incidentId)).toEqual([expect.objectContaining({ actionId: ACTION, status: 'skipped', reason })]);
    const timeline = await repository.timeline(incidentId);
    expect(timeline.find((entry) => entry.kind === 'action_refused')?.message).toBe(`${ACTION} on user/${USER}/access-key/${KEY} skipped: ${reason}`);
    expect(timeline.find((entry) => entry.kind === 'escalated')?.message).toContain(`contain it in account ${MEMBER} by hand`);
  });

  it('without memberAccounts, a finding of the home account is contained as before', async () => {
    // Prepare
    const home = memberFinding(HOME);
    const incidentId = await openIncident(home);
    // Act
    const result = await handlerWith({ dryRun: true })(payload(incidentId, true, home));
    // Assert
    expect(result).toMatchObject({ status: 'done', calls: [{ service: 'iam', operation: 'UpdateAccessKey' }] });
    expect(sts.calls()).toHaveLength(0);
  });

  it('with memberAccounts, the IAM calls run on the credentials of the role assumed in the member account', async () => {
    // Prepare
    const incidentId = await openIncident();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'member-secret', SessionToken: 'member-token', Expiration: new Date(NOW.getTime() + 900_000) },
    });
    const seen: { accessKeyId: string; region: string }[] = [];
    const identity = async (client: unknown) => {
      const config = (client as IAMClient).config;
      const credentials = await (config.credentials as () => Promise<{ accessKeyId: string }>)();
      seen.push({ accessKeyId: credentials.accessKeyId, region: await config.region() });
    };
    iam.on(GetUserCommand).callsFake(async (_input, getClient) => {
      await identity(getClient());
      return { User: { UserName: USER, Arn: `arn:aws:iam::${MEMBER}:user/${USER}`, UserId: 'AIDA', Path: '/', CreateDate: new Date(0) } };
    });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }] });
    iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
    iam.on(UpdateAccessKeyCommand).callsFake(async (_input, getClient) => {
      await identity(getClient());
      return {};
    });
    // Act
    const result = await handlerWith({ dryRun: false, memberAccounts: { externalId: 'org-firebreak' } })(payload(incidentId, false));
    // Assert
    expect(result).toMatchObject({ status: 'done', dryRun: false });
    expect(result.status === 'done' && result.summary).toContain(`(as arn:aws:iam::${MEMBER}:role/FirebreakResponder, session firebreak-${incidentId})`);
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: `arn:aws:iam::${MEMBER}:role/FirebreakResponder`, RoleSessionName: `firebreak-${incidentId}`, ExternalId: 'org-firebreak', DurationSeconds: 900 },
    ]);
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input)).toEqual([{ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }]);
    expect(seen).toEqual([
      { accessKeyId: 'ASIAMEMBER', region: finding.region },
      { accessKeyId: 'ASIAMEMBER', region: finding.region },
    ]);
  });

  it('a dry run in a member account shows the AssumeRole it would make first, and makes no call', async () => {
    // Prepare
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: true, memberAccounts: { roleName: 'SecOpsContain', sessionDurationSeconds: 1800 } })(payload(incidentId, true));
    // Assert
    expect(result.calls).toEqual([
      {
        service: 'sts',
        operation: 'AssumeRole',
        params: { RoleArn: `arn:aws:iam::${MEMBER}:role/SecOpsContain`, RoleSessionName: `firebreak-${incidentId}`, DurationSeconds: 1800 },
      },
      { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: USER, AccessKeyId: KEY, Status: 'Inactive' } },
    ]);
    expect(sts.calls()).toHaveLength(0);
    expect(iam.calls()).toHaveLength(0);
  });

  it('an account outside allowedAccounts is skipped before any STS call', async () => {
    // Prepare
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: false, memberAccounts: { allowedAccounts: ['333333333333'] } })(payload(incidentId, false));
    // Assert
    expect(result).toMatchObject({ status: 'skipped', refused: true, reason: `account ${MEMBER} is not in memberAccounts.allowedAccounts (333333333333)` });
    expect(sts.calls()).toHaveLength(0);
    expect(iam.calls()).toHaveLength(0);
  });

  it('a role that cannot be assumed fails the step with STS cause, naming the role', async () => {
    // Prepare
    const incidentId = await openIncident();
    sts.on(AssumeRoleCommand).callsFake(async () => {
      throw Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER}:role/FirebreakResponder`), { name: 'AccessDenied' });
    });
    iam.on(GetUserCommand).callsFake(async (_input, getClient) => {
      await (getClient().config.credentials as () => Promise<unknown>)();
      return {};
    });
    // Act + Assert
    await expect(handlerWith({ dryRun: false, memberAccounts: {} })(payload(incidentId, false))).rejects.toMatchObject({ name: 'Firebreak.ActionFailed' });
    const [record] = await repository.actions(incidentId);
    expect(record?.status).toBe('failed');
    expect(record?.reason).toMatch(/^AccessDenied: .*sts:AssumeRole.* \(as arn:aws:iam::222222222222:role\/FirebreakResponder, session firebreak-/);
  });
});

describe('rollback in member accounts', () => {

  it('undoes a member-account containment through the member role; its dry run shows the AssumeRole first', async () => {
    // Prepare: the key was deactivated for real in the member account.
    const config = { dryRun: false, memberAccounts: {} };
    const incidentId = await openIncident();
    memberStsIssues();
    keyIs('Active');
    iam.on(UpdateAccessKeyCommand).resolves({});
    await handlerWith(config)(payload(incidentId, false));
    iam.reset();
    sts.reset();
    memberStsIssues();
    keyIs('Inactive');
    iam.on(UpdateAccessKeyCommand).callsFake(async (_input, getClient) => {
      const credentials = await (getClient().config.credentials as () => Promise<{ accessKeyId: string }>)();
      expect(credentials.accessKeyId).toBe('ASIAMEMBER');
      return {};
    });
    const rollback = createRollbackHandler(depsWith(config));
    const session = `firebreak-${incidentId}`;
    // Act
    const rehearsal = await rollback({ operation: 'rollback', incidentId, dryRun: true });
    const real = await rollback({ operation: 'rollback', incidentId, dryRun: false });
    // Assert
    expect(rehearsal.steps.map((step) => step.result.calls)).toEqual([
      [
        { service: 'sts', operation: 'AssumeRole', params: { RoleArn: `arn:aws:iam::${MEMBER}:role/FirebreakResponder`, RoleSessionName: session, DurationSeconds: 900 } },
        { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: USER, AccessKeyId: KEY, Status: 'Active' } },
      ],
    ]);
    expect(real.counts).toEqual({ done: 1, skipped: 0, failed: 0 });
    expect(real.steps[0]?.result.status === 'done' && real.steps[0].result.summary).toContain(`(as arn:aws:iam::${MEMBER}:role/FirebreakResponder, session ${session})`);
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input)).toEqual([{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }]);
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleSessionName)).toEqual([session]);
  });
});

describe('rollback in a refused account', () => {
  it('leaves a member-account record alone (skipped, refused, escalated) when memberAccounts is no longer configured, dry run or not', async () => {
    // Prepare: contained through the member role; the configuration then dropped memberAccounts.
    const incidentId = await openIncident();
    memberStsIssues();
    keyIs('Active');
    iam.on(UpdateAccessKeyCommand).resolves({});
    await handlerWith({ dryRun: false, memberAccounts: {} })(payload(incidentId, false));
    iam.reset();
    sts.reset();
    const rollback = createRollbackHandler(depsWith({ dryRun: false }));
    // Act
    const rehearsal = await rollback({ operation: 'rollback', incidentId, dryRun: true });
    const real = await rollback({ operation: 'rollback', incidentId, dryRun: false });
    // Assert: skipped with the reason, no call of any kind, the record still there to undo later.
    for (const outcome of [rehearsal, real]) {
      expect(outcome.counts).toEqual({ done: 0, skipped: 1, failed: 0 });
      expect(outcome.steps[0]!.result).toMatchObject({ status: 'skipped', refused: true, calls: [], reason: expect.stringContaining(MEMBER) });
    }
    expect(iam.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
    expect((await repository.actions(incidentId)).map((record) => record.status)).toEqual(['done']);
  });
});

describe('homeFromFunctionArn', () => {
  it('reads account and partition from the invoked function ARN (alias or not)', () => {
    expect(homeFromFunctionArn('arn:aws-cn:lambda:cn-north-1:111111111111:function:Firebreak-Act:live')).toEqual({ homeAccountId: HOME, partition: 'aws-cn' });
  });

  it('refuses to guess when the ARN is missing', () => {
    expect(() => homeFromFunctionArn(undefined)).toThrow("cannot tell the home account from the invoked function ARN ''");
  });
});
