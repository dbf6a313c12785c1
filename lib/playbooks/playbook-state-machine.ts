import { CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { parsePlaybookDefinition, type PlaybookDefinition, type PlaybookStep } from '../../lambdas/core/playbooks/playbook-definition.js';

/** Errors retried with backoff on every Lambda task: throttling and transient Lambda service faults. */
export const THROTTLING_ERRORS = ['Firebreak.Throttled', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException'] as const;
/** The error an approval-request task fails with when a responder rejects (SendTaskFailure). */
export const APPROVAL_REJECTED_ERROR = 'Firebreak.ApprovalRejected';
/** The state name of the playbook-wide gate in `approve` mode (also the `step` of its approval request). */
export const PLAYBOOK_APPROVAL_STEP = 'ApprovalGate';

/** The Lambdas a playbook invokes (by kind; env FIREBREAK_FUNCTION). */
export interface PlaybookFunctions {
  readonly act: lambda.IFunction;
  readonly approvalRequest: lambda.IFunction;
  readonly record: lambda.IFunction;
  readonly notify: lambda.IFunction;
}

export interface PlaybookStateMachineProps {
  /** The playbook as data; validated here, so a bad definition fails synth naming the field. */
  readonly definition: PlaybookDefinition;
  readonly functions: PlaybookFunctions;
  /** Retention of the execution log group. */
  readonly logRetention: logs.RetentionDays;
  /** Key that encrypts the execution log group (its policy must allow the CloudWatch Logs service). */
  readonly logKey: kms.IKey;
}

/**
 * Builds a playbook's Standard state machine (JSONPath only) from its definition:
 *
 *   ChooseMode ─notify──▶ NotifyOnly ▶ NotifiedOnly
 *              ─approve─▶ ApprovalGate ─▶ steps…
 *              ─auto────▶ steps… ▶ MarkContained ▶ NotifyContained ▶ Contained
 *   each step: [Approve<Step> gate if requiresApproval] ▶ <Step> (act Lambda, result at $.results.<Step>.result)
 *   any failure ▶ MarkContainmentFailed ▶ Escalate ▶ ContainmentFailed (Fail)   (optional steps record the error and go on)
 *   gate rejected (Firebreak.ApprovalRejected) ▶ RecordRejected ▶ NotifyRejected ▶ Rejected
 *   gate timeout (States.Timeout) ▶ RecordApprovalTimeout ▶ EscalateApprovalTimeout ▶ ApprovalTimedOut   ('escalate': no change)
 *
 * The act Lambda signals a failed action by throwing (a returned result is done or skipped), so Catch sees every failure.
 * Execution data is NOT logged: approval task tokens travel in task parameters and must never reach a log line.
 */
export class PlaybookStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  readonly definition: PlaybookDefinition;

  constructor(scope: Construct, id: string, props: PlaybookStateMachineProps) {
    super(scope, id);
    const definition = parsePlaybookDefinition(props.definition);
    this.definition = definition;
    const { functions } = props;

    const invoke = (name: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string) =>
      withRetry(
        new tasks.LambdaInvoke(this, name, {
          stateName: name,
          lambdaFunction: fn,
          payload: sfn.TaskInput.fromObject(payload),
          // Our own Retry below, exactly the errors we mean; CDK's default would add a second, broader one.
          retryOnServiceExceptions: false,
          ...(resultPath === sfn.JsonPath.DISCARD ? { resultPath } : { resultPath, resultSelector: { 'result.$': '$.Payload' } }),
        }),
      );
    const record = (name: string, event: string, detail?: Record<string, unknown>) =>
      invoke(name, functions.record, { 'incidentId.$': '$.incidentId', event, ...(detail ? { detail } : {}) }, sfn.JsonPath.DISCARD);
    const notify = (name: string, event: string, detail?: Record<string, unknown>) =>
      invoke(name, functions.notify, { 'incidentId.$': '$.incidentId', event, ...(detail ? { detail } : {}) }, sfn.JsonPath.DISCARD);

    // Terminal paths, shared by every step and gate.
    const failed = record('MarkContainmentFailed', 'containment_failed', { 'error.$': '$.error' })
      .next(notify('Escalate', 'containment_failed', { 'error.$': '$.error' }))
      .next(new sfn.Fail(this, 'ContainmentFailed', { error: 'Firebreak.ContainmentFailed', cause: 'a containment step failed; see the incident timeline' }));
    const rejected = record('RecordRejected', 'rejected', { 'rejection.$': '$.rejection' })
      .next(notify('NotifyRejected', 'rejected', { 'rejection.$': '$.rejection' }))
      .next(new sfn.Succeed(this, 'Rejected'));
    const timedOut = record('RecordApprovalTimeout', 'approval_timeout', { 'timeout.$': '$.approvalTimeout' })
      .next(notify('EscalateApprovalTimeout', 'approval_timeout', { 'timeout.$': '$.approvalTimeout' }))
      .next(new sfn.Succeed(this, 'ApprovalTimedOut'));

    const summary = {
      playbook: definition.id,
      title: definition.title,
      steps: definition.steps.map((step) => step.name),
      'findingTitle.$': '$.finding.title',
      'severity.$': '$.finding.severity.label',
      'dryRun.$': '$.dryRun',
    };
    const gate = (name: string, step: string) => {
      const task = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: functions.approvalRequest,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({ 'incidentId.$': '$.incidentId', step, taskToken: sfn.JsonPath.taskToken, summary }),
        taskTimeout: sfn.Timeout.duration(Duration.seconds(definition.approvalTimeoutSeconds)),
        retryOnServiceExceptions: false,
        resultPath: `$.approvals.${name}`,
      });
      withRetry(task);
      task.addCatch(rejected, { errors: [APPROVAL_REJECTED_ERROR], resultPath: '$.rejection' });
      task.addCatch(timedOut, { errors: ['States.Timeout'], resultPath: '$.approvalTimeout' });
      task.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };

    const markContained = record('MarkContained', 'contained', { 'results.$': '$.results' });
    markContained.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const contained = markContained.next(notify('NotifyContained', 'contained')).next(new sfn.Succeed(this, 'Contained'));

    // Steps are wired back to front, so each knows the state that follows it.
    let next: sfn.IChainable = contained;
    for (const step of [...definition.steps].reverse()) {
      const task = invoke(step.name, functions.act, actPayload(step), `$.results.${step.name}`);
      task.next(next);
      if (step.optional) {
        task.addCatch(next, { errors: ['States.ALL'], resultPath: `$.results.${step.name}` });
      } else {
        task.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
      }
      next = step.requiresApproval ? gate(`Approve${step.name}`, step.name).next(task) : task;
    }
    const firstStep = next;

    const chooseMode = new sfn.Choice(this, 'ChooseMode')
      .when(sfn.Condition.stringEquals('$.mode', 'notify'), notify('NotifyOnly', 'notify_only').next(new sfn.Succeed(this, 'NotifiedOnly')))
      .when(sfn.Condition.stringEquals('$.mode', 'approve'), gate(PLAYBOOK_APPROVAL_STEP, PLAYBOOK_APPROVAL_STEP).next(firstStep))
      .when(sfn.Condition.stringEquals('$.mode', 'auto'), firstStep)
      .otherwise(new sfn.Fail(this, 'UnknownMode', { error: 'Firebreak.UnknownMode', cause: 'input mode must be auto, approve or notify' }));

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(chooseMode),
      comment: `Firebreak playbook ${definition.id}: ${definition.title}`,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    NagSuppressions.addResourceSuppressions(
      this.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'CloudWatch Logs vended delivery (logs:*LogDelivery*, DescribeResourcePolicies, DescribeLogGroups) and X-Ray (PutTraceSegments, GetSampling*) support no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason: 'lambda:InvokeFunction on the qualified ARNs (<arn>:*) of the playbook’s own Firebreak functions, so versions and aliases can be invoked.',
          appliesTo: Object.values(functions).flatMap((fn) => {
            const logicalId = logicalIdOf(fn);
            return logicalId ? [`Resource::<${logicalId}.Arn>:*`] : [];
          }),
        },
      ],
      true,
    );
  }
}

/** The act payload: everything an action needs to derive its parameters from the finding (INTERFACES.md). */
function actPayload(step: PlaybookStep): Record<string, unknown> {
  return {
    'incidentId.$': '$.incidentId',
    actionId: step.actionId,
    'dryRun.$': '$.dryRun',
    'accountId.$': '$.accountId',
    'region.$': '$.region',
    'finding.$': '$.finding',
  };
}

function withRetry<T extends tasks.LambdaInvoke>(task: T): T {
  task.addRetry({ errors: [...THROTTLING_ERRORS], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2 });
  return task;
}

/** The template logical id of a function defined in this app (nag names wildcard resources by it). */
function logicalIdOf(fn: lambda.IFunction): string | undefined {
  const resource = fn.node.defaultChild;
  return resource instanceof CfnElement ? Stack.of(resource).getLogicalId(resource) : undefined;
}
