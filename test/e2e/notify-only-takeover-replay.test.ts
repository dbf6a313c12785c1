import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../lib/local/local-runtime.js';

// End to end on the real pieces (synthesized rules and playbook, real handlers, dynalite, dry run), two real events in
// sequence (test/fixtures/SOURCES.md), re-targeted to one access key: a notify-only CloudTrail CreateUser made with
// ci-deployer's key, then the GuardDuty credential finding about that key as InstanceCredentialExfiltration.OutsideAWS.
const read = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const ACCOUNT = '883606788610';

function createUserWithTheKey() {
  const record = structuredClone((read('containment/cloudtrail-iam-user-api-records.json').Records as Record<string, unknown>[]).find((r) => r.eventName === 'CreateUser')!);
  record.userIdentity = { ...(record.userIdentity as object), principalId: 'AIDAJQABLZS4A3QDU576Q', arn: `arn:aws:iam::${ACCOUNT}:user/ci-deployer`, accountId: ACCOUNT, accessKeyId: KEY, userName: 'ci-deployer' };
  record.awsRegion = 'us-east-1';
  record.recipientAccountId = ACCOUNT;
  record.eventID = 'b1f6bd0c-3a50-4a45-9d3e-0d2c4f5e8a01';
  return record;
}

function exfiltrationFinding() {
  const event = read('integration/guardduty-iam-credential-finding.json');
  event.id = 'delivery-exfil-1';
  event.detail.id = 'exfil-1';
  event.detail.arn = event.detail.arn.replace(/finding\/.*$/, 'finding/exfil-1');
  event.detail.type = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS';
  return event;
}

let local: LocalRuntime;
beforeAll(async () => {
  local = await createLocalRuntime({ accountId: '123456789012', region: 'us-east-1', config: { severityThreshold: 'LOW' } });
}, 120_000);
afterAll(async () => local?.close());

describe('replay: a containment finding after a notify-only one about the same key', () => {
  it('the notify-only incident is taken over: the credential playbook runs for it (dry run) once approved', async () => {
    // Act
    const first = await local.replay(createUserWithTheKey());
    const second = await local.replay(exfiltrationFinding(), { approve: true, approver: 'alice@example.com', reason: 'confirmed' });
    // Assert
    expect(first.incident).toMatchObject({ playbook: 'notify-only', mode: 'notify', severity: 'LOW' });
    expect(first.executions).toEqual([]);
    expect(second.deliveries[0]?.findings[0]).toMatchObject({ outcome: 'joined', incidentId: first.incident!.incidentId });
    expect(second.incident).toMatchObject({ incidentId: first.incident!.incidentId, playbook: 'credential-compromise', mode: 'approve', severity: 'HIGH' });
    expect(second.executions).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(second.executions[0]?.path).toEqual(expect.arrayContaining(['ApprovalGate', 'DeactivateAccessKey', 'RecordOutcome', 'DryRunCompleted']));
    expect(second.calls.filter((call) => call.origin === 'planned' && call.operation === 'UpdateAccessKey').map((call) => call.params)).toEqual([
      { UserName: 'ci-deployer', AccessKeyId: KEY, Status: 'Inactive' },
    ]);
    const kinds = second.timeline.map((entry) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['opened', 'notify_requested', 'finding_added', 'playbook_takeover', 'playbook_started', 'dry_run_completed']));
    expect(second.notifications.map((n) => n.attributes.event)).toEqual(expect.arrayContaining(['updated', 'approval_requested', 'dry_run_completed']));
  });
});
