import { ArnFormat, Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { actionIds } from '../lambdas/actions/registry.js';
import { ValidationError } from '../lambdas/core/errors.js';
import type { FunctionKind } from '../lambdas/core/playbook-contract.js';
import type { PlaybookDefinition } from '../lambdas/core/playbooks/playbook-definition.js';
import { Approvals } from './approvals.js';
import { grantAssumeMemberRole, grantContainment } from './containment-policy.js';
import { DeadLetterAlarms } from './dead-letter-alarms.js';
import type { LoadedConfig } from './config.js';
import { IncidentStore } from './incident-store.js';
import { detectionCloudTrailPatterns, Ingestion, type CloudTrailPattern } from './ingestion.js';
import { LogEncryptionKey } from './log-encryption-key.js';
import { Notifications } from './notifications.js';
import { PlaybookStateMachine } from './playbooks/playbook-state-machine.js';
import { RollbackStateMachine } from './playbooks/rollback-state-machine.js';
import { logRetentionFor, ResponderFunction, type ResponderFunctionProps } from './responder-function.js';
import { SlaSchedule } from './sla-schedule.js';

export interface FirebreakStackProps extends StackProps {
  /** The validated config (lib/config.ts). */
  readonly config: LoadedConfig;
  /** Playbooks to build, one state machine each. */
  readonly playbooks: readonly PlaybookDefinition[];
  /** CloudTrail patterns. @default generated from the config's active detection rules (`detection.packs`, `disabledRules`) */
  readonly cloudTrailPatterns?: readonly CloudTrailPattern[];
}

/** Stack outputs the CLI reads (`--stack`): names are part of its contract. */
export const STACK_OUTPUTS = {
  incidentTableName: 'IncidentTableName',
  notificationTopicArn: 'NotificationTopicArn',
  playbookStateMachineArns: 'PlaybookStateMachineArns',
  approvalUrl: 'ApprovalUrl',
  rollbackStateMachineArn: 'RollbackStateMachineArn',
  /** Only with memberAccounts configured. */
  responderRoleArn: 'ResponderRoleArn',
} as const;

/**
 * Firebreak: EventBridge → detect → DynamoDB → playbook state machines → act / approval / record / notify → SNS.
 * Composition only; each piece's defaults and permissions live in its own construct.
 */
export class FirebreakStack extends Stack {
  readonly incidentStore: IncidentStore;
  readonly notifications: Notifications;
  readonly functions: Readonly<Partial<Record<FunctionKind, ResponderFunction>>>;
  readonly playbooks: readonly PlaybookStateMachine[];
  readonly approvals: Approvals;

  constructor(scope: Construct, id: string, props: FirebreakStackProps) {
    super(scope, id, { description: 'Firebreak: serverless security incident responder', ...props });
    const { config } = props;

    this.incidentStore = new IncidentStore(this, 'IncidentStore');
    this.notifications = new Notifications(this, 'Notifications', { subscriptions: config.config.notifications.subscriptions });
    const logKey = new LogEncryptionKey(this, 'LogEncryptionKey').key;

    const responder = (kind: FunctionKind, id: string, extra: Partial<ResponderFunctionProps> = {}) =>
      new ResponderFunction(this, id, {
        kind,
        config,
        incidentTableName: this.incidentStore.table.tableName,
        logEncryptionKey: logKey,
        ...extra,
      });
    const topicEnvironment = { NOTIFICATION_TOPIC_ARN: this.notifications.topic.topicArn };

    const detect = responder('detect', 'Detect');
    // Containment makes several rate-limited control-plane calls (CloudTrail LookupEvents pages at 2/s, one ENI after
    // another); the state machine waits for it, so give it room rather than fail mid-step.
    const act = responder('act', 'Act', { timeout: Duration.minutes(2) });
    const approvalRequest = responder('approval-request', 'ApprovalRequest', { environment: topicEnvironment });
    const notify = responder('notify', 'Notify', { environment: topicEnvironment });
    const record = responder('record', 'Record');
    const sla = responder('sla', 'Sla', { environment: topicEnvironment });

    for (const fn of [detect, act, approvalRequest, notify, record, sla]) {
      this.incidentStore.grantItemAccess(fn.role, { write: true });
    }
    for (const fn of [approvalRequest, notify, sla]) this.notifications.grantPublish(fn.role);
    for (const fn of [approvalRequest, notify]) {
      // Security Hub workflow sync (Workflow.Status NOTIFIED/RESOLVED) of the findings behind an incident.
      fn.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['securityhub:BatchUpdateFindings'],
          resources: [`arn:${Aws.PARTITION}:securityhub:${Aws.REGION}:${Aws.ACCOUNT_ID}:hub/default`],
        }),
      );
    }
    this.grantContainment(act, config);

    this.approvals = new Approvals(this, 'Approvals', {
      config,
      incidentStore: this.incidentStore,
      approvalRequest,
      logEncryptionKey: logKey,
    });
    this.functions = { detect, act, 'approval-request': approvalRequest, approve: this.approvals.endpoint, notify, record, sla };

    assertActionsRegistered(props.playbooks);
    this.playbooks = props.playbooks.map(
      (definition) =>
        new PlaybookStateMachine(this, `Playbook${pascalCase(definition.id)}`, {
          definition,
          functions: { act: act.function, approvalRequest: approvalRequest.function, record: record.function, notify: notify.function },
          logRetention: logRetentionFor(config.config.retentionDays),
          logKey,
          stateMachineName: playbookStateMachineName(this.stackName, definition.id),
        }),
    );
    // ARNs built from the known names (not Refs): Lambda's 4 KB environment check can then count them exactly, and the
    // explicit dependency below still creates the state machines before detect can start them.
    const playbookArns = Object.fromEntries(
      this.playbooks.map((playbook) => [
        playbook.definition.id,
        this.formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: playbookStateMachineName(this.stackName, playbook.definition.id),
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ]),
    );
    for (const playbook of this.playbooks) detect.function.node.addDependency(playbook.stateMachine);
    for (const playbook of this.playbooks) {
      playbook.stateMachine.grantStartExecution(detect.role);
      // By name, not by reference: the state machine depends on approval-request, whose env holds the endpoint URL, whose
      // function depends on this policy; a Ref here would close that loop.
      const byName = sfn.StateMachine.fromStateMachineName(this, `${playbook.node.id}ByName`, playbookStateMachineName(this.stackName, playbook.definition.id));
      this.approvals.grantTaskResponse(byName);
    }
    detect.addEnvironment('PLAYBOOK_ARNS', this.toJsonString(playbookArns));
    // Incidents routed to no playbook are announced by invoking notify directly (the unqualified ARN only: no `:*`).
    detect.addEnvironment('NOTIFY_FUNCTION_NAME', notify.function.functionName);
    iam.Grant.addToPrincipal({ grantee: detect.role, actions: ['lambda:InvokeFunction'], resourceArns: [notify.function.functionArn] });

    const ingestion = new Ingestion(this, 'Ingestion', {
      detector: detect.function,
      cloudTrailPatterns: props.cloudTrailPatterns ?? detectionCloudTrailPatterns(config.config.detection),
    });
    new SlaSchedule(this, 'SlaSchedule', { sla, responseTimeTarget: config.config.responseTimeTarget });
    new DeadLetterAlarms(this, 'DeadLetterAlarms', {
      queues: {
        ingestion: ingestion.deadLetterQueue,
        ...Object.fromEntries(Object.entries(this.functions).map(([kind, fn]) => [kind, fn.deadLetterQueue])),
      },
      topic: this.notifications.topic,
      topicKey: this.notifications.key,
    });

    new CfnOutput(this, STACK_OUTPUTS.incidentTableName, { value: this.incidentStore.table.tableName });
    new CfnOutput(this, STACK_OUTPUTS.notificationTopicArn, { value: this.notifications.topic.topicArn });
    new CfnOutput(this, STACK_OUTPUTS.playbookStateMachineArns, {
      value: this.toJsonString(playbookArns),
      description: 'JSON: playbook id → state machine ARN',
    });
    new CfnOutput(this, STACK_OUTPUTS.approvalUrl, {
      value: this.approvals.url.url,
      description: 'Approval endpoint (links in approval messages point here; GET shows, POST decides)',
    });
    // Undo of an incident's containment (contain): StartExecution with { incidentId, dryRun, actor }.
    const rollback = new RollbackStateMachine(this, 'Rollback', { act: act.function, logRetention: logRetentionFor(config.config.retentionDays), logKey });
    new CfnOutput(this, STACK_OUTPUTS.rollbackStateMachineArn, {
      value: rollback.stateMachine.stateMachineArn,
      description: 'Rollback state machine: input { incidentId, dryRun, actor }',
    });
  }

  /**
   * The act function may call exactly the APIs the registered actions declare (lambdas/actions/registry.ts), so the policy
   * cannot drift from the code; with memberAccounts, it may also assume the member role (and nothing else in STS).
   */
  private grantContainment(act: ResponderFunction, config: LoadedConfig): void {
    grantContainment(act.role);
    const memberAccounts = config.config.memberAccounts;
    if (!memberAccounts) return;
    grantAssumeMemberRole(act.role, memberAccounts);
    // The member-account stack (lib/member-account-role.ts) trusts this role: `-c firebreakResponderRoleArn=<this output>`.
    new CfnOutput(this, STACK_OUTPUTS.responderRoleArn, {
      value: act.role.roleArn,
      description: 'Role of the act function: the principal every member-account role trusts (FirebreakMemberRole stack)',
    });
  }
}

/** A step naming an action the act Lambda does not know would fail only at run time, mid-incident: fail synth instead. */
function assertActionsRegistered(playbooks: readonly PlaybookDefinition[]): void {
  const known = actionIds();
  const unknown = playbooks.flatMap((playbook) =>
    playbook.steps.filter((step) => !known.includes(step.actionId)).map((step) => `${playbook.id}.${step.name}: unknown action '${step.actionId}'`),
  );
  if (unknown.length > 0) {
    throw new ValidationError(`playbooks name unregistered actions: ${unknown.join('; ')} (registered: ${known.join(', ')})`, unknown);
  }
}

/** `Firebreak-credential-compromise`: stable, so permissions can name a playbook's ARN without referencing it. */
export function playbookStateMachineName(stackName: string, playbookId: string): string {
  return `${stackName}-${playbookId}`;
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
