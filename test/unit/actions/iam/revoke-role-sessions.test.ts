import { DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { REVOKE_POLICY_NAME, revokeRoleSessions } from '../../../../lambdas/actions/iam/revoke-role-sessions.js';
import { ACCOUNT, actionContext, doneRecord, finding, NOW, sentRequests } from '../action-test-kit.js';

const iam = mockClient(IAMClient);
const ROLE = 'app-instance-role';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const SID = 'FirebreakRevokeinc0123456789abcdef0123';
const EXPECTED_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: SID, Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': NOW.toISOString() } } }],
});

const exfiltration = finding({
  type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
  resourceClass: 'AccessKey',
  principal: { type: 'AssumedRole', roleName: ROLE, sessionName: 'i-0abc', accessKeyId: 'ASIAEXAMPLEEXAMPLE1', arn: ROLE_ARN },
});

const noSuchEntity = () => new NoSuchEntityException({ message: 'not found', $metadata: {} });

function roleIs(options: { path?: string; tags?: { Key: string; Value: string }[]; existing?: string } = {}) {
  const path = options.path ?? '/';
  iam.on(GetRoleCommand).resolves({
    Role: { RoleName: ROLE, Arn: `arn:aws:iam::${ACCOUNT}:role${path}${ROLE}`, Path: path, RoleId: 'AROA', CreateDate: new Date(0), Tags: options.tags ?? [] },
  });
  if (options.existing) iam.on(GetRolePolicyCommand).resolves({ RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: encodeURIComponent(options.existing) });
  else iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
  iam.on(PutRolePolicyCommand).resolves({});
  iam.on(DeleteRolePolicyCommand).resolves({});
}

describe('iam/revoke-role-sessions', () => {
  beforeEach(() => iam.reset());

  it('derives the role from an assumed-role principal', () => {
    expect(revokeRoleSessions.paramsFromFinding(exfiltration)).toEqual({ roleName: ROLE, roleArn: ROLE_ARN, tags: {} });
    expect(revokeRoleSessions.paramsFromFinding(finding({ type: 'Recon:IAMUser/TorIPCaller', resourceClass: 'IAMUser', principal: { type: 'IAMUser', userName: 'bob' } }))).toBeUndefined();
  });

  it('first run: puts the inline deny on aws:TokenIssueTime < now and records there was none before', async () => {
    // Prepare
    roleIs();
    // Act
    const result = await revokeRoleSessions.execute(revokeRoleSessions.paramsFromFinding(exfiltration)!, actionContext());
    // Assert
    expect(sentRequests(iam)).toEqual([
      ['GetRole', { RoleName: ROLE }],
      ['GetRolePolicy', { RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME }],
      ['PutRolePolicy', { RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: EXPECTED_DOCUMENT }],
    ]);
    expect(result).toMatchObject({
      status: 'done',
      priorState: { roleName: ROLE, policyName: REVOKE_POLICY_NAME },
      appliedState: { sid: SID, tokenIssueTime: NOW.toISOString() },
    });
    expect(result.status === 'done' && (result.priorState as Record<string, unknown>).previousDocument).toBeUndefined();
  });

  it('second run for the same incident: recognises its own statement → already contained, no PutRolePolicy', async () => {
    // Prepare
    roleIs({ existing: EXPECTED_DOCUMENT });
    // Act
    const result = await revokeRoleSessions.execute(
      revokeRoleSessions.paramsFromFinding(exfiltration)!,
      actionContext({ now: new Date(NOW.getTime() + 60_000) }),
    );
    // Assert
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
  });

  it.each([
    ['an IAM Identity Center role', 'AWSReservedSSO_AdministratorAccess_0123456789abcdef', `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`, /IAM Identity Center/],
    ['a service-linked role', 'AWSServiceRoleForECS', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`, /service-linked/],
  ])('refuses %s and escalates, without calling AWS', async (_what, roleName, roleArn, reason) => {
    // Act
    const result = await revokeRoleSessions.execute({ roleName, roleArn, tags: {} }, actionContext());
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringMatching(reason), escalation: expect.any(String) });
  });

  it('refuses a service-linked role it only learns about from GetRole (path)', async () => {
    // Prepare
    roleIs({ path: '/aws-service-role/elasticloadbalancing.amazonaws.com/' });
    // Act
    const result = await revokeRoleSessions.execute({ roleName: ROLE, tags: {} }, actionContext());
    // Assert
    expect(sentRequests(iam)).toEqual([['GetRole', { RoleName: ROLE }]]);
    expect(result).toMatchObject({ status: 'skipped', refused: true, escalation: expect.any(String) });
  });

  it('refuses an allowlisted role and a role with a protected tag', async () => {
    // Prepare
    roleIs({ tags: [{ Key: 'team', Value: 'break-glass' }] });
    // Act
    const allowlisted = await revokeRoleSessions.execute(
      revokeRoleSessions.paramsFromFinding(exfiltration)!,
      actionContext({ allowlists: { principals: ['arn:aws:iam::*:role/app-*'], cidrs: [], resourceTags: [] } }),
    );
    const callsAfterAllowlist = iam.calls().length;
    const tagged = await revokeRoleSessions.execute(
      revokeRoleSessions.paramsFromFinding(exfiltration)!,
      actionContext({ allowlists: { principals: [], cidrs: [], resourceTags: [{ key: 'team', value: 'break-glass' }] } }),
    );
    // Assert
    expect(callsAfterAllowlist).toBe(0);
    expect(allowlisted).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringContaining('arn:aws:iam::*:role/app-*') });
    expect(tagged).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringContaining('team=break-glass') });
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
  });

  it('dry-run makes no call and returns the exact PutRolePolicy', async () => {
    // Act
    const result = await revokeRoleSessions.execute(revokeRoleSessions.paramsFromFinding(exfiltration)!, actionContext({ dryRun: true }));
    // Assert
    expect(iam.calls()).toHaveLength(0);
    expect(result.calls).toEqual([
      { service: 'iam', operation: 'PutRolePolicy', params: { RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: EXPECTED_DOCUMENT } },
    ]);
  });

  it('rollback deletes our inline policy when it is still the one Firebreak wrote', async () => {
    // Prepare
    roleIs({ existing: EXPECTED_DOCUMENT });
    const record = doneRecord('iam/revoke-role-sessions', `role/${ROLE}`, { roleName: ROLE, policyName: REVOKE_POLICY_NAME }, { sid: SID, tokenIssueTime: NOW.toISOString() });
    // Act
    const result = await revokeRoleSessions.rollback(record, actionContext());
    // Assert
    expect(sentRequests(iam)).toEqual([
      ['GetRolePolicy', { RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME }],
      ['DeleteRolePolicy', { RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME }],
    ]);
    expect(result.status).toBe('done');
  });

  it('rollback restores a previous revocation document instead of deleting it', async () => {
    // Prepare
    const previous = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'FirebreakRevokeincOLD', Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:00.000Z' } } }] });
    roleIs({ existing: EXPECTED_DOCUMENT });
    const record = doneRecord('iam/revoke-role-sessions', `role/${ROLE}`, { roleName: ROLE, policyName: REVOKE_POLICY_NAME, previousDocument: previous }, { sid: SID, tokenIssueTime: NOW.toISOString() });
    // Act
    const result = await revokeRoleSessions.rollback(record, actionContext());
    // Assert
    expect(sentRequests(iam).at(-1)).toEqual(['PutRolePolicy', { RoleName: ROLE, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: previous }]);
    expect(result.status).toBe('done');
  });

  it('rollback does not touch a policy someone rewrote since', async () => {
    // Prepare
    roleIs({ existing: EXPECTED_DOCUMENT.replace(NOW.toISOString(), '2026-11-26T00:00:00.000Z') });
    const record = doneRecord('iam/revoke-role-sessions', `role/${ROLE}`, { roleName: ROLE, policyName: REVOKE_POLICY_NAME }, { sid: SID, tokenIssueTime: NOW.toISOString() });
    // Act
    const result = await revokeRoleSessions.rollback(record, actionContext());
    // Assert
    expect(iam.commandCalls(DeleteRolePolicyCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('changed since containment') });
  });

  it('rollback of a dry-run record changes nothing', async () => {
    const record = doneRecord('iam/revoke-role-sessions', `role/${ROLE}`, undefined, undefined, { dryRun: true });
    const result = await revokeRoleSessions.rollback(record, actionContext());
    expect(iam.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('dry-run') });
  });
});
