import { GetUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand, ListAttachedUserPoliciesCommand, NoSuchEntityException, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../lib/config.js';
import { LocalStepFunctions } from '../../lib/local/local-state-machine.js';
import { resolveStateMachineDefinitions, type ResolvedStateMachine } from '../../lib/local/state-machine-definitions.js';
import { synthesizeFirebreakTemplate } from '../../lib/local/synthesize-stack.js';
import { TemplateFunctions } from '../../lib/local/template-functions.js';
import { createActHandler } from '../../lambdas/act/create-act-handler.js';
import { createRollbackHandler } from '../../lambdas/act/create-rollback-handler.js';
import { createAwsClients } from '../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../lambdas/core/config/firebreak-config.js';
import { IncidentRepository } from '../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../support/dynalite.js';
import { ACCOUNT, finding, REGION } from '../unit/actions/action-test-kit.js';

// The synthesized rollback state machine, run locally: its one task runs the real rollback handler on a real incident
// (DynamoDB on dynalite) whose key the real act handler deactivated (IAM mocked, exact requests asserted).

const TARGET = { accountId: ACCOUNT, region: REGION, stackName: 'Firebreak' };
const USER = 'ci-deployer';
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const NOW = new Date('2026-11-25T15:00:00Z');
const iam = mockClient(IAMClient);
const credentialFinding = finding({
  type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
  resourceClass: 'AccessKey',
  principal: { type: 'IAMUser', userName: USER, accessKeyId: KEY, arn: `arn:aws:iam::${ACCOUNT}:user/${USER}` },
});

let table: TestTable;
let machine: ResolvedStateMachine;
let functions: TemplateFunctions;

beforeAll(async () => {
  const template = synthesizeFirebreakTemplate(configFromObject({}), TARGET);
  functions = new TemplateFunctions(template, TARGET);
  machine = resolveStateMachineDefinitions(template, TARGET).find((m) => (m.definition.Comment ?? '').startsWith('Firebreak rollback'))!;
  table = await startTestTable();
}, 120_000);
afterAll(async () => table?.stop());
beforeEach(() => iam.reset());

/**
 * An incident whose key the act handler "deactivated": for real, in dry run only, or in dry run and then for real; `denied`
 * is a later real run that IAM refuses (the act handler throws Firebreak.ActionFailed after recording the attempt).
 */
async function containedIncident(runs: readonly ('real' | 'dry-run' | 'denied')[] = ['real']) {
  const repository = new IncidentRepository(table.doc, await table.createTable(), () => NOW);
  const { incident } = await repository.openOrJoin({ finding: credentialFinding, riskScore: 80, correlationKey: 'k', playbook: 'credential-compromise', mode: 'auto', retentionDays: 30, correlationWindowSeconds: 60 });
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: `arn:aws:iam::${ACCOUNT}:user/${USER}`, UserId: 'AIDA', Path: '/', CreateDate: new Date(0) } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(GetUserPolicyCommand).rejects(new NoSuchEntityException({ message: 'none', $metadata: {} }));
  const clients = createAwsClients({ homeRegion: REGION });
  const config = parseFirebreakConfig({ dryRun: false });
  for (const run of runs) {
    if (run === 'denied') iam.on(GetUserCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const act = createActHandler({ clients, repository, config: parseFirebreakConfig({ dryRun: run === 'dry-run' }), now: () => NOW })({
      incidentId: incident.incidentId,
      actionId: 'iam/deactivate-access-key',
      dryRun: false,
      accountId: ACCOUNT,
      region: REGION,
      finding: credentialFinding,
    });
    if (run === 'denied') await expect(act).rejects.toMatchObject({ name: 'Firebreak.ActionFailed' });
    else await act;
  }
  iam.reset();
  const stepFunctions = new LocalStepFunctions([machine], {
    invokeFunction: async (name, payload) => {
      expect(functions.find(name).kind).toBe('act');
      return createRollbackHandler({ clients, repository, config, now: () => NOW })(payload);
    },
  });
  return { repository, incidentId: incident.incidentId, stepFunctions };
}

describe('rollback state machine (synthesized, run locally)', () => {
  it('restores the key that is still Inactive as containment left it', async () => {
    // Prepare
    const { repository, incidentId, stepFunctions } = await containedIncident();
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }] });
    // Act
    const { executionArn } = stepFunctions.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId, dryRun: false, actor: 'arn:aws:sts::123456789012:assumed-role/SecOps/alice' }) });
    const record = await stepFunctions.settle(executionArn);
    // Assert
    expect(record.status).toBe('SUCCEEDED');
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }]);
    expect((record.output as { rollback: { result: { counts: unknown } } }).rollback.result.counts).toEqual({ done: 1, skipped: 0, failed: 0 });
    expect((await repository.actions(incidentId)).map((a) => a.status)).toEqual(['rolled_back']);
    expect((await repository.timeline(incidentId)).find((e) => e.kind === 'rolled_back')?.actor).toBe('arn:aws:sts::123456789012:assumed-role/SecOps/alice');
  });

  it('a step that cannot be restored fails the execution with Firebreak.ActionFailed, after it is on the timeline', async () => {
    // Prepare
    const { repository, incidentId, stepFunctions } = await containedIncident();
    iam.on(ListAccessKeysCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    // Act
    const { executionArn } = stepFunctions.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId, dryRun: false, actor: 'alice' }) });
    const record = await stepFunctions.settle(executionArn);
    // Assert
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('Firebreak.ActionFailed');
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect((await repository.timeline(incidentId)).find((e) => e.kind === 'rollback_failed')?.message).toContain('AccessDenied');
  });

  it('after a dry run does nothing and says why: no IAM call, the dry-run record stays, the timeline names it', async () => {
    // Prepare: the key was "deactivated" in dry run only (global config dryRun); IAM would answer anything.
    const { repository, incidentId, stepFunctions } = await containedIncident(['dry-run']);
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }] });
    // Act
    const { executionArn } = stepFunctions.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId, dryRun: false, actor: 'alice' }) });
    const record = await stepFunctions.settle(executionArn);
    // Assert
    expect(record.status).toBe('SUCCEEDED');
    expect(iam.calls()).toHaveLength(0);
    const outcome = (record.output as { rollback: { result: { steps: unknown[]; counts: unknown } } }).rollback.result;
    expect(outcome.steps).toEqual([
      { actionId: 'iam/deactivate-access-key', target: `user/${USER}/access-key/${KEY}`, result: { status: 'skipped', reason: 'the action ran in dry run: nothing was changed, nothing to undo', calls: [] } },
    ]);
    expect(outcome.counts).toEqual({ done: 0, skipped: 1, failed: 0 });
    expect(await repository.actions(incidentId)).toEqual([expect.objectContaining({ status: 'done', dryRun: true })]);
    const skipped = (await repository.timeline(incidentId)).filter((e) => e.kind === 'rollback_skipped');
    expect(skipped.map((e) => [e.actor, e.message])).toEqual([
      ['alice', `did not roll back iam/deactivate-access-key on user/${USER}/access-key/${KEY}: it ran in dry run and changed nothing`],
    ]);
  });

  it('after a dry run and then a real run restores what the real run changed', async () => {
    // Prepare
    const { repository, incidentId, stepFunctions } = await containedIncident(['dry-run', 'real']);
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }] });
    // Act
    const { executionArn } = stepFunctions.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId, dryRun: false, actor: 'alice' }) });
    const record = await stepFunctions.settle(executionArn);
    // Assert
    expect(record.status).toBe('SUCCEEDED');
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }]);
    expect((await repository.actions(incidentId)).map((a) => [a.status, a.dryRun])).toEqual([['rolled_back', false]]);
  });
  it('after a real run and a later failed run restores what the real run changed (the failed attempt did not replace its record)', async () => {
    // Prepare
    const { repository, incidentId, stepFunctions } = await containedIncident(['real', 'denied']);
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }] });
    // Act
    const { executionArn } = stepFunctions.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId, dryRun: false, actor: 'alice' }) });
    const record = await stepFunctions.settle(executionArn);
    // Assert
    expect(record.status).toBe('SUCCEEDED');
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }]);
    expect((record.output as { rollback: { result: { counts: unknown } } }).rollback.result.counts).toEqual({ done: 1, skipped: 0, failed: 0 });
    expect((await repository.actions(incidentId)).map((a) => [a.status, a.dryRun])).toEqual([['rolled_back', false]]);
    const kinds = (await repository.timeline(incidentId)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['action_done', 'action_failed', 'action_record_kept', 'rolled_back']));
  });
});
