import { DescribeTasksCommand, ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DeleteFunctionConcurrencyCommand, GetFunctionConcurrencyCommand, LambdaClient, ListTagsCommand, PutFunctionConcurrencyCommand, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { stopTask } from '../../../../lambdas/actions/ecs/stop-task.js';
import { throttleFunction } from '../../../../lambdas/actions/lambda/throttle-function.js';
import { actionContext, doneRecord, finding, sentRequests } from '../action-test-kit.js';

const lambda = mockClient(LambdaClient);
const ecs = mockClient(ECSClient);
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:payments-webhook';
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef';
const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';

const lambdaFinding = finding({
  type: 'CryptoCurrency:Lambda/BitcoinTool.B',
  resourceClass: 'Lambda',
  resources: [{ type: 'AWS::Lambda::Function', id: 'payments-webhook', arn: FUNCTION_ARN, tags: {}, details: {} }],
});
const ecsFinding = finding({
  type: 'Execution:Runtime/ReverseShell',
  resourceClass: 'ECSCluster',
  resources: [{ type: 'AWS::ECS::Cluster', id: 'prod', arn: CLUSTER_ARN, tags: {}, details: { taskArn: TASK_ARN } }],
});

describe('workload actions', () => {
  beforeEach(() => {
    lambda.reset();
    ecs.reset();
  });

  describe('lambda/throttle-function', () => {
    it('sets reserved concurrency 0 and records there was none; second run already contained', async () => {
      // Prepare
      lambda.on(ListTagsCommand).resolves({ Tags: {} });
      lambda.on(GetFunctionConcurrencyCommand).resolvesOnce({}).resolves({ ReservedConcurrentExecutions: 0 });
      const params = throttleFunction.paramsFromFinding(lambdaFinding)!;
      // Act
      const first = await throttleFunction.execute(params, actionContext());
      const second = await throttleFunction.execute(params, actionContext());
      // Assert
      expect(sentRequests(lambda).slice(0, 3)).toEqual([
        ['ListTags', { Resource: FUNCTION_ARN }],
        ['GetFunctionConcurrency', { FunctionName: FUNCTION_ARN }],
        ['PutFunctionConcurrency', { FunctionName: FUNCTION_ARN, ReservedConcurrentExecutions: 0 }],
      ]);
      expect(first).toMatchObject({ status: 'done', priorState: { reservedConcurrency: null } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(lambda.commandCalls(PutFunctionConcurrencyCommand)).toHaveLength(1);
    });

    it('refuses a protected function; skips a missing one', async () => {
      lambda.on(ListTagsCommand).resolvesOnce({ Tags: { 'firebreak:protected': 'true' } }).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
      const allowlists = { principals: [], cidrs: [], resourceTags: [{ key: 'firebreak:protected', value: 'true' }] };
      const protectedFn = await throttleFunction.execute(throttleFunction.paramsFromFinding(lambdaFinding)!, actionContext({ allowlists }));
      const missing = await throttleFunction.execute(throttleFunction.paramsFromFinding(lambdaFinding)!, actionContext());
      expect(protectedFn).toMatchObject({ status: 'skipped', refused: true });
      expect(missing).toMatchObject({ status: 'skipped', reason: expect.stringContaining('does not exist') });
      expect(lambda.commandCalls(PutFunctionConcurrencyCommand)).toHaveLength(0);
    });

    it('rollback removes the reservation when there was none, only while it is still 0', async () => {
      lambda.on(GetFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 0 });
      const result = await throttleFunction.rollback(doneRecord('lambda/throttle-function', 't', { functionName: FUNCTION_ARN, reservedConcurrency: null }, { reservedConcurrency: 0 }), actionContext());
      expect(lambda.commandCalls(DeleteFunctionConcurrencyCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: FUNCTION_ARN }]);
      expect(result.status).toBe('done');
    });
  });

  describe('ecs/stop-task', () => {
    it('stops a running task with the incident as reason; a stopped one is already contained', async () => {
      // Prepare
      ecs.on(DescribeTasksCommand)
        .resolvesOnce({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', group: 'service:api', taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7', tags: [] }] })
        .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }] });
      const params = stopTask.paramsFromFinding(ecsFinding)!;
      // Act
      const first = await stopTask.execute(params, actionContext());
      const second = await stopTask.execute(params, actionContext());
      // Assert
      expect(sentRequests(ecs).slice(0, 2)).toEqual([
        ['DescribeTasks', { cluster: CLUSTER_ARN, tasks: [TASK_ARN], include: ['TAGS'] }],
        ['StopTask', { cluster: CLUSTER_ARN, task: TASK_ARN, reason: 'Firebreak incident inc-0123456789abcdef0123' }],
      ]);
      expect(first).toMatchObject({ status: 'done', summary: expect.stringContaining('service api will start a replacement') });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(1);
    });

    it('rollback cannot resume a task: it escalates and calls nothing', async () => {
      const result = await stopTask.rollback(doneRecord('ecs/stop-task', 't', { taskArn: TASK_ARN, taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7' }, {}), actionContext());
      expect(ecs.calls()).toHaveLength(0);
      expect(result).toMatchObject({ status: 'skipped', escalation: expect.stringContaining('task-definition/api:7') });
    });
  });
});
