import { describe, expect, it } from 'vitest';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { ValidationError } from '../../../lambdas/core/errors.js';

function issuesOf(input: unknown): readonly string[] {
  try {
    parseFirebreakConfig(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('config memberAccounts', () => {
  it('is absent by default: Firebreak acts only in its own account', () => {
    // Act
    const config = parseFirebreakConfig({});
    // Assert
    expect(config.memberAccounts).toBeUndefined();
  });

  it('an empty section means the default role, any account, 15-minute sessions, no external id', () => {
    // Act
    const config = parseFirebreakConfig({ memberAccounts: {} });
    // Assert
    expect(config.memberAccounts).toEqual({ roleName: 'FirebreakResponder', allowedAccounts: [], sessionDurationSeconds: 900 });
  });

  it('keeps every setting given', () => {
    // Act
    const config = parseFirebreakConfig({
      memberAccounts: { roleName: 'SecOps-Contain', externalId: 'org:firebreak/1', allowedAccounts: ['000000000001', '222222222222'], sessionDurationSeconds: 3600 },
    });
    // Assert
    expect(config.memberAccounts).toEqual({
      roleName: 'SecOps-Contain',
      externalId: 'org:firebreak/1',
      allowedAccounts: ['000000000001', '222222222222'],
      sessionDurationSeconds: 3600,
    });
  });

  it.each([
    [{ allowedAccounts: ['22222222222'] }, 'memberAccounts.allowedAccounts.0: expected a 12-digit AWS account id'],
    [{ allowedAccounts: [222222222222] }, 'memberAccounts.allowedAccounts.0: Invalid input: expected string, received number'],
    [{ allowedAccounts: ['222222222222', '222222222222'] }, 'memberAccounts.allowedAccounts: lists an account more than once'],
    [{ roleName: 'path/FirebreakResponder' }, 'memberAccounts.roleName: expected an IAM role name (1-64 letters, digits or +=,.@_-, no path)'],
    [{ externalId: 'x' }, 'memberAccounts.externalId: expected an STS external id (2-1224 letters, digits or +=,.@:/_-)'],
    [{ sessionDurationSeconds: 7200 }, 'memberAccounts.sessionDurationSeconds: Too big: expected number to be <=3600'],
    [{ sessionDurationSeconds: 60 }, 'memberAccounts.sessionDurationSeconds: Too small: expected number to be >=900'],
    [
      { roleArn: 'arn:aws:iam::222222222222:role/X' },
      "memberAccounts: unrecognized key 'roleArn' (allowed: roleName, externalId, allowedAccounts, sessionDurationSeconds)",
    ],
  ])('rejects %j with a path: message issue', (section, issue) => {
    // Act
    const issues = issuesOf({ memberAccounts: section });
    // Assert
    expect(issues).toEqual([issue]);
  });
});
