import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApprovalRequestHandler } from '../../../lambdas/approval-request/handler.js';
import { createApproveHandler } from '../../../lambdas/approve/handler.js';
import { sfnTaskResponder } from '../../../lambdas/approve/task-responder.js';
import { IncidentNotifier } from '../../../lambdas/notify/incident-notifier.js';
import { ApprovalStore } from '../../../lambdas/store/approval-store.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { openTestIncident, recordingPublisher, testClock } from '../../support/workflow-testbed.js';

const SECRET = 'endpoint-test-secret-0123456789abcdef0123456789';
const TOKEN = 'task-token-for-the-credential-playbook-gate';
const sfnMock = mockClient(SFNClient);

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  sfnMock.restore();
});
beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  sfnMock.on(SendTaskFailureCommand).resolves({});
});

interface LogLine {
  level: 'info' | 'warn';
  message: string;
  data: Record<string, unknown>;
}

/** A pending approval made by the real approval-request handler, and the endpoint in front of it. */
async function setup() {
  const clock = testClock();
  const { tableName, repository, incident } = await openTestIncident(table, clock);
  const publisher = recordingPublisher();
  const approvals = new ApprovalStore(table.doc, tableName, clock);
  await createApprovalRequestHandler({
    repository,
    approvals,
    notifier: new IncidentNotifier({ repository, publisher }),
    signingKey: async () => SECRET,
    approvalBaseUrl: 'https://approve.example.on.aws/',
    defaultTimeoutSeconds: 3600,
    clock,
  })({ incidentId: incident.incidentId, step: 'DeactivateAccessKey', taskToken: TOKEN });
  const link = new URL(publisher.sent[0]!.json.links.approval!);
  const logs: LogLine[] = [];
  const logger = {
    info: (message: string, data: Record<string, unknown>) => logs.push({ level: 'info', message, data }),
    warn: (message: string, data: Record<string, unknown>) => logs.push({ level: 'warn', message, data }),
  };
  const metrics: string[] = [];
  const endpoint = createApproveHandler({
    repository,
    approvals,
    responder: sfnTaskResponder(new SFNClient({ region: 'us-east-1' })),
    signingKey: async () => SECRET,
    clock,
    logger: logger as never,
    metrics: { decided: (decision) => metrics.push(`decided:${decision}`), refused: (refusal) => metrics.push(`refused:${refusal}`) },
  });
  const get = (query = link.search.slice(1)) =>
    endpoint({ rawQueryString: query, headers: {}, requestContext: { http: { method: 'GET', sourceIp: '203.0.113.7', userAgent: 'Mail-Scanner/1.0' } } });
  const post = (fields: Record<string, string>, overrides: Record<string, string> = {}) =>
    endpoint({
      rawQueryString: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(link.searchParams), ...fields, ...overrides }).toString(),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', sourceIp: '198.51.100.20', userAgent: 'Firefox' } },
    });
  return { clock, repository, incident, approvals, link, logs, metrics, get, post, endpoint };
}

describe('approval endpoint', () => {
  it('GET shows a confirmation page and never decides (mail scanners follow links)', async () => {
    const { get, approvals, incident } = await setup();

    const first = await get();
    const second = await get();

    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(first.body).toContain('<form method="post">');
    expect(first.body).toContain('value="approve"');
    expect(first.body).toContain(incident.incidentId);
    expect(first.body).not.toContain(TOKEN);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    expect(first.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(sfnMock.calls()).toHaveLength(0);
    expect((await approvals.pendingForIncident(incident.incidentId)).map((record) => record.status)).toEqual(['pending']);
  });

  it('POST approve answers the playbook once, with the approver and reason on the incident', async () => {
    const { post, repository, incident, clock } = await setup();
    clock.advance(120);

    const response = await post({ decision: 'approve', approver: 'alice@example.com', reason: 'confirmed with the key owner' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Step DeactivateAccessKey of incident');
    const calls = sfnMock.commandCalls(SendTaskSuccessCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      taskToken: TOKEN,
      output: JSON.stringify({
        approved: true,
        step: 'DeactivateAccessKey',
        approver: 'alice@example.com',
        reason: 'confirmed with the key owner',
        decidedAt: '2026-11-25T10:02:00.000Z',
      }),
    });
    const timeline = await repository.timeline(incident.incidentId);
    expect(timeline.find((entry) => entry.kind === 'approved')).toMatchObject({
      actor: 'alice@example.com',
      at: '2026-11-25T10:02:00.000Z',
      message: 'step DeactivateAccessKey approved by alice@example.com: confirmed with the key owner',
      data: { step: 'DeactivateAccessKey', channel: 'web', reason: 'confirmed with the key owner', sourceIp: '198.51.100.20' },
    });
    expect(await repository.getOrThrow(incident.incidentId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice@example.com' });
  });

  it('POST reject fails the task with Firebreak.ApprovalRejected and the reason', async () => {
    const { post } = await setup();

    const response = await post({ decision: 'reject', approver: 'bob', reason: 'this is the red team' });

    expect(response.statusCode).toBe(200);
    expect(sfnMock.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: TOKEN, error: 'Firebreak.ApprovalRejected', cause: 'rejected by bob: this is the red team' },
    ]);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('refuses a replayed POST and logs it', async () => {
    const { post, repository, incident, logs, metrics } = await setup();
    await post({ decision: 'approve', approver: 'alice' });

    const replay = await post({ decision: 'reject', approver: 'mallory' });

    expect(replay.statusCode).toBe(409);
    expect(metrics).toEqual(['decided:approved', 'refused:already_decided']);
    expect(replay.body).toContain('already used (approved by alice');
    expect(sfnMock.calls()).toHaveLength(1);
    expect(logs.find((line) => line.message === 'approval refused')?.data).toMatchObject({ refusal: 'already_decided', claimedApprover: 'mallory', sourceIp: '198.51.100.20' });
    expect((await repository.timeline(incident.incidentId)).find((entry) => entry.kind === 'approval_refused')).toMatchObject({
      actor: 'mallory',
      data: { refusal: 'already_decided' },
    });
  });

  it('refuses an expired link on GET and POST', async () => {
    const { get, post, clock, logs, repository, incident } = await setup();
    clock.advance(3601);

    const page = await get();
    const decision = await post({ decision: 'approve', approver: 'alice' });

    expect(page.statusCode).toBe(410);
    expect(decision.statusCode).toBe(410);
    expect(decision.body).toContain('expired at 2026-11-25T11:00:00.000Z');
    expect(sfnMock.calls()).toHaveLength(0);
    expect(logs.filter((line) => line.data.refusal === 'expired')).toHaveLength(2);
    // Only the attempted decision is an event on the incident; a scanner re-fetching an old link is not.
    expect((await repository.timeline(incident.incidentId)).filter((entry) => entry.kind === 'approval_refused')).toHaveLength(1);
  });

  it('refuses forged links: a bad signature, a stretched expiry, an unknown id', async () => {
    const { get, post, link, logs, approvals, incident, metrics } = await setup();
    const forgedSig = 'A'.repeat(43);
    const stretched = String(Number(link.searchParams.get('exp')) + 86_400);

    expect((await post({ decision: 'approve', approver: 'eve' }, { sig: forgedSig })).statusCode).toBe(403);
    expect((await post({ decision: 'approve', approver: 'eve' }, { exp: stretched })).statusCode).toBe(403);
    expect((await post({ decision: 'approve', approver: 'eve' }, { id: 'B'.repeat(43) })).statusCode).toBe(403);
    expect((await get('id=short&exp=1&sig=x')).statusCode).toBe(400);

    expect(sfnMock.calls()).toHaveLength(0);
    expect(logs.filter((line) => line.data.refusal === 'bad_signature')).toHaveLength(3);
    expect(metrics).toEqual(['refused:bad_signature', 'refused:bad_signature', 'refused:bad_signature', 'refused:malformed']);
    expect((await approvals.pendingForIncident(incident.incidentId))).toHaveLength(1);
  });

  it('requires the approver name, the form encoding and GET/POST only', async () => {
    const { post, endpoint } = await setup();

    expect((await post({ decision: 'approve', approver: '  ' })).body).toContain('Your name is required');
    const json = await endpoint({
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      requestContext: { http: { method: 'POST' } },
    });
    const put = await endpoint({ rawQueryString: '', headers: {}, requestContext: { http: { method: 'PUT' } } });

    expect(json.statusCode).toBe(400);
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('says so when the playbook stopped waiting (timed out), and keeps a transient failure retryable', async () => {
    const first = await setup();
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const late = await first.post({ decision: 'approve', approver: 'alice' });
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('no longer waiting');
    expect((await first.approvals.forIncident(first.incident.incidentId))[0]!.status).toBe('failed');

    const second = await setup();
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({});
    await expect(second.post({ decision: 'approve', approver: 'alice' })).rejects.toThrow('Rate exceeded');
    const retry = await second.post({ decision: 'approve', approver: 'alice' });
    expect(retry.statusCode).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
  });
});
