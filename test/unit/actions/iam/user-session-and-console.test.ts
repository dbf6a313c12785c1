import {
  DeleteLoginProfileCommand,
  DeleteUserPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { forcePasswordReset } from '../../../../lambdas/actions/iam/force-password-reset.js';
import { QUARANTINE_POLICY_NAME, quarantineUser } from '../../../../lambdas/actions/iam/quarantine-user.js';
import { removeConsoleAccess } from '../../../../lambdas/actions/iam/remove-console-access.js';
import { revokeUserSessions } from '../../../../lambdas/actions/iam/revoke-user-sessions.js';
import { REVOKE_POLICY_NAME } from '../../../../lambdas/actions/iam/session-revocation-policy.js';
import { ACCOUNT, actionContext, doneRecord, finding, NOW, sentRequests } from '../action-test-kit.js';

const iam = mockClient(IAMClient);
const USER = 'alice';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/${USER}`;
const userFinding = finding({
  type: 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B',
  resourceClass: 'IAMUser',
  principal: { type: 'IAMUser', userName: USER, arn: USER_ARN },
});
const params = { userName: USER, userArn: USER_ARN, tags: {} };
const noSuchEntity = () => new NoSuchEntityException({ message: 'not found', $metadata: {} });
const SID = 'FirebreakRevokeinc0123456789abcdef0123';
const REVOKE_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: SID, Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': NOW.toISOString() } } }],
});
const QUARANTINE_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'FirebreakQuarantineinc0123456789abcdef0123', Effect: 'Deny', Action: ['*'], Resource: ['*'] }],
});

function userExists() {
  iam.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: USER_ARN, UserId: 'AIDA', Path: '/', CreateDate: new Date(0) } });
}

describe('IAM user actions', () => {
  beforeEach(() => iam.reset());

  it('every user action derives the same params from an IAM user finding', () => {
    for (const action of [revokeUserSessions, forcePasswordReset, removeConsoleAccess, quarantineUser]) {
      expect(action.paramsFromFinding(userFinding)).toEqual(params);
    }
  });

  describe('iam/revoke-user-sessions', () => {
    it('puts the TokenIssueTime deny on the user, then recognises it on the second run', async () => {
      // Prepare
      userExists();
      iam.on(GetUserPolicyCommand).rejectsOnce(noSuchEntity()).resolves({ UserName: USER, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: encodeURIComponent(REVOKE_DOCUMENT) });
      iam.on(PutUserPolicyCommand).resolves({});
      // Act
      const first = await revokeUserSessions.execute(params, actionContext());
      const second = await revokeUserSessions.execute(params, actionContext());
      // Assert
      expect(sentRequests(iam)).toEqual([
        ['GetUser', { UserName: USER }],
        ['GetUserPolicy', { UserName: USER, PolicyName: REVOKE_POLICY_NAME }],
        ['PutUserPolicy', { UserName: USER, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: REVOKE_DOCUMENT }],
        ['GetUser', { UserName: USER }],
        ['GetUserPolicy', { UserName: USER, PolicyName: REVOKE_POLICY_NAME }],
      ]);
      expect(first).toMatchObject({ status: 'done', appliedState: { sid: SID, tokenIssueTime: NOW.toISOString() } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    });

    it('rollback deletes the policy only while it is still ours', async () => {
      // Prepare
      iam.on(GetUserPolicyCommand).resolves({ UserName: USER, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: encodeURIComponent(REVOKE_DOCUMENT) });
      iam.on(DeleteUserPolicyCommand).resolves({});
      const record = doneRecord('iam/revoke-user-sessions', `user/${USER}/sessions`, { userName: USER, policyName: REVOKE_POLICY_NAME }, { sid: SID, tokenIssueTime: NOW.toISOString() });
      // Act
      const result = await revokeUserSessions.rollback(record, actionContext());
      // Assert
      expect(sentRequests(iam)).toEqual([
        ['GetUserPolicy', { UserName: USER, PolicyName: REVOKE_POLICY_NAME }],
        ['DeleteUserPolicy', { UserName: USER, PolicyName: REVOKE_POLICY_NAME }],
      ]);
      expect(result.status).toBe('done');
    });

    it('dry-run plans the PutUserPolicy and calls nothing', async () => {
      const result = await revokeUserSessions.execute(params, actionContext({ dryRun: true }));
      expect(iam.calls()).toHaveLength(0);
      expect(result.calls).toEqual([{ service: 'iam', operation: 'PutUserPolicy', params: { UserName: USER, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: REVOKE_DOCUMENT } }]);
    });
  });

  describe('iam/force-password-reset', () => {
    it('requires a reset, is idempotent, and skips a user without a console password', async () => {
      // Prepare
      userExists();
      iam.on(GetLoginProfileCommand)
        .resolvesOnce({ LoginProfile: { UserName: USER, CreateDate: new Date(0), PasswordResetRequired: false } })
        .resolvesOnce({ LoginProfile: { UserName: USER, CreateDate: new Date(0), PasswordResetRequired: true } })
        .rejects(noSuchEntity());
      iam.on(UpdateLoginProfileCommand).resolves({});
      // Act
      const first = await forcePasswordReset.execute(params, actionContext());
      const second = await forcePasswordReset.execute(params, actionContext());
      const noPassword = await forcePasswordReset.execute(params, actionContext());
      // Assert
      expect(iam.commandCalls(UpdateLoginProfileCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, PasswordResetRequired: true }]);
      expect(first).toMatchObject({ status: 'done', priorState: { passwordResetRequired: false } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(noPassword).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no console password') });
    });

    it('rollback clears the requirement only if the user has not reset the password since', async () => {
      // Prepare
      iam.on(GetLoginProfileCommand)
        .resolvesOnce({ LoginProfile: { UserName: USER, CreateDate: new Date(0), PasswordResetRequired: true } })
        .resolves({ LoginProfile: { UserName: USER, CreateDate: new Date(0), PasswordResetRequired: false } });
      iam.on(UpdateLoginProfileCommand).resolves({});
      const record = doneRecord('iam/force-password-reset', `user/${USER}/login-profile`, { userName: USER, passwordResetRequired: false }, { passwordResetRequired: true });
      // Act
      const restored = await forcePasswordReset.rollback(record, actionContext());
      const changed = await forcePasswordReset.rollback(record, actionContext());
      // Assert
      expect(iam.commandCalls(UpdateLoginProfileCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, PasswordResetRequired: false }]);
      expect(restored.status).toBe('done');
      expect(changed).toMatchObject({ status: 'skipped', reason: expect.stringContaining('changed since containment') });
    });
  });

  describe('iam/remove-console-access', () => {
    it('deletes the login profile; a second run finds none and is already contained', async () => {
      // Prepare
      userExists();
      iam.on(GetLoginProfileCommand).resolvesOnce({ LoginProfile: { UserName: USER, CreateDate: new Date('2026-01-01T00:00:00Z') } }).rejects(noSuchEntity());
      iam.on(DeleteLoginProfileCommand).resolves({});
      // Act
      const first = await removeConsoleAccess.execute(params, actionContext());
      const second = await removeConsoleAccess.execute(params, actionContext());
      // Assert
      expect(iam.commandCalls(DeleteLoginProfileCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER }]);
      expect(first).toMatchObject({ status: 'done', priorState: { hadConsolePassword: true, createDate: '2026-01-01T00:00:00.000Z' } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    });

    it('rollback cannot restore a password: it escalates to a human and calls nothing', async () => {
      const record = doneRecord('iam/remove-console-access', `user/${USER}/login-profile`, { userName: USER, hadConsolePassword: true }, { hasConsolePassword: false });
      const result = await removeConsoleAccess.rollback(record, actionContext());
      expect(iam.calls()).toHaveLength(0);
      expect(result).toMatchObject({ status: 'skipped', escalation: expect.stringContaining('CreateLoginProfile') });
    });
  });

  describe('iam/quarantine-user', () => {
    it('attaches the deny-all inline policy and notes an AWS quarantine policy already there', async () => {
      // Prepare
      userExists();
      iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AWSCompromisedKeyQuarantineV2', PolicyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2' }] });
      iam.on(GetUserPolicyCommand).rejects(noSuchEntity());
      iam.on(PutUserPolicyCommand).resolves({});
      // Act
      const result = await quarantineUser.execute(params, actionContext());
      // Assert
      expect(sentRequests(iam)).toEqual([
        ['GetUser', { UserName: USER }],
        ['ListAttachedUserPolicies', { UserName: USER }],
        ['GetUserPolicy', { UserName: USER, PolicyName: QUARANTINE_POLICY_NAME }],
        ['PutUserPolicy', { UserName: USER, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: QUARANTINE_DOCUMENT }],
      ]);
      expect(result).toMatchObject({ status: 'done', summary: expect.stringContaining('AWSCompromisedKeyQuarantineV2'), priorState: { awsQuarantinePolicies: ['AWSCompromisedKeyQuarantineV2'] } });
    });

    it('second run is already contained; rollback removes only our policy', async () => {
      // Prepare
      userExists();
      iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
      iam.on(GetUserPolicyCommand).resolves({ UserName: USER, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: encodeURIComponent(QUARANTINE_DOCUMENT) });
      iam.on(DeleteUserPolicyCommand).resolves({});
      // Act
      const second = await quarantineUser.execute(params, actionContext());
      const rollback = await quarantineUser.rollback(
        doneRecord('iam/quarantine-user', `user/${USER}/quarantine`, { userName: USER, awsQuarantinePolicies: [] }, { sid: 'FirebreakQuarantineinc0123456789abcdef0123' }),
        actionContext(),
      );
      // Assert
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(iam.commandCalls(PutUserPolicyCommand)).toHaveLength(0);
      expect(iam.commandCalls(DeleteUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: USER, PolicyName: QUARANTINE_POLICY_NAME }]);
      expect(rollback.status).toBe('done');
    });

    it('refuses an allowlisted user in dry-run too', async () => {
      const result = await quarantineUser.execute(params, actionContext({ dryRun: true, allowlists: { principals: [USER_ARN], cidrs: [], resourceTags: [] } }));
      expect(result).toMatchObject({ status: 'skipped', refused: true, calls: [] });
    });
  });
});
