import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRollbackCommand } from '../../../bin/commands/rollback.js';
import type { BackendEnvironment } from '../../../bin/commands/workflow-backend.js';
import { createActHandler } from '../../../lambdas/act/create-act-handler.js';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { runCli } from '../../support/cli-harness.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { ACCOUNT, finding, REGION } from '../actions/action-test-kit.js';

const iam = mockClient(IAMClient);
const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const CALLER = 'arn:aws:sts::123456789012:assumed-role/SecOps/alice';
const USER = 'ci-deployer';
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const CONTAINED_AT = new Date('2026-11-25T15:00:00.000Z');
const credentialFinding = finding({
  type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
  resourceClass: 'AccessKey',
  principal: { type: 'IAMUser', userName: USER, accessKeyId: KEY, arn: `arn:aws:iam::${ACCOUNT}:user/${USER}` },
});
const fake = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };

let table: TestTable;
let tableName: string;
let repository: IncidentRepository;
let env: BackendEnvironment;

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => table.stop());

/** An incident whose playbook really deactivated the key and revoked the user's sessions (IAM mocked). */
async function containedIncident(): Promise<string> {
  const { incident } = await repository.openOrJoin({
    finding: credentialFinding, riskScore: 80, correlationKey: 'principal:ci-deployer', playbook: 'credential-compromise', mode: 'auto', retentionDays: 30, correlationWindowSeconds: 60,
  });
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: `arn:aws:iam::${ACCOUNT}:user/${USER}`, UserId: 'AIDA', Path: '/', CreateDate: new Date(0) } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(GetUserPolicyCommand).rejects(new NoSuchEntityException({ message: 'none', $metadata: {} }));
  const act = createActHandler({ clients: createAwsClients({ homeRegion: REGION }), repository, config: parseFirebreakConfig({ dryRun: false }), now: () => CONTAINED_AT });
  for (const actionId of ['iam/deactivate-access-key', 'iam/revoke-user-sessions']) {
    await act({ incidentId: incident.incidentId, actionId, dryRun: false, accountId: ACCOUNT, region: REGION, finding: credentialFinding });
  }
  iam.reset();
  return incident.incidentId;
}

beforeEach(async () => {
  iam.reset();
  cfn.reset();
  sts.reset();
  tableName = await table.createTable();
  repository = new IncidentRepository(table.doc, tableName, () => CONTAINED_AT);
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Firebreak', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'IncidentTableName', OutputValue: tableName }] }] });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });
  env = {
    awsClients: (region) => createAwsClients({ homeRegion: region, overrides: { dynamoDb: { endpoint: table.endpoint, region: 'us-east-1', credentials: fake }, iam: { credentials: fake } } }),
    cloudFormation: (region) => new CloudFormationClient({ region, credentials: fake }),
    sts: (region) => new STSClient({ region, credentials: fake }),
  };
});

const STACK = ['--stack', 'Firebreak', '--region', REGION];
const revocationDocument = (time: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `FirebreakRevoke${'x'}`, Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': time } } }] });

describe('firebreak rollback', () => {
  it('restores what is still as containment left it, last step first, and records it', async () => {
    // Prepare
    const incidentId = await containedIncident();
    const sid = `FirebreakRevoke${incidentId.replace(/[^A-Za-z0-9]/g, '')}`;
    iam.on(GetUserPolicyCommand).resolves({ UserName: USER, PolicyName: 'FirebreakRevokeOlderSessions', PolicyDocument: encodeURIComponent(revocationDocument(CONTAINED_AT.toISOString()).replace('FirebreakRevokex', sid)) });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }] });
    // Act
    const run = await runCli(createRollbackCommand(env), [incidentId, ...STACK]);
    // Assert
    expect(run.code).toBe(0);
    const mutations = iam.calls().map((c) => c.args[0]).filter((c) => c instanceof DeleteUserPolicyCommand || c instanceof UpdateAccessKeyCommand || c instanceof PutUserPolicyCommand);
    expect(mutations.map((c) => [c.constructor.name, c.input])).toEqual([
      ['DeleteUserPolicyCommand', { UserName: USER, PolicyName: 'FirebreakRevokeOlderSessions' }],
      ['UpdateAccessKeyCommand', { UserName: USER, AccessKeyId: KEY, Status: 'Active' }],
    ]);
    expect(run.stdout).toContain('2 restored, 0 left as they are, 0 failed');
    const records = await repository.actions(incidentId);
    expect(records.map((r) => r.status)).toEqual(['rolled_back', 'rolled_back']);
    const timeline = await repository.timeline(incidentId);
    expect(timeline.filter((e) => e.kind === 'rolled_back').map((e) => e.actor)).toEqual([CALLER, CALLER]);
  });

  it('leaves alone what someone changed since, and says so', async () => {
    // Prepare: someone already re-activated the key and rewrote the policy.
    const incidentId = await containedIncident();
    iam.on(GetUserPolicyCommand).resolves({ UserName: USER, PolicyName: 'FirebreakRevokeOlderSessions', PolicyDocument: encodeURIComponent(revocationDocument('2026-12-01T00:00:00.000Z')) });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: 'Active' }] });
    // Act
    const run = await runCli(createRollbackCommand(env), [incidentId, ...STACK, '--json']);
    // Assert
    const outcome = JSON.parse(run.stdout) as { counts: { done: number; skipped: number }; steps: { result: { status: string; reason?: string } }[] };
    expect(outcome.counts).toEqual({ done: 0, skipped: 2, failed: 0 });
    expect(outcome.steps.every((s) => s.result.reason?.includes('changed since containment'))).toBe(true);
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(iam.commandCalls(DeleteUserPolicyCommand)).toHaveLength(0);
    expect((await repository.actions(incidentId)).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('--dry-run prints the calls it would make and changes nothing', async () => {
    const incidentId = await containedIncident();
    const run = await runCli(createRollbackCommand(env), [incidentId, ...STACK, '--dry-run']);
    expect(run.code).toBe(0);
    expect(iam.calls()).toHaveLength(0);
    expect(run.stdout).toContain('iam:DeleteUserPolicy {"UserName":"ci-deployer","PolicyName":"FirebreakRevokeOlderSessions"}');
    expect(run.stdout).toContain('iam:UpdateAccessKey {"UserName":"ci-deployer","AccessKeyId":"AKIAIOSFODNN7EXAMPLE","Status":"Active"}');
    expect(run.stdout).toContain('dry run — would restore 2');
    expect((await repository.actions(incidentId)).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('refuses an incident contained in another account than the caller\'s, pointing at the rollback state machine', async () => {
    // Prepare: the caller's credentials are for the security account; the incident was contained in a member account.
    const incidentId = await containedIncident();
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:sts::999999999999:assumed-role/SecOps/alice' });
    const stateMachine = 'arn:aws:states:us-east-1:999999999999:stateMachine:FirebreakRollback';
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'Firebreak', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'IncidentTableName', OutputValue: tableName }, { OutputKey: 'RollbackStateMachineArn', OutputValue: stateMachine }] }],
    });
    // Act
    const run = await runCli(createRollbackCommand(env), [incidentId, ...STACK]);
    // Assert: one line, exit 2, no IAM call, the records untouched.
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`was contained in account ${ACCOUNT}, your credentials act in 999999999999`);
    expect(run.stderr).toContain(`aws stepfunctions start-execution --state-machine-arn ${stateMachine}`);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(iam.calls()).toHaveLength(0);
    expect((await repository.actions(incidentId)).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('an unknown incident or a missing id is one clear line, exit 2', async () => {
    expect(await runCli(createRollbackCommand(env), STACK)).toMatchObject({ code: 2, stderr: expect.stringContaining('rollback needs an incident id') });
    expect(await runCli(createRollbackCommand(env), ['inc-nope', ...STACK])).toMatchObject({ code: 2, stderr: expect.stringContaining('inc-nope') });
  });
});
