import {
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActHandler } from '../../../lambdas/act/handler.js';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { ACCOUNT, finding, NOW, REGION } from '../actions/action-test-kit.js';

const iam = mockClient(IAMClient);
const USER = 'alice';
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const credentialFinding = finding({
  type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
  resourceClass: 'AccessKey',
  principal: { type: 'IAMUser', userName: USER, accessKeyId: KEY, arn: `arn:aws:iam::${ACCOUNT}:user/${USER}` },
});

let table: TestTable;
let repository: IncidentRepository;

async function openIncident() {
  const { incident } = await repository.openOrJoin({
    finding: { ...credentialFinding, dedupKey: `k-${Math.random()}` },
    riskScore: 80,
    correlationKey: `principal:${Math.random()}`,
    playbook: 'credential-compromise',
    mode: 'auto',
    retentionDays: 30,
    correlationWindowSeconds: 3600,
  });
  return incident.incidentId;
}

function handlerWith(config: Record<string, unknown>) {
  return createActHandler({
    clients: createAwsClients({ homeRegion: REGION }),
    repository,
    config: parseFirebreakConfig(config),
    now: () => NOW,
  });
}

function payload(incidentId: string, actionId: string, dryRun: boolean) {
  return { incidentId, actionId, dryRun, accountId: ACCOUNT, region: REGION, finding: credentialFinding };
}

function keyIs(status: 'Active' | 'Inactive') {
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: `arn:aws:iam::${ACCOUNT}:user/${USER}`, UserId: 'AIDA', Path: '/', CreateDate: new Date(0) } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: status }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(UpdateAccessKeyCommand).resolves({});
}

describe('act handler', () => {
  beforeAll(async () => {
    table = await startTestTable();
    repository = new IncidentRepository(table.doc, table.tableName, () => NOW);
  });
  afterAll(async () => table.stop());
  beforeEach(() => iam.reset());

  it('runs the action from the finding, records the action with its prior state and a timeline entry, returns the result', async () => {
    // Prepare
    keyIs('Active');
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    // Assert
    expect(result.status).toBe('done');
    expect(iam.commandCalls(UpdateAccessKeyCommand)[0]?.args[0].input).toEqual({ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' });
    const [record] = await repository.actions(incidentId);
    expect(record).toMatchObject({
      actionId: 'iam/deactivate-access-key',
      target: `user/${USER}/access-key/${KEY}`,
      status: 'done',
      dryRun: false,
      priorState: { status: 'Active' },
      appliedState: { status: 'Inactive' },
    });
    const timeline = await repository.timeline(incidentId);
    expect(timeline.find((e) => e.kind === 'action_done')?.message).toContain('deactivated access key');
  });

  it('the second run keeps the first record (the true prior state) and succeeds as already contained', async () => {
    // Prepare
    const incidentId = await openIncident();
    keyIs('Active');
    await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    iam.reset();
    keyIs('Inactive');
    // Act
    const second = await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    // Assert
    expect(second.status === 'done' && second.summary).toMatch(/^already contained/);
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    const records = await repository.actions(incidentId);
    expect(records).toHaveLength(1);
    expect(records[0]?.priorState).toMatchObject({ status: 'Active' });
  });

  it('the global dryRun wins over a payload that asks for a real run: no call, the planned call recorded', async () => {
    // Prepare
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: true })(payload(incidentId, 'iam/deactivate-access-key', false));
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'done', calls: [{ service: 'iam', operation: 'UpdateAccessKey' }] });
    const [record] = await repository.actions(incidentId);
    expect(record).toMatchObject({ dryRun: true, status: 'done' });
    const entry = (await repository.timeline(incidentId)).find((e) => e.kind === 'action_done');
    expect(entry?.data?.calls).toEqual([{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: USER, AccessKeyId: KEY, Status: 'Inactive' } }]);
  });

  it('an action that does not apply to the finding is skipped and recorded, not failed', async () => {
    // Prepare
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: false })(payload(incidentId, 'iam/revoke-role-sessions', false));
    // Assert
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('not applicable') });
    expect((await repository.timeline(incidentId)).some((e) => e.kind === 'action_skipped')).toBe(true);
  });

  it('an allowlisted principal is refused and the refusal is on the incident', async () => {
    // Prepare
    const incidentId = await openIncident();
    // Act
    const result = await handlerWith({ dryRun: false, allowlists: { principals: [`arn:aws:iam::${ACCOUNT}:user/alice`] } })(
      payload(incidentId, 'iam/deactivate-access-key', false),
    );
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', refused: true });
    const [record] = await repository.actions(incidentId);
    expect(record).toMatchObject({ status: 'skipped', reason: expect.stringContaining('allowlisted') });
    expect((await repository.timeline(incidentId)).some((e) => e.kind === 'action_refused')).toBe(true);
  });

  it('throttling surfaces as Firebreak.Throttled; a failure as Firebreak.ActionFailed after it is recorded', async () => {
    // Prepare
    const incidentId = await openIncident();
    iam.on(GetUserCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const act = handlerWith({ dryRun: false });
    // Act + Assert
    await expect(act(payload(incidentId, 'iam/deactivate-access-key', false))).rejects.toMatchObject({ name: 'Firebreak.Throttled' });
    await expect(act(payload(incidentId, 'iam/deactivate-access-key', false))).rejects.toMatchObject({
      name: 'Firebreak.ActionFailed',
      message: expect.stringContaining('AccessDenied: denied'),
    });
    const [record] = await repository.actions(incidentId);
    expect(record).toMatchObject({ status: 'failed', reason: 'AccessDenied: denied' });
  });

  it('rejects a malformed request and an unknown action with a ValidationError naming the problem', async () => {
    const act = handlerWith({ dryRun: true });
    await expect(act({ incidentId: 'x' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('actionId') });
    await expect(act(payload('inc-x', 'iam/nope', true))).rejects.toThrow("unknown action 'iam/nope'");
  });

  it('a dry-run done does not count: the real run after it acts, and its record (with the prior state) replaces the dry run', async () => {
    // Prepare: a dry run (global config) recorded a done, then dry run is switched off.
    keyIs('Active');
    const incidentId = await openIncident();
    const rehearsal = await handlerWith({ dryRun: true })(payload(incidentId, 'iam/deactivate-access-key', false));
    // Act
    const real = await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    // Assert
    expect(rehearsal).toMatchObject({ status: 'done', dryRun: true, actionId: 'iam/deactivate-access-key', target: `user/${USER}/access-key/${KEY}` });
    expect(real).toMatchObject({ status: 'done', dryRun: false, summary: `deactivated access key ${KEY} of ${USER}` });
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }]);
    expect(await repository.actions(incidentId)).toEqual([
      expect.objectContaining({ status: 'done', dryRun: false, priorState: { userName: USER, accessKeyId: KEY, status: 'Active', awsQuarantinePolicies: [] } }),
    ]);
    const done = (await repository.timeline(incidentId)).filter((entry) => entry.kind === 'action_done');
    expect(done.map((entry) => entry.data?.dryRun)).toEqual([true, false]);
  });

  it('a dry run after a real run never replaces the real record: rollback keeps the true prior state', async () => {
    // Prepare
    keyIs('Active');
    const incidentId = await openIncident();
    await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    // Act
    const rehearsal = await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', true));
    // Assert
    expect(rehearsal).toMatchObject({ status: 'done', dryRun: true });
    expect(await repository.actions(incidentId)).toEqual([expect.objectContaining({ status: 'done', dryRun: false, priorState: expect.objectContaining({ status: 'Active' }) })]);
  });
  it('a later run that fails does not hide the earlier change: it fails, says the change is in effect, the record keeps the prior state', async () => {
    // Prepare: the key was deactivated for real; the re-run (e.g. after approval) is denied by IAM.
    keyIs('Active');
    const incidentId = await openIncident();
    await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    iam.reset();
    iam.on(GetUserCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    // Act
    const failure = await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false)).catch((error: unknown) => error as Error);
    // Assert
    expect(failure).toMatchObject({
      name: 'Firebreak.ActionFailed',
      message: `iam/deactivate-access-key on user/${USER}/access-key/${KEY} failed: AccessDenied: not authorized; the change made at ${NOW.toISOString()} is still in effect and stays recorded for rollback`,
    });
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(await repository.actions(incidentId)).toEqual([
      expect.objectContaining({ status: 'done', dryRun: false, priorState: { userName: USER, accessKeyId: KEY, status: 'Active', awsQuarantinePolicies: [] } }),
    ]);
    const timeline = await repository.timeline(incidentId);
    const failed = timeline.find((entry) => entry.kind === 'action_failed');
    expect(failed?.data).toMatchObject({ earlierChange: { at: NOW.toISOString() } });
    expect(timeline.find((entry) => entry.kind === 'action_record_kept')?.data).toMatchObject({
      attempt: { status: 'failed', reason: 'AccessDenied: not authorized' },
      kept: { status: 'done', dryRun: false },
    });
  });

  it('a later run that is skipped returns skipped, names the earlier change, and the record keeps the prior state', async () => {
    // Prepare: contained for real, then the principal is allowlisted and the playbook re-runs.
    keyIs('Active');
    const incidentId = await openIncident();
    await handlerWith({ dryRun: false })(payload(incidentId, 'iam/deactivate-access-key', false));
    iam.reset();
    // Act
    const result = await handlerWith({ dryRun: false, allowlists: { principals: [`arn:aws:iam::${ACCOUNT}:user/${USER}`] } })(
      payload(incidentId, 'iam/deactivate-access-key', false),
    );
    // Assert
    expect(result).toMatchObject({ status: 'skipped', refused: true, earlierChange: { at: NOW.toISOString() } });
    expect(iam.calls()).toHaveLength(0);
    expect(await repository.actions(incidentId)).toEqual([expect.objectContaining({ status: 'done', dryRun: false, priorState: expect.objectContaining({ status: 'Active' }) })]);
    const kinds = (await repository.timeline(incidentId)).map((entry) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['action_done', 'action_refused', 'action_record_kept']));
  });
});

