import { describe, expect, it } from 'vitest';
import { stepErrorText } from '../../../lambdas/core/notifications/step-error.js';

describe('stepErrorText', () => {
  it('reads a Catch output at the top level or under error/rejection/timeout', () => {
    expect(stepErrorText({ Error: 'States.TaskFailed', Cause: 'boom' })).toBe('States.TaskFailed: boom');
    expect(stepErrorText({ error: { Error: 'Firebreak.Throttled', Cause: 'Rate exceeded' } })).toBe('Firebreak.Throttled: Rate exceeded');
    expect(stepErrorText({ rejection: { Error: 'Firebreak.ApprovalRejected', Cause: 'rejected by bob' } })).toBe('Firebreak.ApprovalRejected: rejected by bob');
    expect(stepErrorText({ timeout: { Error: 'States.Timeout', Cause: '' } })).toBe('States.Timeout');
  });

  it("keeps a Lambda error's message out of its JSON Cause, and bounds the length", () => {
    const cause = JSON.stringify({ errorType: 'AccessDenied', errorMessage: 'not authorized to perform iam:UpdateAccessKey', trace: ['...'] });
    expect(stepErrorText({ error: { Error: 'AccessDenied', Cause: cause } })).toBe('AccessDenied: not authorized to perform iam:UpdateAccessKey');
    expect(stepErrorText({ Error: 'X', Cause: 'y'.repeat(1000) })).toHaveLength(300);
  });

  it('says nothing when there is no error', () => {
    expect(stepErrorText(undefined)).toBe('');
    expect(stepErrorText({ results: { DeactivateAccessKey: {} } })).toBe('');
  });
});
