import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../../lambdas/core/incidents/incident.js';
import { decidePlaybookOutcome, stepReports } from '../../../lambdas/core/incidents/playbook-outcome.js';

// `$.results` as the credential-compromise playbook hands it to RecordOutcome: each step's act result (the act Lambda adds
// actionId, target and the dryRun it applied), or an optional step's caught error.
const KEY = { actionId: 'iam/deactivate-access-key', target: 'user/ci-deployer/access-key/AKIAIOSFODNN7EXAMPLE' };
const SESSIONS = { actionId: 'iam/revoke-user-sessions', target: 'user/ci-deployer/sessions' };
const ROLE = { actionId: 'iam/revoke-role-sessions', target: '-' };
const UPDATE_KEY = { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'ci-deployer', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' } };

const done = (step: typeof KEY, dryRun: boolean, calls: unknown[] = []) => ({ result: { status: 'done', summary: dryRun ? 'dry run: x' : 'did x', calls, ...step, dryRun } });
const record = (step: typeof KEY, dryRun: boolean, status: ActionRecord['status'] = 'done'): ActionRecord => ({ ...step, status, dryRun, at: '2026-11-25T15:00:00.000Z' });

describe('the outcome of a playbook run', () => {
  it('every step in dry run → dry run, with the calls a real run would make and the skipped steps', () => {
    // Prepare
    const results = {
      DeactivateAccessKey: done(KEY, true, [UPDATE_KEY]),
      RevokeRoleSessions: { result: { status: 'skipped', reason: 'not applicable', calls: [], ...ROLE, dryRun: true } },
      GatherEvidence: { Error: 'Firebreak.ActionFailed', Cause: 'AccessDenied' },
    };
    // Act
    const outcome = decidePlaybookOutcome(stepReports(results), [record(KEY, true)]);
    // Assert
    expect(outcome).toEqual({
      kind: 'dry_run',
      wouldHave: [{ step: 'DeactivateAccessKey', ...KEY, status: 'done', dryRun: true, detail: 'dry run: x', calls: [UPDATE_KEY] }],
      skipped: [{ step: 'RevokeRoleSessions', ...ROLE, status: 'skipped', dryRun: true, detail: 'not applicable', calls: [] }],
    });
  });

  it('a real change its action record confirms → contained', () => {
    const outcome = decidePlaybookOutcome(stepReports({ DeactivateAccessKey: done(KEY, false) }), [record(KEY, false)]);
    expect(outcome).toMatchObject({ kind: 'contained', real: [{ step: 'DeactivateAccessKey' }], dryRunOnly: [], unconfirmed: [] });
  });

  it('real and dry-run steps in one run → contained, naming the steps that only rehearsed', () => {
    const outcome = decidePlaybookOutcome(stepReports({ DeactivateAccessKey: done(KEY, true), RevokeUserSessions: done(SESSIONS, false) }), [
      record(KEY, true),
      record(SESSIONS, false),
    ]);
    expect(outcome).toMatchObject({ kind: 'contained', real: [{ step: 'RevokeUserSessions' }], dryRunOnly: [{ step: 'DeactivateAccessKey' }] });
  });

  it('a dry run after an earlier real run is this run\'s dry run, whatever the (real) record says', () => {
    const outcome = decidePlaybookOutcome(stepReports({ DeactivateAccessKey: done(KEY, true) }), [record(KEY, false)]);
    expect(outcome.kind).toBe('dry_run');
  });

  it('a real change with no real record behind it is contained but flagged unconfirmed (rollback cannot restore it)', () => {
    const outcome = decidePlaybookOutcome(stepReports({ DeactivateAccessKey: done(KEY, false) }), [record(KEY, true)]);
    expect(outcome).toMatchObject({ kind: 'contained', real: [], unconfirmed: [{ step: 'DeactivateAccessKey' }] });
  });

  it('every step skipped in a real run → nothing to change', () => {
    const results = { RevokeRoleSessions: { result: { status: 'skipped', reason: 'not applicable', calls: [], ...ROLE, dryRun: false } } };
    expect(decidePlaybookOutcome(stepReports(results), [])).toEqual({ kind: 'nothing_to_change' });
  });

  it('without step results (an execution of an older definition) the action records decide', () => {
    expect(decidePlaybookOutcome([], [record(KEY, true), record(SESSIONS, true)]).kind).toBe('dry_run');
    expect(decidePlaybookOutcome([], [record(KEY, true), record(SESSIONS, false)]).kind).toBe('contained');
    expect(decidePlaybookOutcome([], [record(KEY, false, 'rolled_back')]).kind).toBe('nothing_to_change');
    expect(stepReports(undefined)).toEqual([]);
    expect(stepReports({ Old: { result: { status: 'done', summary: 'no actionId from an older act Lambda', calls: [] } } })).toEqual([]);
  });
});
