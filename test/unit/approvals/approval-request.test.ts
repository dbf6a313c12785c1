import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalRequestHandler } from '../../../lambdas/approval-request/handler.js';
import { approvalKeyOf, verifyApprovalLink } from '../../../lambdas/core/incidents/approval-link.js';
import { IncidentNotifier } from '../../../lambdas/notify/incident-notifier.js';
import { ApprovalStore } from '../../../lambdas/store/approval-store.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { openTestIncident, recordingPublisher, testClock } from '../../support/workflow-testbed.js';

const SECRET = 'test-signing-secret-0123456789abcdef0123456789';
const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf8ZtJQcJ0fq7secret-task-token';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});

async function setup(approvalBaseUrl: string | null = 'https://abc123.lambda-url.us-east-1.on.aws/') {
  const clock = testClock();
  const { tableName, repository, incident } = await openTestIncident(table, clock);
  const publisher = recordingPublisher();
  const approvals = new ApprovalStore(table.doc, tableName, clock);
  const handler = createApprovalRequestHandler({
    repository,
    approvals,
    notifier: new IncidentNotifier({ repository, publisher }),
    signingKey: async () => SECRET,
    approvalBaseUrl: approvalBaseUrl ?? undefined,
    defaultTimeoutSeconds: 3600,
    clock,
  });
  return { clock, repository, incident, publisher, approvals, handler, tableName };
}

describe('approval-request handler', () => {
  it('keeps the task token server-side and notifies with a signed, expiring one-time link', async () => {
    const { incident, publisher, approvals, handler, repository } = await setup();

    const result = await handler({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', taskToken: TASK_TOKEN, timeoutSeconds: 1800 });

    expect(result).toMatchObject({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', validUntil: '2026-11-25T10:30:00.000Z' });
    expect(publisher.sent).toHaveLength(1);
    const message = publisher.sent[0]!;
    const link = new URL(message.json.links.approval!);
    const approvalId = link.searchParams.get('id')!;
    const validUntil = Number(link.searchParams.get('exp'));
    expect(link.origin).toBe('https://abc123.lambda-url.us-east-1.on.aws');
    expect(validUntil).toBe(Date.parse('2026-11-25T10:30:00.000Z') / 1000);
    expect(verifyApprovalLink(SECRET, { approvalId, validUntil }, link.searchParams.get('sig')!)).toBe(true);
    // The token is in the store, and nowhere a person or a log sees it.
    const [stored] = await approvals.pendingForIncident(incident.incidentId);
    expect(stored).toMatchObject({ approvalKey: approvalKeyOf(approvalId), taskToken: TASK_TOKEN, status: 'pending', step: 'DeactivateAccessKey' });
    expect(JSON.stringify(message)).not.toContain(TASK_TOKEN);
    expect(JSON.stringify(result)).not.toContain(TASK_TOKEN);
    expect(JSON.stringify(result)).not.toContain(approvalId);
    const timeline = await repository.timeline(incident.incidentId);
    expect(JSON.stringify(timeline)).not.toContain(TASK_TOKEN);
    expect(JSON.stringify(timeline)).not.toContain(approvalId);
    expect(timeline.find((entry) => entry.kind === 'approval_requested')).toMatchObject({
      actor: 'firebreak',
      message: 'approval requested for step DeactivateAccessKey, valid until 2026-11-25T10:30:00.000Z',
    });
    expect(message.attributes.event).toBe('approval_requested');
    expect(message.text).toContain('Approve or reject: https://abc123.lambda-url.us-east-1.on.aws/?id=');
  });

  it('a retried gate (new task token, same step) retires the earlier request: only the latest link works', async () => {
    // Prepare: the first attempt stored its request; Step Functions retried the task with a new token.
    const { incident, publisher, approvals, handler, repository } = await setup();
    await handler({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', taskToken: TASK_TOKEN });
    const firstKey = approvalKeyOf(new URL(publisher.sent[0]!.json.links.approval!).searchParams.get('id')!);
    // Act
    await handler({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', taskToken: `${TASK_TOKEN}-retry` });
    // Assert: one pending request, holding the live token; the first one refuses a decision and says why.
    const pending = await approvals.pendingForIncident(incident.incidentId, 'DeactivateAccessKey');
    expect(pending.map((record) => record.taskToken)).toEqual([`${TASK_TOKEN}-retry`]);
    await expect(approvals.decide(firstKey, { status: 'approved', by: 'alice', channel: 'web' })).rejects.toMatchObject({ refusal: 'superseded' });
    expect(await approvals.get(firstKey)).toMatchObject({ status: 'superseded', supersededBy: pending[0]!.approvalKey.slice(0, 12) });
    const requested = (await repository.timeline(incident.incidentId)).filter((entry) => entry.kind === 'approval_requested');
    expect(requested.at(-1)!.message).toContain('replaces 1 earlier request for this step');
    // The live one is decided normally.
    await expect(approvals.decide(pending[0]!.approvalKey, { status: 'approved', by: 'alice', channel: 'web' })).resolves.toMatchObject({ status: 'approved' });
  });

  it('a request for another step leaves the pending one alone; a decided request is never retired', async () => {
    const { incident, publisher, approvals, handler } = await setup();
    await handler({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', taskToken: TASK_TOKEN });
    const firstKey = approvalKeyOf(new URL(publisher.sent[0]!.json.links.approval!).searchParams.get('id')!);
    await approvals.decide(firstKey, { status: 'rejected', by: 'bob', channel: 'cli' });

    await handler({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', taskToken: `${TASK_TOKEN}-2` });
    await handler({ incidentId: incident.incidentId, step: 'RevokeSessions', taskToken: `${TASK_TOKEN}-3` });

    expect(await approvals.get(firstKey)).toMatchObject({ status: 'rejected', decidedBy: 'bob' });
    expect((await approvals.pendingForIncident(incident.incidentId)).map((record) => record.step).sort()).toEqual(['DeactivateAccessKey', 'RevokeSessions']);
    expect(await approvals.supersede(firstKey, 'someone')).toBe(false);
  });

  it('without an approval endpoint (local runtime) points at the CLI and sends no link', async () => {
    const { incident, publisher, handler } = await setup(null);

    await handler({ incidentId: incident.incidentId, step: 'RevokeSessions', taskToken: TASK_TOKEN });

    expect(publisher.sent[0]!.json.links.approval).toBeUndefined();
    expect(publisher.sent[0]!.text).toContain(`firebreak approve|reject ${incident.incidentId} --step RevokeSessions`);
  });

  it('refuses a request for an unknown incident before storing anything', async () => {
    const { handler, approvals } = await setup();
    await expect(handler({ incidentId: 'inc-missing', step: 'S', taskToken: TASK_TOKEN })).rejects.toThrow('incident inc-missing not found');
    expect(await approvals.forIncident('inc-missing')).toEqual([]);
  });
});
