import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import { createNotifyHandler } from '../../../lambdas/notify/handler.js';
import { snsPublisher } from '../../../lambdas/notify/notification-publisher.js';
import { SecurityHubWorkflowSync } from '../../../lambdas/securityhub-sync/securityhub-workflow.js';
import { NotificationDigestStore } from '../../../lambdas/store/notification-digest-store.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';
import { openTestIncident, testClock } from '../../support/workflow-testbed.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:firebreak-incidents';
const snsMock = mockClient(SNSClient);
const hubMock = mockClient(SecurityHubClient);

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
  snsMock.restore();
  hubMock.restore();
});
beforeEach(() => {
  snsMock.reset();
  hubMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [{ Id: 'x', ProductArn: 'y' }], UnprocessedFindings: [] });
});

async function setup(digestWindowSeconds = 300) {
  const clock = testClock();
  const { tableName, repository, incident } = await openTestIncident(table, clock);
  const clients = createAwsClients({ homeRegion: 'us-east-1' });
  const notify = createNotifyHandler({
    repository,
    publisher: snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
    digests: new NotificationDigestStore(table.doc, tableName, clock),
    digestWindowSeconds,
    securityHub: new SecurityHubWorkflowSync(clients),
    responseTimeTargets: { critical: 900, high: 3600, medium: 14_400, low: 86_400 },
  });
  return { clock, repository, incident, notify };
}

describe('notify handler', () => {
  it("turns a 'contained' request about an incident whose actions were all dry runs into the dry-run notification", async () => {
    // Prepare: what an execution of the previous definition asks for after a dry run the record Lambda did not call contained.
    const { repository, incident, notify } = await setup();
    await repository.recordAction(incident.incidentId, { actionId: 'iam/deactivate-access-key', target: 'k', status: 'done', dryRun: true, at: '2026-11-25T10:00:30.000Z' });
    // Act
    const result = await notify({ incidentId: incident.incidentId, event: 'contained' });
    // Assert
    expect(result).toMatchObject({ status: 'sent', event: 'dry_run_completed' });
    const input = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject).toMatch(/^\[Firebreak HIGH\] Dry run, nothing changed: /);
    expect(input.MessageAttributes?.event).toEqual({ DataType: 'String', StringValue: 'dry_run_completed' });
  });

  it('publishes to SNS with severity/playbook/event attributes, a human summary and the incident JSON', async () => {
    const { incident, notify, repository } = await setup();

    const result = await notify({ incidentId: incident.incidentId, event: 'opened' });

    expect(result).toMatchObject({ status: 'sent', messageId: 'm-1', event: 'opened' });
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.MessageStructure).toBe('json');
    expect(input.Subject).toBe('[Firebreak HIGH] New incident: API GeneratedFindingAPIName was invoked from a Tor exit node.');
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      playbook: { DataType: 'String', StringValue: 'credential-compromise' },
      event: { DataType: 'String', StringValue: 'opened' },
    });
    const body = JSON.parse(input.Message!) as Record<string, string>;
    expect(body.default).toContain('What it needs from you: review it and acknowledge');
    const [, jsonPart] = body.email!.split('\n--- incident (JSON) ---\n');
    expect(JSON.parse(jsonPart!)).toMatchObject({ event: 'opened', incident: { incidentId: incident.incidentId, status: 'open' } });
    expect(JSON.parse(body.sqs!)).toMatchObject({ subject: input.Subject, incident: { incidentId: incident.incidentId } });
    const notified = (await repository.timeline(incident.incidentId)).filter((entry) => entry.kind === 'notified');
    expect(notified).toHaveLength(1);
    expect(notified[0]!.data).toEqual({ event: 'opened', messageId: 'm-1' });
  });

  it('marks the findings behind the incident NOTIFIED in Security Hub once, with a note naming the incident', async () => {
    const { incident, notify } = await setup();

    await notify({ incidentId: incident.incidentId, event: 'opened' });
    await notify({ incidentId: incident.incidentId, event: 'contained' });

    const calls = hubMock.commandCalls(BatchUpdateFindingsCommand);
    expect(calls).toHaveLength(1);
    const finding = guardDutyIamFinding();
    expect(calls[0]!.args[0].input).toEqual({
      FindingIdentifiers: [{ Id: finding.productRefs.asffId, ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty' }],
      Workflow: { Status: 'NOTIFIED' },
      Note: {
        Text: `Firebreak incident ${incident.incidentId} (HIGH, playbook credential-compromise) opened; responders notified.`,
        UpdatedBy: 'firebreak',
      },
    });
  });

  it('aggregates a burst of the same event about one incident and counts it in the next message', async () => {
    const { incident, notify, clock } = await setup(300);

    const first = await notify({ incidentId: incident.incidentId, event: 'containment_failed', detail: { Error: 'E' } });
    clock.advance(10);
    const second = await notify({ incidentId: incident.incidentId, event: 'containment_failed' });
    clock.advance(10);
    const third = await notify({ incidentId: incident.incidentId, event: 'containment_failed' });
    const otherKind = await notify({ incidentId: incident.incidentId, event: 'escalation' });
    clock.advance(300);
    const afterWindow = await notify({ incidentId: incident.incidentId, event: 'containment_failed' });

    expect([first.status, second.status, third.status, otherKind.status, afterWindow.status]).toEqual(['sent', 'skipped', 'skipped', 'sent', 'sent']);
    expect(third).toMatchObject({ reason: expect.stringContaining('2 containment_failed notification(s)') });
    const messages = snsMock.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message!) as { default: string });
    expect(messages).toHaveLength(3);
    expect(messages[2]!.default).toContain('(2 similar notification(s) about this incident were aggregated into this one.)');
    expect(messages[1]!.default).toContain('the HIGH response-time target is 1h');
  });

  it('aggregate: false sends at once inside the digest window (a takeover starting containment)', async () => {
    // Prepare: an 'updated' about a joined finding went out a moment ago.
    const { incident, notify, clock } = await setup(300);
    await notify({ incidentId: incident.incidentId, event: 'updated', detail: { joined: { type: 'A' } } });
    clock.advance(10);
    // Act
    const held = await notify({ incidentId: incident.incidentId, event: 'updated', detail: { joined: { type: 'B' } } });
    const takeover = await notify({ incidentId: incident.incidentId, event: 'updated', detail: { playbookStarted: { playbook: 'credential-compromise' } }, aggregate: false });
    // Assert
    expect([held.status, takeover.status]).toEqual(['skipped', 'sent']);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
  });

  it('refuses an unknown event naming the field', async () => {
    const { incident, notify } = await setup();
    await expect(notify({ incidentId: incident.incidentId, event: 'party' })).rejects.toThrow(/event/);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('notify handler, Security Hub unavailable', () => {
  it('still notifies, and retries the NOTIFIED sync with the next message', async () => {
    const { incident, notify } = await setup();
    hubMock
      .on(BatchUpdateFindingsCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }))
      .resolves({ ProcessedFindings: [{ Id: 'x', ProductArn: 'y' }], UnprocessedFindings: [] });

    const first = await notify({ incidentId: incident.incidentId, event: 'opened' });
    const second = await notify({ incidentId: incident.incidentId, event: 'contained' });
    await notify({ incidentId: incident.incidentId, event: 'escalation' });

    expect(first).toMatchObject({ status: 'sent', securityHub: { status: 'failed', errorName: 'TooManyRequestsException' } });
    expect(second).toMatchObject({ status: 'sent', securityHub: { status: 'done', updated: 1 } });
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(2);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(3);
  });
});

describe('notify handler, a burst of correlated activity', () => {
  it('sends one "more activity" message per digest window and says how many it stands for', async () => {
    const { incident, notify, clock } = await setup(600);

    const statuses: string[] = [];
    for (let index = 0; index < 12; index++) {
      statuses.push((await notify({ incidentId: incident.incidentId, event: 'updated' })).status);
      clock.advance(30);
    }
    clock.advance(600);
    const digest = await notify({ incidentId: incident.incidentId, event: 'updated' });

    expect(statuses).toEqual(['sent', ...Array(11).fill('skipped')]);
    expect(digest.status).toBe('sent');
    const messages = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(messages).toHaveLength(2);
    expect(messages[1]!.Subject).toBe('[Firebreak HIGH] More activity: API GeneratedFindingAPIName was invoked from a Tor exit node.');
    expect(JSON.parse(messages[1]!.Message!).default).toContain('(11 similar notification(s) about this incident were aggregated into this one.)');
    expect(messages[1]!.MessageAttributes!.event).toEqual({ DataType: 'String', StringValue: 'updated' });
  });
});
