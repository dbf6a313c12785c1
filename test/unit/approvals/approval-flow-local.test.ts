import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../../lib/local/local-runtime.js';
import { createApproveHandler } from '../../../lambdas/approve/create-approve-handler.js';
import { secretsManagerSigningKey } from '../../../lambdas/approve/signing-key.js';
import { sfnTaskResponder } from '../../../lambdas/approve/task-responder.js';

// The approval link end to end on the synthesized stack: the playbook's gate (real approval-request handler, as synthesized,
// with the endpoint URL and signing secret from the template) → the SNS message's link → the approve handler's page and form
// → SendTaskSuccess to the waiting execution → the playbook runs on.
const EVENT = JSON.parse(readFileSync(new URL('../../../examples/guardduty-iam-credential-finding.json', import.meta.url), 'utf8')) as unknown;
const HOME = { accountId: '123456789012', region: 'us-east-1' };

let local: LocalRuntime;
beforeAll(async () => {
  local = await createLocalRuntime(HOME);
});
afterAll(async () => {
  await local.close();
});

describe('approval link, end to end on the local runtime', () => {
  it('a responder opens the link from the message, confirms, and the credential playbook continues', async () => {
    const replay = await local.replay(EVENT);
    const incidentId = replay.incident!.incidentId;
    const message = replay.notifications.find((notification) => notification.attributes.event === 'approval_requested')!;
    const body = JSON.parse(message.message) as { sqs: string; default: string };
    const link = new URL((JSON.parse(body.sqs) as { links: { approval: string } }).links.approval);
    expect(link.hostname).toMatch(/\.lambda-url\.us-east-1\.on\.aws$/);
    expect(body.default).toContain(`Approve or reject: ${link.toString()}`);

    const approveFn = local.functions.all.find((fn) => fn.kind === 'approve')!;
    const endpoint = createApproveHandler({
      repository: local.repository,
      approvals: local.approvals,
      responder: sfnTaskResponder(local.clients.get('sfn', HOME)),
      signingKey: secretsManagerSigningKey(local.clients.get('secretsManager', HOME), approveFn.environment.APPROVAL_SIGNING_SECRET_ARN!),
    });

    const page = await endpoint({ rawQueryString: link.search.slice(1), headers: {}, requestContext: { http: { method: 'GET' } } });
    expect(page.statusCode).toBe(200);
    expect(local.stepFunctions.pendingTasks(replay.incident!.executionArn!)).toHaveLength(1);

    const form = new URLSearchParams({ ...Object.fromEntries(link.searchParams), decision: 'approve', approver: 'alice@example.com', reason: 'key owner confirmed' });
    const decided = await endpoint({
      rawQueryString: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      requestContext: { http: { method: 'POST', sourceIp: '198.51.100.1' } },
    });
    expect(decided.statusCode).toBe(200);

    const execution = await local.stepFunctions.settle(replay.incident!.executionArn!);
    expect(execution.path).toEqual(expect.arrayContaining(['ApprovalGate', 'DeactivateAccessKey']));
    const timeline = await local.repository.timeline(incidentId);
    expect(timeline.find((entry) => entry.kind === 'approved')).toMatchObject({ actor: 'alice@example.com', data: { reason: 'key owner confirmed', channel: 'web' } });
    const actions = await local.repository.actions(incidentId);
    expect(actions.map((action) => action.actionId)).toContain('iam/deactivate-access-key');

    const replayed = await endpoint({
      rawQueryString: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      requestContext: { http: { method: 'POST' } },
    });
    expect(replayed.statusCode).toBe(409);
  });
});
