import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../lib/config.js';
import { createLocalRuntime, NoRuleMatchedError, type LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/local-runtime.js';
import { synthesizeFirebreakTemplate } from '../../lib/local/synthesize-stack.js';
import type { CloudFormationTemplate } from '../../lib/local/template-intrinsics.js';

// End to end on the real pieces: the synthesized stack's EventBridge rules and playbook state machine, the real detect,
// act, approval-request, record and notify handlers, DynamoDB on dynalite, every other AWS call intercepted (dry run).
// Events are real corpus events (test/fixtures/SOURCES.md); the stack is synthesized once for the file.

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/integration/${name}`, import.meta.url), 'utf8'));
const CREDENTIAL_EVENT = fixture('guardduty-iam-credential-finding.json');
const SAMPLE_EVENT = fixture('guardduty-iam-tor-sample.json');
const FAILED_LOGIN = fixture('cloudtrail-console-login-failure.json');
const HOME = { accountId: '123456789012', region: 'us-east-1' };

const DEACTIVATE_KEY = { UserName: 'ci-deployer', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' };

let template: CloudFormationTemplate;
const runtimes: LocalRuntime[] = [];

beforeAll(() => {
  template = synthesizeFirebreakTemplate(configFromObject({}), { ...HOME, stackName: 'Firebreak' });
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
});

async function runtime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  // The default-config template is reused; another config synthesizes its own (memoized per config).
  const created = await createLocalRuntime({ ...HOME, ...(options.config === undefined ? { template } : {}), ...options });
  runtimes.push(created);
  return created;
}

describe('replay of a GuardDuty IAM credential finding', () => {
  it('opens an incident, starts the credential playbook and stops at the approval with the containment planned', async () => {
    // Prepare
    const local = await runtime();
    // Act
    const result = await local.replay(CREDENTIAL_EVENT);
    // Assert
    expect(result.matchedRules.map((rule) => rule.logicalId)).toEqual([expect.stringMatching(/^IngestionGuardDuty/)]);
    expect(result.incident).toMatchObject({ status: 'open', severity: 'HIGH', playbook: 'credential-compromise', mode: 'approve' });
    expect(result.executions).toEqual([expect.objectContaining({ status: 'RUNNING', path: ['ChooseMode', 'ApprovalGate'] })]);
    const [pending] = result.pendingApprovals;
    expect(pending).toMatchObject({ incidentId: result.incident?.incidentId, step: 'ApprovalGate' });
    const deactivate = pending?.wouldRun.find((step) => step.step === 'DeactivateAccessKey');
    expect(deactivate?.calls).toEqual([{ service: 'iam', operation: 'UpdateAccessKey', params: DEACTIVATE_KEY }]);
    // Nothing is contained before the approval: no planned call yet, only Firebreak's own bookkeeping calls.
    expect(result.calls.filter((call) => call.origin === 'planned')).toEqual([]);
    expect(result.calls.map((call) => `${call.service}:${call.operation}`)).toContain('sfn:StartExecution');
    expect(result.notifications.map((notification) => notification.attributes.event)).toEqual(['approval_requested']);
    expect(result.timeline.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['opened', 'playbook_started', 'approval_requested']));
  });

  it('on approval, plans deactivating the key and revoking the sessions (dry run) and records a dry run, never "contained"', async () => {
    // Prepare
    const local = await runtime();
    // Act
    const result = await local.replay(CREDENTIAL_EVENT, { approve: true, approver: 'alice@example.com', reason: 'confirmed leak' });
    // Assert
    // Approving acknowledged it; the dry run leaves it there (nothing is contained).
    expect(result.incident?.status).toBe('acknowledged');
    expect(result.incident?.containedAt).toBeUndefined();
    expect(result.executions[0]).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.executions[0]?.path).toEqual(expect.arrayContaining(['ApprovalGate', 'DeactivateAccessKey', 'RevokeUserSessions', 'RecordOutcome', 'DryRunCompleted']));
    const planned = result.calls.filter((call) => call.origin === 'planned');
    expect(planned).toContainEqual({ service: 'iam', operation: 'UpdateAccessKey', params: DEACTIVATE_KEY, origin: 'planned', by: 'iam/deactivate-access-key' });
    const revoke = planned.find((call) => call.operation === 'PutUserPolicy');
    expect(revoke?.params).toMatchObject({ UserName: 'ci-deployer' });
    expect(JSON.parse(String(revoke?.params.PolicyDocument)).Statement[0]).toMatchObject({
      Effect: 'Deny',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } },
    });
    // Dry run: the containment actions themselves made no AWS call.
    expect(result.calls.filter((call) => call.origin === 'intercepted' && call.service === 'iam')).toEqual([]);
    expect(result.actions.find((action) => action.actionId === 'iam/deactivate-access-key')).toMatchObject({ status: 'done', dryRun: true });
    expect(result.timeline.find((entry) => entry.kind === 'approved')?.actor).toBe('alice@example.com');
    const events = result.notifications.map((notification) => notification.attributes.event);
    expect(events).toContain('dry_run_completed');
    expect(events).not.toContain('contained');
    expect(result.timeline.find((entry) => entry.kind === 'dry_run_completed')?.message).toContain(
      'a real run would have: iam/deactivate-access-key on user/ci-deployer/access-key/AKIAIOSFODNN7EXAMPLE (iam UpdateAccessKey)',
    );
  });

  it('on rejection, changes nothing and records who rejected and why', async () => {
    // Prepare
    const local = await runtime();
    // Act
    const result = await local.replay(CREDENTIAL_EVENT, { reject: true, approver: 'bob@example.com', reason: 'authorized pentest' });
    // Assert
    expect(result.executions[0]?.path).toEqual(['ChooseMode', 'ApprovalGate', 'RecordRejected', 'NotifyRejected', 'Rejected']);
    expect(result.calls.filter((call) => call.origin === 'planned')).toEqual([]);
    expect(result.incident?.status).not.toBe('contained');
    const rejected = result.timeline.find((entry) => entry.kind === 'rejected');
    expect(rejected?.actor).toBe('bob@example.com');
    expect(rejected?.message).toContain('authorized pentest');
    expect(result.pendingApprovals).toEqual([]);
    expect(result.notifications.map((notification) => notification.attributes.event)).toContain('rejected');
  });

  it('when nobody answers in time, escalates and changes nothing (onApprovalTimeout: escalate)', async () => {
    // Prepare
    const local = await runtime();
    // Act
    const result = await local.replay(CREDENTIAL_EVENT, { expire: true });
    // Assert
    expect(result.executions[0]?.path).toEqual(['ChooseMode', 'ApprovalGate', 'RecordApprovalTimeout', 'EscalateApprovalTimeout', 'ApprovalTimedOut']);
    expect(result.calls.filter((call) => call.origin === 'planned')).toEqual([]);
    expect(result.incident?.status).toBe('open');
    expect(result.timeline.map((entry) => entry.kind)).toContain('approval_timeout');
    expect(result.notifications.map((notification) => notification.attributes.event)).toContain('approval_timeout');
  });

  it('keeps one incident and one execution when EventBridge delivers the same event twice', async () => {
    // Prepare
    const local = await runtime();
    const first = await local.replay(CREDENTIAL_EVENT);
    // Act
    const second = await local.replay(CREDENTIAL_EVENT);
    // Assert
    expect(second.deliveries[0]?.findings[0]).toMatchObject({ outcome: 'duplicate', incidentId: first.incident?.incidentId });
    expect(await local.repository.list({ status: 'open' })).toHaveLength(1);
    expect(local.stepFunctions.listExecutions()).toHaveLength(1);
    expect(second.calls.map((call) => call.operation)).not.toContain('StartExecution');
  });

  it('keeps one incident and one containment when GuardDuty re-sends the finding with a higher service.count', async () => {
    // Prepare
    const local = await runtime();
    const resent = structuredClone(CREDENTIAL_EVENT);
    resent.id = 'c6b0b0a1-6f2e-4a43-9c0e-2b5c9e1d7a11';
    resent.detail.service.count = 5;
    resent.detail.updatedAt = '2017-12-08T21:32:49.862Z';
    await local.replay(CREDENTIAL_EVENT, { approve: true });
    // Act
    const again = await local.replay(resent, { approve: true });
    // Assert
    expect(again.deliveries[0]?.findings[0]?.outcome).toBe('duplicate');
    expect(local.stepFunctions.listExecutions()).toHaveLength(1);
    expect(again.calls.filter((call) => call.origin === 'planned')).toEqual([]);
    expect(await local.repository.list()).toHaveLength(1);
  });

  it('accepts the bare finding and recognizes it as the same finding as the EventBridge event', async () => {
    // Prepare
    const local = await runtime();
    const first = await local.replay(CREDENTIAL_EVENT);
    // Act
    const bare = await local.replay(CREDENTIAL_EVENT.detail);
    // Assert
    expect(bare.inputs[0]?.recognizedAs).toBe('guardduty-finding');
    expect(bare.matchedRules).toHaveLength(1);
    expect(bare.deliveries[0]?.findings[0]).toMatchObject({ outcome: 'duplicate', incidentId: first.incident?.incidentId });
  });

  it('in auto mode contains at once and still asks before the approval-gated password reset', async () => {
    // Prepare
    const local = await runtime({ config: { playbooks: { 'credential-compromise': { mode: 'auto' } } } });
    // Act
    const result = await local.replay(CREDENTIAL_EVENT);
    // Assert
    expect(result.executions[0]?.path.slice(0, 3)).toEqual(['ChooseMode', 'DeactivateAccessKey', 'RevokeUserSessions']);
    expect(result.calls).toContainEqual(expect.objectContaining({ operation: 'UpdateAccessKey', params: DEACTIVATE_KEY, origin: 'planned' }));
    expect(result.pendingApprovals).toEqual([expect.objectContaining({ stateName: 'ApproveForcePasswordReset' })]);
    expect(result.pendingApprovals[0]?.wouldRun[0]?.calls).toEqual([
      { service: 'iam', operation: 'UpdateLoginProfile', params: { UserName: 'ci-deployer', PasswordResetRequired: true } },
    ]);
  });

  it('only notifies about a GuardDuty sample finding, even when it passes the threshold', async () => {
    // Prepare
    const local = await runtime({ config: { severityThreshold: 'MEDIUM' } });
    // Act
    const result = await local.replay(SAMPLE_EVENT);
    // Assert
    expect(result.incident).toMatchObject({ mode: 'notify' });
    expect(result.executions[0]?.status).toBe('SUCCEEDED');
    expect(result.executions[0]?.path).not.toContain('DeactivateAccessKey');
    expect(result.calls.filter((call) => call.origin === 'planned')).toEqual([]);
    expect(result.notifications).toHaveLength(1);
  });

  it('opens no incident for the sample finding under the default HIGH threshold', async () => {
    // Prepare
    const local = await runtime();
    // Act
    const result = await local.replay(SAMPLE_EVENT);
    // Assert
    expect(result.incident).toBeUndefined();
    expect(result.deliveries[0]?.findings[0]?.outcome).toBe('below-threshold');
    expect(result.executions).toEqual([]);
  });

  it('refuses an event that no synthesized rule matches', async () => {
    // Prepare
    const local = await runtime();
    const ec2StateChange = { version: '0', id: '1', 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', account: '1', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { state: 'running' } };
    // Act
    const replay = local.replay(ec2StateChange);
    // Assert
    await expect(replay).rejects.toThrow(NoRuleMatchedError);
    await expect(replay).rejects.toThrow(/source 'aws.ec2', detail-type 'EC2 Instance State-change Notification'/);
  });

  it('turns a CloudTrail log of repeated failed console sign-ins into a brute-force incident (Sigma correlation in DynamoDB)', async () => {
    // Prepare: the documented failed sign-in, twelve times, 20 s apart, each with its own event id.
    const local = await runtime();
    const Records = Array.from({ length: 12 }, (_, i) => ({
      ...FAILED_LOGIN,
      eventID: `${FAILED_LOGIN.eventID.slice(0, -2)}${String(i).padStart(2, '0')}`,
      eventTime: new Date(Date.parse(FAILED_LOGIN.eventTime) + i * 20_000).toISOString(),
    }));
    // Act
    const result = await local.replay({ Records });
    // Assert
    expect(result.inputs).toHaveLength(12);
    expect(result.inputs.every((input) => input.recognizedAs === 'cloudtrail-record')).toBe(true);
    expect(result.matchedRules.every((rule) => rule.logicalId.startsWith('IngestionCloudTrail'))).toBe(true);
    const created = result.deliveries.flatMap((delivery) => delivery.findings).filter((finding) => finding.outcome === 'created');
    expect(created.map((finding) => finding.type)).toContain('console-brute-force-by-ip');
    expect(result.incidents.find((incident) => incident.primaryFinding.type === 'console-brute-force-by-ip')).toMatchObject({ status: 'open' });
  });

  it('does not let a GuardDuty finding forwarded by Security Hub reach the detector a second time', async () => {
    // Prepare: the GuardDuty user guide's ASFF example (fixture and provenance from the detection tests).
    const local = await runtime();
    const forwarded = JSON.parse(
      readFileSync(new URL('../fixtures/securityhub/awsdocs/guardduty-user-guide__securityhub-integration__asff_guardduty_UnauthorizedAccess-EC2-SSHBruteForce.json', import.meta.url), 'utf8'),
    );
    // Act
    const replay = local.replay(forwarded);
    // Assert
    await expect(replay).rejects.toThrow(NoRuleMatchedError);
    await expect(replay).rejects.toThrow(/detail\.findings\.ProductArn: expected \[\{"anything-but":\{"suffix":":product\/aws\/guardduty"\}\}\]/);
  });
});
