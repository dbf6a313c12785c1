import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../lib/config.js';
import { LocalStepFunctions, type ExecutionRecord } from '../../lib/local/local-state-machine.js';
import { resolveStateMachineDefinitions, type ResolvedStateMachine } from '../../lib/local/state-machine-definitions.js';
import { synthesizeFirebreakTemplate } from '../../lib/local/synthesize-stack.js';
import { TemplateFunctions } from '../../lib/local/template-functions.js';
import { ActionFailedError, ActionThrottledError } from '../../lambdas/act/act-errors.js';
import { createActHandler } from '../../lambdas/act/create-act-handler.js';
import { createRecordHandler } from '../../lambdas/record/create-record-handler.js';
import { createAwsClients } from '../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../lambdas/core/config/firebreak-config.js';
import type { Finding } from '../../lambdas/core/findings/finding.js';
import { IncidentRepository } from '../../lambdas/store/incident-repository.js';
import { PLAYBOOKS } from '../../lib/playbooks/index.js';
import { startTestTable, type TestTable } from '../support/dynalite.js';
import { finding } from '../unit/actions/action-test-kit.js';
import { instanceFinding } from '../unit/actions/ec2/ec2-fixtures.js';

/*
 * Every playbook's SYNTHESIZED state machine (the real stack, resolved to plain ASL) executed with aws-local-stepfunctions:
 * the act and record tasks run the real handlers in dry-run (DynamoDB on dynalite), the other workflow tasks (notify,
 * approval-request) are recorded so the test can read what the machine asked of them. Four paths per playbook: success
 * (every approval granted), approval rejected, a throttled step that succeeds on retry, and a permanent failure.
 */

const TARGET = { accountId: '123456789012', region: 'us-east-1', stackName: 'Firebreak' };

/** A finding each playbook's steps apply to (values from the corpus samples, see the action tests). */
const FINDINGS: Record<string, Finding> = {
  'credential-compromise': finding({
    type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
    resourceClass: 'AccessKey',
    principal: { type: 'IAMUser', userName: 'ci-deployer', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', arn: 'arn:aws:iam::123456789012:user/ci-deployer' },
    network: { remoteIp: '198.51.100.7' },
  }),
  'compromised-instance': instanceFinding,
  'data-exposure': finding({
    type: 'Policy:S3/BucketPublicAccessGranted',
    resourceClass: 'S3Bucket',
    resources: [{ type: 'AWS::S3::Bucket', id: 'example-data-bucket', tags: {}, details: { bucketName: 'example-data-bucket' } }],
  }),
  'network-exposure': { ...instanceFinding, type: 'Recon:EC2/PortProbeUnprotectedPort', network: { localPort: 22 } },
  'defense-tampering': finding({ type: 'cloudtrail-logging-stopped', ruleId: 'cloudtrail-logging-stopped', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' }),
  'compromised-workload': finding({
    type: 'CryptoCurrency:Lambda/BitcoinTool.B',
    resourceClass: 'Lambda',
    resources: [{ type: 'AWS::Lambda::Function', id: 'payments-webhook', arn: 'arn:aws:lambda:us-east-1:123456789012:function:payments-webhook', tags: {}, details: {} }],
  }),
  'malicious-ip': { ...instanceFinding, type: 'UnauthorizedAccess:EC2/SSHBruteForce', network: { remoteIp: '198.51.100.23', localPort: 22 } },
};

interface Invocation {
  readonly kind: string;
  readonly payload: Record<string, unknown>;
}

let table: TestTable;
let machines: Map<string, ResolvedStateMachine>;
let functions: TemplateFunctions;

beforeAll(async () => {
  const template = synthesizeFirebreakTemplate(configFromObject({}), TARGET);
  functions = new TemplateFunctions(template, TARGET);
  machines = new Map(
    resolveStateMachineDefinitions(template, TARGET).map((machine) => [/Firebreak playbook ([\w-]+):/.exec(machine.definition.Comment ?? '')?.[1] ?? machine.name, machine]),
  );
  table = await startTestTable();
}, 120_000);
afterAll(async () => table?.stop());

/** One execution of a playbook with in-process functions; `actOverride` may replace the act result for a step. */
async function harness(playbook: string, actOverride?: (step: string, attempt: number) => Error | undefined) {
  const machine = machines.get(playbook);
  if (!machine) throw new Error(`no synthesized state machine for ${playbook} (have: ${[...machines.keys()].join(', ')})`);
  const tableName = await table.createTable();
  const repository = new IncidentRepository(table.doc, tableName, () => new Date('2026-11-25T15:00:00Z'));
  const act = createActHandler({ clients: createAwsClients({ homeRegion: TARGET.region }), repository, config: parseFirebreakConfig({ dryRun: true }), now: () => new Date('2026-11-25T15:00:00Z') });
  const record = createRecordHandler({ repository });
  const invocations: Invocation[] = [];
  const attempts = new Map<string, number>();
  const stepOf = (actionId: unknown) => PLAYBOOKS.find((p) => p.id === playbook)?.steps.find((s) => s.actionId === actionId)?.name ?? String(actionId);
  const local = new LocalStepFunctions([machine], {
    invokeFunction: async (name, payload) => {
      const kind = functions.find(name).kind;
      const body = payload as Record<string, unknown>;
      invocations.push({ kind, payload: body });
      if (kind === 'record') return record(body);
      if (kind !== 'act') return { ok: true };
      const step = stepOf(body.actionId);
      const attempt = (attempts.get(step) ?? 0) + 1;
      attempts.set(step, attempt);
      const injected = actOverride?.(step, attempt);
      if (injected) throw injected;
      return act(body);
    },
  });
  const { incident } = await repository.openOrJoin({
    finding: FINDINGS[playbook]!,
    riskScore: 80,
    correlationKey: `test:${playbook}`,
    playbook,
    mode: 'approve',
    retentionDays: 30,
    correlationWindowSeconds: 60,
  });
  const input = { incidentId: incident.incidentId, accountId: TARGET.accountId, region: TARGET.region, playbook, mode: 'approve', dryRun: true, finding: FINDINGS[playbook] };
  const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify(input), name: incident.incidentId });

  /** Answers every approval gate with `decide` until the run ends. */
  const run = async (decide: (step: string) => 'approve' | 'reject'): Promise<ExecutionRecord> => {
    for (let guard = 0; guard < 20; guard++) {
      const record = await local.settle(executionArn);
      const [pending] = local.pendingTasks(executionArn);
      if (!pending) return record;
      if (decide(pending.stateName) === 'approve') local.sendTaskSuccess(pending.token, { approvedBy: 'responder@example.com' });
      else local.sendTaskFailure(pending.token, 'Firebreak.ApprovalRejected', JSON.stringify({ rejectedBy: 'responder@example.com', reason: 'not this one' }));
    }
    throw new Error('the execution did not finish');
  };
  const kinds = () => invocations.map((i) => (i.kind === 'act' ? `act:${stepOf(i.payload.actionId)}` : `${i.kind}:${String(i.payload.event ?? i.payload.step ?? '')}`));
  return { run, invocations, kinds, repository, incidentId: incident.incidentId };
}

const definitionOf = (id: string) => PLAYBOOKS.find((p) => p.id === id)!;
const gatesOf = (id: string) => definitionOf(id).steps.filter((s) => s.requiresApproval).map((s) => s.name);

describe.each(PLAYBOOKS.map((p) => [p.id] as const))('playbook %s (synthesized, run locally)', (id) => {
  it('success: approved, every step runs in order (dry run), recorded and notified as a dry run, never contained', async () => {
    // Prepare
    const h = await harness(id);
    // Act
    const record = await h.run(() => 'approve');
    // Assert
    expect(record.status).toBe('SUCCEEDED');
    const steps = definitionOf(id).steps.map((s) => s.name);
    expect(h.kinds()).toEqual([
      'approval-request:ApprovalGate',
      ...steps.flatMap((name) => [...(gatesOf(id).includes(name) ? [`approval-request:${name}`] : []), `act:${name}`]),
      'record:completed',
      'notify:dry_run_completed',
    ]);
    expect(record.path.at(-1)).toBe('DryRunCompleted');
    const results = (record.output as { results: Record<string, { result: { status: string } }> }).results;
    expect(Object.keys(results)).toEqual(steps);
    expect(Object.entries(results).filter(([, r]) => !['done', 'skipped'].includes(r.result?.status))).toEqual([]);
    expect((await h.repository.actions(h.incidentId)).every((a) => a.dryRun)).toBe(true);
    expect((await h.repository.getOrThrow(h.incidentId)).status).toBe('open');
    expect((await h.repository.timeline(h.incidentId)).map((entry) => entry.kind)).toContain('dry_run_completed');
  });

  it('approval rejected: nothing runs, the rejection is recorded and notified', async () => {
    const h = await harness(id);
    const record = await h.run(() => 'reject');
    expect(record.status).toBe('SUCCEEDED');
    expect(record.path.at(-1)).toBe('Rejected');
    expect(h.kinds()).toEqual(['approval-request:ApprovalGate', 'record:rejected', 'notify:rejected']);
    expect(await h.repository.actions(h.incidentId)).toEqual([]);
  });

  it('throttled, then succeeded: the first step is retried with backoff and the playbook completes', async () => {
    // Prepare
    const first = definitionOf(id).steps[0]!.name;
    const h = await harness(id, (step, attempt) => (step === first && attempt <= 2 ? new ActionThrottledError(`${step}: Rate exceeded`) : undefined));
    // Act
    const record = await h.run(() => 'approve');
    // Assert
    expect(record.status).toBe('SUCCEEDED');
    expect(h.kinds().filter((k) => k === `act:${first}`)).toHaveLength(3);
    expect(record.path.at(-1)).toBe('DryRunCompleted');
  });

  it('permanent failure: a required step fails → containment_failed recorded, escalation sent, execution fails', async () => {
    // Prepare: the first step that is not optional fails for good (a playbook of optional steps only: see the next test).
    const required = definitionOf(id).steps.find((s) => !s.optional);
    if (!required) return;
    const failing = required.name;
    const h = await harness(id, (step) => (step === failing ? new ActionFailedError(`${step} failed: AccessDenied: not authorized`) : undefined));
    // Act
    const record = await h.run(() => 'approve');
    // Assert
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('Firebreak.ContainmentFailed');
    expect(h.kinds().filter((k) => k === `act:${failing}`)).toHaveLength(1);
    expect(h.kinds().slice(-2)).toEqual(['record:containment_failed', 'notify:containment_failed']);
    const recorded = h.invocations.find((i) => i.kind === 'record' && i.payload.event === 'containment_failed');
    expect(JSON.stringify(recorded?.payload.detail)).toContain('Firebreak.ActionFailed');
    expect(h.kinds()).not.toContain('record:completed');
    expect((await h.repository.getOrThrow(h.incidentId)).status).toBe('containment_failed');
  });

  it('an optional step that fails for good is recorded under its result and the playbook goes on', async () => {
    const optional = definitionOf(id).steps.find((s) => s.optional);
    if (!optional) return;
    const h = await harness(id, (step) => (step === optional.name ? new ActionFailedError(`${step} failed: AccessDenied`) : undefined));
    const record = await h.run(() => 'approve');
    expect(record.status).toBe('SUCCEEDED');
    expect(record.path.at(-1)).toBe('DryRunCompleted');
    const results = (record.output as { results: Record<string, { Error?: string }> }).results;
    expect(results[optional.name]).toMatchObject({ Error: 'Firebreak.ActionFailed' });
  });
});
