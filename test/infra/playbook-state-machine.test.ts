import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../lib/local/local-state-machine.js';
import { resolveStateMachineDefinitions, type ResolvedStateMachine } from '../../lib/local/state-machine-definitions.js';
import { TemplateFunctions } from '../../lib/local/template-functions.js';
import type { CloudFormationTemplate } from '../../lib/local/template-intrinsics.js';
import { APPROVAL_REJECTED_ERROR, THROTTLING_ERRORS } from '../../lib/playbooks/playbook-state-machine.js';
import { synthFirebreak, TEST_PLAYBOOK } from './support/synth-firebreak.js';

const TARGET = { region: 'us-east-1', accountId: '123456789012' };
const FINDING = { title: 'API invoked from a Tor exit node', severity: { label: 'HIGH', normalized: 75 }, dedupKey: 'gd:abc' };
const INPUT = { incidentId: 'inc-1', accountId: '123456789012', region: 'us-east-1', playbook: 'credential-compromise', dryRun: true, finding: FINDING };

type Call = { kind: string; payload: Record<string, unknown> };
type Behaviour = (payload: Record<string, unknown>, calls: Call[]) => unknown;

let machine: ResolvedStateMachine;
let functions: TemplateFunctions;
let runtime: LocalStepFunctions | undefined;

beforeAll(() => {
  const template = synthFirebreak().template.toJSON() as CloudFormationTemplate;
  [machine] = resolveStateMachineDefinitions(template, TARGET) as [ResolvedStateMachine];
  functions = new TemplateFunctions(template, TARGET);
});

afterEach(async () => {
  await runtime?.shutdown();
  runtime = undefined;
});

/** Runs the synthesized definition with in-process doubles per function kind; every invocation is recorded. */
function start(mode: string, behaviours: Partial<Record<string, Behaviour>> = {}) {
  const calls: Call[] = [];
  runtime = new LocalStepFunctions([machine], {
    invokeFunction: async (functionName, payload) => {
      const kind = functions.find(functionName).kind;
      const call = { kind, payload: payload as Record<string, unknown> };
      calls.push(call);
      const behaviour = behaviours[kind];
      if (behaviour) return behaviour(call.payload, calls);
      return kind === 'act' ? { status: 'done', summary: `dry run ${String(call.payload.actionId)}`, calls: [] } : { ok: true };
    },
  });
  const { executionArn } = runtime.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ ...INPUT, mode }), name: 'inc-1' });
  return { calls, executionArn, local: runtime };
}

const eventsOf = (calls: Call[], kind: string) => calls.filter((c) => c.kind === kind).map((c) => c.payload.event);
const actionsOf = (calls: Call[]) => calls.filter((c) => c.kind === 'act').map((c) => c.payload.actionId);

describe('synthesized playbook definition', () => {
  it('retries every Lambda task on throttling with backoff, exactly the agreed errors', () => {
    const tasks = Object.entries(machine.definition.States).filter(([, state]) => state.Type === 'Task');

    expect(tasks.length).toBeGreaterThan(10);
    for (const [name, state] of tasks) {
      expect(state.Retry, name).toEqual([
        { ErrorEquals: [...THROTTLING_ERRORS], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 },
      ]);
      expect(state.ResultPath, name).not.toBe('$');
    }
  });

  it('gates with waitForTaskToken tasks that time out after approvalTimeoutSeconds and route rejection, timeout and failure', () => {
    for (const gate of ['ApprovalGate', 'ApproveQuarantineUser']) {
      const state = machine.definition.States[gate] as Record<string, unknown>;
      expect(state).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: TEST_PLAYBOOK.approvalTimeoutSeconds,
        Catch: [
          { ErrorEquals: [APPROVAL_REJECTED_ERROR], Next: 'RecordRejected' },
          { ErrorEquals: ['States.Timeout'], Next: 'RecordApprovalTimeout' },
          { ErrorEquals: ['States.ALL'], Next: 'MarkContainmentFailed' },
        ],
      });
      expect((state.Parameters as { Payload: Record<string, unknown> }).Payload['taskToken.$']).toBe('$$.Task.Token');
    }
  });
});

describe('executing the synthesized playbook', () => {
  it('auto: runs each step with the agreed act payload, stops at the step gate, then contains and notifies', async () => {
    const { calls, executionArn, local } = start('auto');

    const pending = await local.settle(executionArn);
    expect(pending.status).toBe('RUNNING');
    const [gate] = local.pendingTasks(executionArn);
    expect(gate!.stateName).toBe('ApproveQuarantineUser');
    expect(gate!.payload).toMatchObject({
      Payload: {
        incidentId: 'inc-1',
        step: 'QuarantineUser',
        taskToken: gate!.token,
        summary: { playbook: 'credential-compromise', steps: ['DeactivateAccessKeys', 'RevokeRoleSessions', 'QuarantineUser'], severity: 'HIGH', dryRun: true },
      },
    });
    local.sendTaskSuccess(gate!.token, { approvedBy: 'arn:aws:iam::123456789012:user/alice' });
    const done = await local.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(actionsOf(calls)).toEqual(['iam/deactivate-access-key', 'iam/revoke-role-sessions', 'iam/revoke-role-sessions']);
    expect(calls[0]!.payload).toEqual({ incidentId: 'inc-1', actionId: 'iam/deactivate-access-key', dryRun: true, accountId: '123456789012', region: 'us-east-1', finding: FINDING });
    expect(eventsOf(calls, 'record')).toEqual(['completed']);
    expect(eventsOf(calls, 'notify')).toEqual(['contained']);
    const recorded = calls.find((c) => c.kind === 'record')!.payload;
    expect((recorded.detail as { results: Record<string, unknown> }).results.DeactivateAccessKeys).toEqual({
      result: { status: 'done', summary: 'dry run iam/deactivate-access-key', calls: [] },
    });
    expect((done.output as { approvals: Record<string, unknown> }).approvals.ApproveQuarantineUser).toEqual({ approvedBy: 'arn:aws:iam::123456789012:user/alice' });
  });

  it('approve: a rejected playbook gate changes nothing, records the rejection and notifies', async () => {
    const { calls, executionArn, local } = start('approve');
    await local.settle(executionArn);
    const [gate] = local.pendingTasks(executionArn);
    expect(gate!.stateName).toBe('ApprovalGate');

    local.sendTaskFailure(gate!.token, APPROVAL_REJECTED_ERROR, 'rejected by bob: false positive');
    const done = await local.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(eventsOf(calls, 'notify')).toEqual(['rejected']);
    expect(actionsOf(calls)).toEqual([]);
    expect(eventsOf(calls, 'record')).toEqual(['rejected']);
    expect(calls.find((c) => c.kind === 'record')!.payload.detail).toEqual({ rejection: { Error: APPROVAL_REJECTED_ERROR, Cause: 'rejected by bob: false positive' } });
  });

  it('approve: an unanswered gate escalates on timeout and changes nothing', async () => {
    const { calls, executionArn, local } = start('approve');
    await local.settle(executionArn);
    const [gate] = local.pendingTasks(executionArn);

    // What Step Functions raises when TimeoutSeconds passes.
    local.sendTaskFailure(gate!.token, 'States.Timeout', 'approval not answered in time');
    const done = await local.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(eventsOf(calls, 'record')).toEqual(['approval_timeout']);
    expect(actionsOf(calls)).toEqual([]);
    expect(eventsOf(calls, 'notify')).toEqual(['approval_timeout']);
  });

  it('notify: only tells, changes nothing', async () => {
    const { calls, executionArn, local } = start('notify');

    const done = await local.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(calls.map((c) => [c.kind, c.payload.event])).toEqual([['notify', 'notify_only']]);
  });

  it('a failing step records containment_failed with the error, escalates and fails the execution', async () => {
    const { calls, executionArn, local } = start('auto', {
      act: () => {
        throw Object.assign(new Error('AccessDenied on iam:UpdateAccessKey'), { name: 'Firebreak.ActionFailed' });
      },
    });

    const done = await local.settle(executionArn);

    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Firebreak.ContainmentFailed');
    expect(actionsOf(calls)).toEqual(['iam/deactivate-access-key']);
    expect(calls.filter((c) => c.kind !== 'act').map((c) => [c.kind, c.payload.event, c.payload.detail])).toEqual([
      ['record', 'containment_failed', { error: { Error: 'Firebreak.ActionFailed', Cause: 'AccessDenied on iam:UpdateAccessKey' } }],
      ['notify', 'containment_failed', { error: { Error: 'Firebreak.ActionFailed', Cause: 'AccessDenied on iam:UpdateAccessKey' } }],
    ]);
  });

  it('a throttled step is retried and the playbook goes on', async () => {
    let throttled = 0;
    const { calls, executionArn, local } = start('auto', {
      act: (payload) => {
        if (payload.actionId === 'iam/deactivate-access-key' && throttled < 2) {
          throttled += 1;
          throw Object.assign(new Error('Rate exceeded'), { name: 'Firebreak.Throttled' });
        }
        return { status: 'done', summary: 'ok', calls: [] };
      },
    });
    await local.settle(executionArn);
    local.sendTaskSuccess(local.pendingTasks(executionArn)[0]!.token, {});

    const done = await local.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(actionsOf(calls).slice(0, 3)).toEqual(['iam/deactivate-access-key', 'iam/deactivate-access-key', 'iam/deactivate-access-key']);
    expect(eventsOf(calls, 'record')).toEqual(['completed']);
  });

  it('an optional step that fails is recorded under its result and the playbook goes on', async () => {
    const { calls, executionArn, local } = start('auto', {
      act: (payload, seen) => {
        const revokes = seen.filter((c) => c.kind === 'act' && c.payload.actionId === 'iam/revoke-role-sessions').length;
        if (payload.actionId === 'iam/revoke-role-sessions' && revokes === 1) {
          throw Object.assign(new Error('NoSuchEntity: role gone'), { name: 'Firebreak.ActionFailed' });
        }
        return { status: 'done', summary: 'ok', calls: [] };
      },
    });
    await local.settle(executionArn);
    const [gate] = local.pendingTasks(executionArn);
    expect(gate!.stateName).toBe('ApproveQuarantineUser');
    local.sendTaskSuccess(gate!.token, {});

    const done = await local.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    const results = (calls.find((c) => c.kind === 'record')!.payload.detail as { results: Record<string, unknown> }).results;
    expect(results.RevokeRoleSessions).toEqual({ Error: 'Firebreak.ActionFailed', Cause: 'NoSuchEntity: role gone' });
    expect(results.QuarantineUser).toEqual({ result: { status: 'done', summary: 'ok', calls: [] } });
    expect(eventsOf(calls, 'record')).toEqual(['completed']);
  });

  it('a run the record function judges a dry run ends in DryRunCompleted with the dry-run notification, never "contained"', async () => {
    // Prepare: the record function answers as it does when every step ran in dry run.
    const { calls, executionArn, local } = start('auto', {
      record: (payload) => ({ status: 'done', incidentId: payload.incidentId, event: payload.event, outcome: 'dry_run_completed', incidentStatus: 'open' }),
    });
    await local.settle(executionArn);
    // Act
    local.sendTaskSuccess(local.pendingTasks(executionArn)[0]!.token, {});
    const done = await local.settle(executionArn);
    // Assert
    expect(done.status).toBe('SUCCEEDED');
    expect(done.path.slice(-4)).toEqual(['RecordOutcome', 'ChooseOutcome', 'NotifyDryRun', 'DryRunCompleted']);
    expect(eventsOf(calls, 'record')).toEqual(['completed']);
    expect(eventsOf(calls, 'notify')).toEqual(['dry_run_completed']);
  });

  it('an unknown mode fails at once', async () => {
    const { calls, executionArn, local } = start('yolo');

    const done = await local.settle(executionArn);

    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Firebreak.UnknownMode');
    expect(calls).toEqual([]);
  });
});

describe('onApprovalTimeout contain-light', () => {
  const LIGHT_PLAYBOOK = {
    ...TEST_PLAYBOOK,
    steps: [
      { name: 'DeactivateAccessKeys', actionId: 'iam/deactivate-access-key', light: true },
      { name: 'RevokeRoleSessions', actionId: 'iam/revoke-role-sessions' },
    ],
    onApprovalTimeout: 'contain-light' as const,
  };

  it('escalates, then applies only the light steps and marks the incident contained', async () => {
    const template = synthFirebreak({ playbooks: [LIGHT_PLAYBOOK] }).template.toJSON() as CloudFormationTemplate;
    const [light] = resolveStateMachineDefinitions(template, TARGET) as [ResolvedStateMachine];
    const lightFunctions = new TemplateFunctions(template, TARGET);
    const calls: Call[] = [];
    runtime = new LocalStepFunctions([light], {
      invokeFunction: async (functionName, payload) => {
        calls.push({ kind: lightFunctions.find(functionName).kind, payload: payload as Record<string, unknown> });
        return { status: 'done', summary: 'ok', calls: [] };
      },
    });
    const { executionArn } = runtime.startExecution({ stateMachineArn: light.arn, input: JSON.stringify({ ...INPUT, mode: 'approve' }), name: 'inc-2' });
    await runtime.settle(executionArn);

    runtime.sendTaskFailure(runtime.pendingTasks(executionArn)[0]!.token, 'States.Timeout', 'approval not answered in time');
    const done = await runtime.settle(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(calls.map((c) => [c.kind, c.payload.event ?? c.payload.actionId])).toEqual([
      ['approval-request', undefined],
      ['record', 'approval_timeout'],
      ['notify', 'approval_timeout'],
      ['act', 'iam/deactivate-access-key'],
      ['record', 'completed'],
      ['notify', 'contained'],
    ]);
    expect(Object.keys(light.definition.States)).toContain('LightDeactivateAccessKeys');
  });

  it('is refused without a light step, and a light step may not also require approval', () => {
    const noLight = { ...LIGHT_PLAYBOOK, steps: [{ name: 'RevokeRoleSessions', actionId: 'iam/revoke-role-sessions' }] };
    const both = { ...LIGHT_PLAYBOOK, steps: [{ name: 'DeactivateAccessKeys', actionId: 'iam/deactivate-access-key', light: true, requiresApproval: true }] };

    expect(() => synthFirebreak({ playbooks: [noLight] })).toThrow("onApprovalTimeout: 'contain-light' needs at least one step with light: true");
    expect(() => synthFirebreak({ playbooks: [both] })).toThrow('steps.0.light: a light step runs without approval: it cannot also require one');
  });
});
