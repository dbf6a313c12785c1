import {
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  NoSuchEntityException,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deactivateAccessKey } from '../../../../lambdas/actions/iam/deactivate-access-key.js';
import { ACCOUNT, actionContext, doneRecord, finding, sentRequests } from '../action-test-kit.js';

const iam = mockClient(IAMClient);
const USER = 'alice';
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/${USER}`;

const credentialFinding = finding({
  type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
  resourceClass: 'AccessKey',
  principal: { type: 'IAMUser', userName: USER, accessKeyId: KEY, arn: USER_ARN },
  resources: [{ type: 'AWS::IAM::AccessKey', id: KEY, tags: {}, details: { userName: USER } }],
});

function keyIs(status: 'Active' | 'Inactive', attached: string[] = []) {
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: USER_ARN, UserId: 'AIDA', Path: '/', CreateDate: new Date(0), Tags: [] } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: KEY, Status: status }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: attached.map((name) => ({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy/${name}` })) });
  iam.on(UpdateAccessKeyCommand).resolves({});
}

describe('iam/deactivate-access-key', () => {
  beforeEach(() => iam.reset());
  afterEach(() => iam.reset());

  it('derives its params from an IAM user credential finding, and nothing from an assumed-role one', () => {
    // Act
    const params = deactivateAccessKey.paramsFromFinding(credentialFinding);
    const roleParams = deactivateAccessKey.paramsFromFinding(
      finding({ type: 'UnauthorizedAccess:IAMUser/TorIPCaller', resourceClass: 'IAMRole', principal: { type: 'AssumedRole', roleName: 'app', accessKeyId: 'ASIAEXAMPLEEXAMPLE1' } }),
    );
    // Assert
    expect(params).toEqual({ userName: USER, accessKeyId: KEY, userArn: USER_ARN, tags: {} });
    expect(deactivateAccessKey.params.parse(params)).toEqual(params);
    expect(roleParams).toBeUndefined();
  });

  it('first run: reads the user and key, then sets exactly that key Inactive and records it was Active', async () => {
    // Prepare
    keyIs('Active');
    const params = deactivateAccessKey.paramsFromFinding(credentialFinding)!;
    // Act
    const result = await deactivateAccessKey.execute(params, actionContext());
    // Assert
    expect(sentRequests(iam)).toEqual([
      ['GetUser', { UserName: USER }],
      ['ListAccessKeys', { UserName: USER }],
      ['ListAttachedUserPolicies', { UserName: USER }],
      ['UpdateAccessKey', { UserName: USER, AccessKeyId: KEY, Status: 'Inactive' }],
    ]);
    expect(result).toMatchObject({
      status: 'done',
      priorState: { userName: USER, accessKeyId: KEY, status: 'Active', awsQuarantinePolicies: [] },
      appliedState: { status: 'Inactive' },
    });
    expect(result.calls.map((c) => c.operation)).toEqual(['GetUser', 'ListAccessKeys', 'ListAttachedUserPolicies', 'UpdateAccessKey']);
  });

  it('second run: the key is already Inactive → done "already contained", no UpdateAccessKey', async () => {
    // Prepare
    keyIs('Inactive');
    // Act
    const result = await deactivateAccessKey.execute(deactivateAccessKey.paramsFromFinding(credentialFinding)!, actionContext());
    // Assert
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.summary).toMatch(/^already contained/);
  });

  it('recognises an AWSCompromisedKeyQuarantineV3 policy AWS attached, and leaves it in place', async () => {
    // Prepare
    keyIs('Active', ['AWSCompromisedKeyQuarantineV3']);
    // Act
    const result = await deactivateAccessKey.execute(deactivateAccessKey.paramsFromFinding(credentialFinding)!, actionContext());
    // Assert
    expect(result).toMatchObject({ status: 'done', priorState: { awsQuarantinePolicies: ['AWSCompromisedKeyQuarantineV3'] } });
    expect(result.status === 'done' && result.summary).toContain('AWSCompromisedKeyQuarantineV3');
    expect(sentRequests(iam).map(([op]) => op)).not.toContain('DetachUserPolicy');
  });

  it('a user that no longer exists (NoSuchEntity) is skipped with the reason', async () => {
    // Prepare
    iam.on(GetUserCommand).rejects(new NoSuchEntityException({ message: 'The user with name alice cannot be found.', $metadata: {} }));
    // Act
    const result = await deactivateAccessKey.execute(deactivateAccessKey.paramsFromFinding(credentialFinding)!, actionContext());
    // Assert
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('NoSuchEntity') });
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
  });

  it('refuses an allowlisted principal without calling AWS (fail closed, reason recorded)', async () => {
    // Act
    const result = await deactivateAccessKey.execute(
      deactivateAccessKey.paramsFromFinding(credentialFinding)!,
      actionContext({ allowlists: { principals: [`arn:aws:iam::${ACCOUNT}:user/ali*`], cidrs: [], resourceTags: [] } }),
    );
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringContaining('allowlists.principals') });
  });

  it('refuses when the live user (with its path) carries a protected tag', async () => {
    // Prepare
    iam.on(GetUserCommand).resolves({
      User: { UserName: USER, Arn: `arn:aws:iam::${ACCOUNT}:user/ops/${USER}`, UserId: 'AIDA', Path: '/ops/', CreateDate: new Date(0), Tags: [{ Key: 'firebreak:protected', Value: 'true' }] },
    });
    // Act
    const result = await deactivateAccessKey.execute(
      deactivateAccessKey.paramsFromFinding(credentialFinding)!,
      actionContext({ allowlists: { principals: [], cidrs: [], resourceTags: [{ key: 'firebreak:protected', value: '*' }] } }),
    );
    // Assert
    expect(sentRequests(iam)).toEqual([['GetUser', { UserName: USER }]]);
    expect(result).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringContaining('firebreak:protected=true') });
  });

  it('dry-run makes no call and returns exactly the call it would make', async () => {
    // Act
    const result = await deactivateAccessKey.execute(deactivateAccessKey.paramsFromFinding(credentialFinding)!, actionContext({ dryRun: true }));
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result).toEqual({
      status: 'done',
      summary: 'dry run: set the IAM user access key Inactive',
      calls: [{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: USER, AccessKeyId: KEY, Status: 'Inactive' } }],
    });
  });

  it('rollback re-activates the key when it is still Inactive as Firebreak left it', async () => {
    // Prepare
    keyIs('Inactive');
    const record = doneRecord('iam/deactivate-access-key', `user/${USER}/access-key/${KEY}`, { userName: USER, accessKeyId: KEY, status: 'Active' }, { status: 'Inactive' });
    // Act
    const result = await deactivateAccessKey.rollback(record, actionContext());
    // Assert
    expect(sentRequests(iam)).toEqual([
      ['ListAccessKeys', { UserName: USER }],
      ['UpdateAccessKey', { UserName: USER, AccessKeyId: KEY, Status: 'Active' }],
    ]);
    expect(result.status).toBe('done');
  });

  it('rollback leaves the key alone when someone changed it since', async () => {
    // Prepare
    keyIs('Active');
    const record = doneRecord('iam/deactivate-access-key', `user/${USER}/access-key/${KEY}`, { userName: USER, accessKeyId: KEY, status: 'Active' }, { status: 'Inactive' });
    // Act
    const result = await deactivateAccessKey.rollback(record, actionContext());
    // Assert
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('changed since containment') });
  });

  it('rollback of a key that was already Inactive before Firebreak restores nothing', async () => {
    // Prepare
    const record = doneRecord('iam/deactivate-access-key', `user/${USER}/access-key/${KEY}`, { userName: USER, accessKeyId: KEY, status: 'Inactive' }, { status: 'Inactive' });
    // Act
    const result = await deactivateAccessKey.rollback(record, actionContext());
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result.status).toBe('skipped');
  });

  it('a throttling error propagates (Step Functions retries), any other error becomes failed with its name', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    iam.on(GetUserCommand).rejectsOnce(throttled).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const params = deactivateAccessKey.paramsFromFinding(credentialFinding)!;
    // Act + Assert
    await expect(deactivateAccessKey.execute(params, actionContext())).rejects.toThrow('Rate exceeded');
    const result = await deactivateAccessKey.execute(params, actionContext());
    expect(result).toMatchObject({ status: 'failed', errorName: 'AccessDenied', cause: 'not authorized' });
  });
});
