import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { createRecordHandler } from '../../../lambdas/record/handler.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { openTestIncident, testClock } from '../../support/workflow-testbed.js';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});

describe('record handler', () => {
  it('marks the incident contained with a timeline entry, and a retried call is skipped', async () => {
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    const record = createRecordHandler({ repository });
    clock.advance(90);

    const first = await record({ incidentId: incident.incidentId, event: 'completed', detail: { results: {} } });
    const retry = await record({ incidentId: incident.incidentId, event: 'completed' });

    expect(first).toEqual({ status: 'done', incidentId: incident.incidentId, event: 'completed', outcome: 'contained', incidentStatus: 'contained' });
    expect(retry).toMatchObject({ status: 'skipped', reason: 'incident is already contained' });
    const stored = await repository.getOrThrow(incident.incidentId);
    expect(stored.containedAt).toBe('2026-11-25T10:01:30.000Z');
    const moves = (await repository.timeline(incident.incidentId)).filter((entry) => entry.kind === 'status_changed');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ actor: 'firebreak', message: 'open → contained: playbook credential-compromise finished (no step needed a change)' });
  });

  it('records containment_failed with the error from the Catch, and a second failure only on the timeline', async () => {
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    const record = createRecordHandler({ repository });
    // What the playbook's MarkContainmentFailed passes: the Catch output under `error`.
    const detail = {
      error: { Error: 'Firebreak.ActionFailed', Cause: JSON.stringify({ errorType: 'ActionFailed', errorMessage: 'UpdateAccessKey: AccessDenied' }) },
    };

    const first = await record({ incidentId: incident.incidentId, event: 'containment_failed', detail });
    const second = await record({ incidentId: incident.incidentId, event: 'containment_failed', detail });

    expect(first).toMatchObject({ status: 'done', incidentStatus: 'containment_failed' });
    expect(second).toMatchObject({ status: 'skipped', incidentStatus: 'containment_failed' });
    const timeline = await repository.timeline(incident.incidentId);
    expect(timeline.find((entry) => entry.kind === 'status_changed')?.message).toBe(
      'open → containment_failed: containment failed: Firebreak.ActionFailed: UpdateAccessKey: AccessDenied',
    );
    expect(timeline.filter((entry) => entry.kind === 'containment_failed')).toHaveLength(1);

    // A retried playbook that succeeds moves it on to contained.
    expect(await record({ incidentId: incident.incidentId, event: 'contained' })).toMatchObject({ status: 'done', incidentStatus: 'contained' });
  });

  it('notes a rejection and an approval timeout without changing the status', async () => {
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    const record = createRecordHandler({ repository });

    await record({ incidentId: incident.incidentId, event: 'rejected', detail: { rejection: { Error: 'Firebreak.ApprovalRejected', Cause: 'rejected by alice: known pentest' } } });
    await record({ incidentId: incident.incidentId, event: 'approval_timeout', detail: { timeout: { Error: 'States.Timeout', Cause: '' } } });

    const timeline = await repository.timeline(incident.incidentId);
    expect(timeline.map((entry) => entry.kind)).toEqual(['opened', 'playbook_stopped', 'approval_timeout']);
    expect(timeline[1]!.message).toBe('containment rejected by the approver; playbook stopped (Firebreak.ApprovalRejected: rejected by alice: known pentest)');
    expect((await repository.getOrThrow(incident.incidentId)).status).toBe('open');
  });

  it('skips an outcome that no longer applies (the incident was resolved meanwhile)', async () => {
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    await repository.transition(incident.incidentId, 'resolved', { actor: 'alice', reason: 'false positive' });

    const result = await createRecordHandler({ repository })({ incidentId: incident.incidentId, event: 'contained' });

    expect(result).toMatchObject({ status: 'skipped', incidentStatus: 'resolved', reason: "incident is resolved; the playbook's contained no longer applies" });
  });

  it('a completed run whose steps all ran in dry run keeps the status and says so on the timeline; retried, it changes nothing', async () => {
    // Prepare: the act Lambda recorded the dry-run key deactivation; RecordOutcome passes the step results.
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    const target = 'user/GeneratedFindingUserName/access-key/GeneratedFindingAccessKeyId';
    await repository.recordAction(incident.incidentId, { actionId: 'iam/deactivate-access-key', target, status: 'done', dryRun: true, at: clock().toISOString() });
    const calls = [{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'GeneratedFindingUserName', AccessKeyId: 'GeneratedFindingAccessKeyId', Status: 'Inactive' } }];
    const detail = { results: { DeactivateAccessKey: { result: { status: 'done', summary: 'dry run: set the IAM user access key Inactive', calls, actionId: 'iam/deactivate-access-key', target, dryRun: true } } } };
    const record = createRecordHandler({ repository });
    // Act
    const result = await record({ incidentId: incident.incidentId, event: 'completed', detail });
    // Assert
    expect(result).toEqual({ status: 'done', incidentId: incident.incidentId, event: 'completed', outcome: 'dry_run_completed', incidentStatus: 'open' });
    const stored = await repository.getOrThrow(incident.incidentId);
    expect(stored).toMatchObject({ status: 'open', version: incident.version });
    expect(stored.containedAt).toBeUndefined();
    const timeline = await repository.timeline(incident.incidentId);
    expect(timeline.map((entry) => entry.kind)).toEqual(['opened', 'dry_run_completed']);
    expect(timeline[1]).toMatchObject({
      actor: 'firebreak',
      message: `dry run of playbook credential-compromise finished: nothing changed, the incident stays open; a real run would have: iam/deactivate-access-key on ${target} (iam UpdateAccessKey)`,
      data: { dryRun: true, wouldHave: [{ step: 'DeactivateAccessKey', actionId: 'iam/deactivate-access-key', target, calls }], skipped: [] },
    });
  });

  it("an execution of the previous definition ('contained', no step results) is judged by the action records: all dry run → not contained", async () => {
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    await repository.recordAction(incident.incidentId, { actionId: 'iam/deactivate-access-key', target: 'k', status: 'done', dryRun: true, at: clock().toISOString() });

    const result = await createRecordHandler({ repository })({ incidentId: incident.incidentId, event: 'contained', detail: { results: {} } });

    expect(result).toMatchObject({ status: 'done', outcome: 'dry_run_completed', incidentStatus: 'open' });
    expect((await repository.getOrThrow(incident.incidentId)).status).toBe('open');
  });

  it('a dry run after a failed containment leaves it containment_failed (still failed: nothing was fixed)', async () => {
    const clock = testClock();
    const { repository, incident } = await openTestIncident(table, clock);
    await repository.transition(incident.incidentId, 'containment_failed', { actor: 'firebreak', reason: 'AccessDenied' });
    const detail = { results: { DeactivateAccessKey: { result: { status: 'done', summary: 'dry run', calls: [], actionId: 'iam/deactivate-access-key', target: 'k', dryRun: true } } } };

    const result = await createRecordHandler({ repository })({ incidentId: incident.incidentId, event: 'completed', detail });

    expect(result).toMatchObject({ outcome: 'dry_run_completed', incidentStatus: 'containment_failed' });
    expect((await repository.getOrThrow(incident.incidentId)).status).toBe('containment_failed');
  });

  it('rejects a malformed payload naming the field', async () => {
    const clock = testClock();
    const { repository } = await openTestIncident(table, clock);
    await expect(createRecordHandler({ repository })({ incidentId: 'x', event: 'exploded' })).rejects.toThrow(ValidationError);
    await expect(createRecordHandler({ repository })({ event: 'contained' })).rejects.toThrow(/incidentId/);
  });
});
