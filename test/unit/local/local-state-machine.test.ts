import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../lib/local/local-state-machine.js';
import { resolveStateMachineDefinitions, type ResolvedStateMachine } from '../../../lib/local/state-machine-definitions.js';
import { TemplateFunctions } from '../../../lib/local/template-functions.js';
import type { CloudFormationTemplate } from '../../../lib/local/template-intrinsics.js';

// A miniature playbook with the shapes INTERFACES.md prescribes (approval gate on waitForTaskToken, act task with Retry on
// throttling, Catch → failure path), synthesized by CDK exactly as the real stack is, so the resolver and runner are tested
// on real DefinitionString output rather than hand-written ASL.

const target = { region: 'eu-west-1', accountId: '111122223333' };

function synthesizeMiniPlaybook(): CloudFormationTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Mini', { env: { region: target.region, account: target.accountId } });
  const fn = (id: string, kind: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      environment: { FIREBREAK_FUNCTION: kind },
    });
  const act = fn('ActFunction', 'act');
  const approval = fn('ApprovalRequestFunction', 'approval-request');
  const record = fn('RecordFunction', 'record');

  const gate = new tasks.LambdaInvoke(stack, 'ApprovalGate', {
    lambdaFunction: approval,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ incidentId: sfn.JsonPath.stringAt('$.incidentId'), step: 'ApprovalGate', taskToken: sfn.JsonPath.taskToken }),
    taskTimeout: sfn.Timeout.duration(Duration.hours(1)),
    resultPath: '$.approval',
  });
  const deactivate = new tasks.LambdaInvoke(stack, 'DeactivateAccessKey', {
    lambdaFunction: act,
    payload: sfn.TaskInput.fromObject({ incidentId: sfn.JsonPath.stringAt('$.incidentId'), actionId: 'iam.deactivate-access-key' }),
    resultSelector: { 'status.$': '$.Payload.status' },
    resultPath: '$.results.DeactivateAccessKey',
  });
  deactivate.addRetry({ errors: ['Firebreak.Throttled'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
  const recordEvent = (id: string, event: string) =>
    new tasks.LambdaInvoke(stack, id, {
      lambdaFunction: record,
      payload: sfn.TaskInput.fromObject({ incidentId: sfn.JsonPath.stringAt('$.incidentId'), event }),
      resultPath: sfn.JsonPath.DISCARD,
    });
  const failed = recordEvent('MarkContainmentFailed', 'containment_failed').next(new sfn.Fail(stack, 'ContainmentFailed'));
  const rejected = recordEvent('RecordRejected', 'rejected').next(new sfn.Succeed(stack, 'RejectedDone'));
  gate.addCatch(rejected, { errors: ['Firebreak.ApprovalRejected'], resultPath: '$.rejection' });
  deactivate.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
  const definition = gate.next(deactivate).next(recordEvent('MarkContained', 'contained')).next(new sfn.Succeed(stack, 'Done'));
  new sfn.StateMachine(stack, 'CredentialPlaybook', { definitionBody: sfn.DefinitionBody.fromChainable(definition) });
  return Template.fromStack(stack).toJSON() as CloudFormationTemplate;
}

interface Harness {
  sfn: LocalStepFunctions;
  machine: ResolvedStateMachine;
  invocations: { kind: string; payload: Record<string, unknown> }[];
}

let template: CloudFormationTemplate;

beforeAll(() => {
  template = synthesizeMiniPlaybook();
});

function harness(actBehaviour: (attempt: number) => unknown = () => ({ status: 'done' })): Harness {
  const functions = new TemplateFunctions(template, target);
  const machines = resolveStateMachineDefinitions(template, target);
  const invocations: Harness['invocations'] = [];
  let actAttempts = 0;
  const sfnLocal = new LocalStepFunctions(machines, {
    invokeFunction: async (functionName, payload) => {
      const { kind } = functions.find(functionName);
      invocations.push({ kind, payload: payload as Record<string, unknown> });
      if (kind === 'act') return actBehaviour(++actAttempts);
      return { ok: true };
    },
  });
  return { sfn: sfnLocal, machine: machines[0] as ResolvedStateMachine, invocations };
}

describe('resolveStateMachineDefinitions', () => {
  it('resolves the synthesized DefinitionString to plain ASL with Lambda ARNs named after logical ids', () => {
    // Act
    const [machine] = resolveStateMachineDefinitions(template, target);
    // Assert
    expect(machine?.arn).toBe(`arn:aws:states:eu-west-1:111122223333:stateMachine:${machine?.logicalId}`);
    const gate = machine?.definition.States.ApprovalGate;
    expect(gate?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    const actLogicalId = Object.entries(template.Resources).find(
      ([id, resource]) => id.startsWith('ActFunction') && resource.Type === 'AWS::Lambda::Function',
    )?.[0];
    expect(machine?.definition.States.DeactivateAccessKey?.Parameters?.FunctionName).toBe(
      `arn:aws:lambda:eu-west-1:111122223333:function:${actLogicalId}`,
    );
  });

  it('refuses a definition the local runner would execute wrongly (ResultPath "$")', () => {
    // Prepare
    const [machine] = resolveStateMachineDefinitions(template, target);
    const broken = structuredClone(machine!.definition) as unknown as { States: Record<string, Record<string, unknown>> };
    broken.States.MarkContained!.ResultPath = '$';
    const brokenTemplate: CloudFormationTemplate = {
      Resources: { ...template.Resources, [machine!.logicalId]: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify(broken) } } },
    };
    // Act / Assert
    expect(() => resolveStateMachineDefinitions(brokenTemplate, target)).toThrow(/state MarkContained uses ResultPath "\$"/);
  });

  it('refuses invalid ASL with the validator message', () => {
    const invalid: CloudFormationTemplate = {
      Resources: { Bad: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify({ StartAt: 'Nope', States: {} }) } } },
    };
    expect(() => resolveStateMachineDefinitions(invalid, target)).toThrow(/state machine Bad is not valid ASL/);
  });
});

describe('TemplateFunctions', () => {
  it('finds a function by ARN, qualified ARN and bare name, and reads its kind from FIREBREAK_FUNCTION', () => {
    // Prepare
    const functions = new TemplateFunctions(template, target);
    const act = functions.ofKind('act')[0]!;
    // Act / Assert
    expect(functions.find(act.arn).kind).toBe('act');
    expect(functions.find(`${act.arn}:$LATEST`).logicalId).toBe(act.logicalId);
    expect(functions.find(act.name).logicalId).toBe(act.logicalId);
    expect(() => functions.find('arn:aws:lambda:eu-west-1:111122223333:function:Nope')).toThrow(/no Firebreak function named/);
  });
});

describe('LocalStepFunctions', () => {
  it('holds a waitForTaskToken task with its own token until sendTaskSuccess, then runs to the end', async () => {
    // Prepare
    const { sfn: local, machine, invocations } = harness();
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId: 'inc-1' }), name: 'inc-1' });
    // Act
    const waitingStatus = (await local.settle(executionArn)).status;
    const [pending] = local.pendingTasks(executionArn);
    local.sendTaskSuccess(pending!.token, { approvedBy: 'alice' });
    const done = await local.settle(executionArn);
    // Assert
    expect(waitingStatus).toBe('RUNNING');
    expect(pending?.stateName).toBe('ApprovalGate');
    expect(pending?.token).toMatch(/^local-/);
    expect(invocations[0]).toEqual({ kind: 'approval-request', payload: { incidentId: 'inc-1', step: 'ApprovalGate', taskToken: pending?.token } });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toMatchObject({ approval: { approvedBy: 'alice' }, results: { DeactivateAccessKey: { status: 'done' } } });
    expect(done.path).toEqual(['ApprovalGate', 'DeactivateAccessKey', 'MarkContained', 'Done']);
    expect(invocations.map((i) => i.kind)).toEqual(['approval-request', 'act', 'record']);
  });

  it('routes sendTaskFailure to the Catch that names the error', async () => {
    // Prepare
    const { sfn: local, machine, invocations } = harness();
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId: 'inc-2' }) });
    await local.settle(executionArn);
    // Act
    local.sendTaskFailure(local.pendingTasks(executionArn)[0]!.token, 'Firebreak.ApprovalRejected', 'not our key');
    const done = await local.settle(executionArn);
    // Assert
    expect(done.status).toBe('SUCCEEDED');
    expect(done.path).toEqual(['ApprovalGate', 'RecordRejected', 'RejectedDone']);
    expect(done.output).toMatchObject({ rejection: { Error: 'Firebreak.ApprovalRejected', Cause: 'not our key' } });
    expect(invocations.at(-1)).toEqual({ kind: 'record', payload: { incidentId: 'inc-2', event: 'rejected' } });
  });

  it('retries a throttled task without waiting its interval, then succeeds', async () => {
    // Prepare
    const throttledTwice = (attempt: number) => {
      if (attempt <= 2) throw Object.assign(new Error('Rate exceeded'), { name: 'Firebreak.Throttled' });
      return { status: 'done' };
    };
    const { sfn: local, machine, invocations } = harness(throttledTwice);
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId: 'inc-3' }) });
    await local.settle(executionArn);
    const started = Date.now();
    // Act
    local.sendTaskSuccess(local.pendingTasks(executionArn)[0]!.token, {});
    const done = await local.settle(executionArn);
    // Assert
    expect(done.status).toBe('SUCCEEDED');
    expect(invocations.filter((i) => i.kind === 'act')).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends a permanent failure through Catch States.ALL to the failure path', async () => {
    // Prepare
    const { sfn: local, machine } = harness(() => {
      throw Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' });
    });
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: JSON.stringify({ incidentId: 'inc-4' }) });
    await local.settle(executionArn);
    // Act
    local.sendTaskSuccess(local.pendingTasks(executionArn)[0]!.token, {});
    const done = await local.settle(executionArn);
    // Assert
    expect(done.status).toBe('FAILED');
    expect(done.path).toEqual(['ApprovalGate', 'DeactivateAccessKey', 'MarkContainmentFailed', 'ContainmentFailed']);
  });

  it('is idempotent by execution name and refuses the same name with another input', () => {
    // Prepare
    const { sfn: local, machine } = harness();
    const first = local.startExecution({ stateMachineArn: machine.arn, input: '{"incidentId":"inc-5"}', name: 'inc-5' });
    // Act
    const again = local.startExecution({ stateMachineArn: machine.arn, input: '{"incidentId":"inc-5"}', name: 'inc-5' });
    // Assert
    expect(again.executionArn).toBe(first.executionArn);
    expect(local.listExecutions()).toHaveLength(1);
    expect(() => local.startExecution({ stateMachineArn: machine.arn, input: '{"incidentId":"other"}', name: 'inc-5' })).toThrow(/ExecutionAlreadyExists/);
    return local.shutdown();
  });

  it('refuses an unknown or already used token, and shutdown stops a run blocked on approval', async () => {
    // Prepare
    const { sfn: local, machine } = harness();
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: '{"incidentId":"inc-6"}' });
    await local.settle(executionArn);
    // Act
    await local.shutdown();
    // Assert
    expect(() => local.sendTaskSuccess('local-unknown', {})).toThrow(/InvalidToken/);
    expect(local.describeExecution(executionArn).status).toBe('ABORTED');
    expect(local.pendingTasks()).toEqual([]);
  });

  it('lets an answered task move on only after the caller deferring resumption has finished its own writes', async () => {
    // Prepare
    const { sfn: local, machine, invocations } = harness();
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: '{"incidentId":"inc-7"}' });
    await local.settle(executionArn);
    const token = local.pendingTasks(executionArn)[0]!.token;
    // Act
    const actCallsDuringWork = await local.deferResumptions(async () => {
      local.sendTaskSuccess(token, {});
      await new Promise((resolve) => setTimeout(resolve, 20));
      return invocations.filter((i) => i.kind === 'act').length;
    });
    const done = await local.settle(executionArn);
    // Assert
    expect(actCallsDuringWork).toBe(0);
    expect(done.status).toBe('SUCCEEDED');
    expect(invocations.filter((i) => i.kind === 'act')).toHaveLength(1);
  });

  it('applies an answer received through the API at the next settle, and refuses a second answer with the same token', async () => {
    // Prepare
    const { sfn: local, machine, invocations } = harness();
    const { executionArn } = local.startExecution({ stateMachineArn: machine.arn, input: '{"incidentId":"inc-8"}' });
    await local.settle(executionArn);
    const token = local.pendingTasks(executionArn)[0]!.token;
    // Act
    local.answerTask(token, { error: 'Firebreak.ApprovalRejected', cause: 'no' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const recordCallsBeforeSettle = invocations.filter((i) => i.kind === 'record').length;
    const done = await local.settle(executionArn);
    // Assert
    expect(recordCallsBeforeSettle).toBe(0);
    expect(() => local.answerTask(token, { output: {} })).toThrow(/InvalidToken/);
    expect(done.path).toContain('RecordRejected');
  });
});
