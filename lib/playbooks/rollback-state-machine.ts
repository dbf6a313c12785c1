import { CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { THROTTLING_ERRORS } from './playbook-state-machine.js';

export interface RollbackStateMachineProps {
  /** The act function: it runs `{ operation: 'rollback', incidentId, dryRun, actor }` (lambdas/act/create-rollback-handler.ts). */
  readonly act: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  readonly logKey: kms.IKey;
  readonly stateMachineName?: string;
}

/**
 * Undoes an incident's containment: input `{ incidentId, dryRun, actor }`. One task, retried on throttling; the act
 * function restores each recorded prior state only where nobody changed the target since, writes every outcome on the
 * incident timeline, and fails the execution (Firebreak.ActionFailed, with the steps named) if any step failed.
 */
export class RollbackStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RollbackStateMachineProps) {
    super(scope, id);
    const rollback = new tasks.LambdaInvoke(this, 'RollbackIncident', {
      stateName: 'RollbackIncident',
      lambdaFunction: props.act,
      payload: sfn.TaskInput.fromObject({
        operation: 'rollback',
        'incidentId.$': '$.incidentId',
        'dryRun.$': '$.dryRun',
        'actor.$': '$.actor',
      }),
      retryOnServiceExceptions: false,
      resultSelector: { 'result.$': '$.Payload' },
      resultPath: '$.rollback',
    });
    rollback.addRetry({ errors: [...THROTTLING_ERRORS], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2 });

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      ...(props.stateMachineName ? { stateMachineName: props.stateMachineName } : {}),
      definitionBody: sfn.DefinitionBody.fromChainable(rollback.next(new sfn.Succeed(this, 'RolledBack'))),
      comment: 'Firebreak rollback: restore what containment changed, where nobody changed it since',
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const resource = props.act.node.defaultChild;
    const actLogicalId = resource instanceof CfnElement ? Stack.of(resource).getLogicalId(resource) : undefined;
    NagSuppressions.addResourceSuppressions(
      this.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'CloudWatch Logs vended delivery (logs:*LogDelivery*, DescribeResourcePolicies, DescribeLogGroups) and X-Ray (PutTraceSegments, GetSampling*) support no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
        ...(actLogicalId
          ? [{ id: 'AwsSolutions-IAM5', reason: 'lambda:InvokeFunction on the qualified ARNs (<arn>:*) of the act function, so versions and aliases can be invoked.', appliesTo: [`Resource::<${actLogicalId}.Arn>:*`] }]
          : []),
      ],
      true,
    );
  }
}
