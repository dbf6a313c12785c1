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
