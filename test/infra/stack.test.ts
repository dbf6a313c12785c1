import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionPermissions } from '../../lambdas/actions/registry.js';
import { FUNCTION_KINDS } from '../../lambdas/core/playbook-contract.js';
import { STACK_OUTPUTS } from '../../lib/firebreak-stack.js';
import { TemplateIntrinsics, type CloudFormationTemplate } from '../../lib/local/template-intrinsics.js';
import { logicalIds, synthFirebreak, TEST_PLAYBOOK } from './support/synth-firebreak.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Sid?: string; Condition?: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;

let template: Template;
let resources: Resources;

/** The logical id of the function of one kind (env FIREBREAK_FUNCTION). */
function functionOf(kind: string): string {
  const ids = logicalIds(template, 'AWS::Lambda::Function', (p) => (p.Environment as { Variables: Record<string, unknown> }).Variables.FIREBREAK_FUNCTION === kind);
  expect(ids, `functions of kind ${kind}`).toHaveLength(1);
  return ids[0]!;
}

/** Statements of the policy attached to the role of a function. */
function statementsOf(functionLogicalId: string): Statement[] {
  const roleRef = (resources[functionLogicalId]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actions = (statement: Statement) => [statement.Action].flat();

beforeAll(() => {
  template = synthFirebreak().template;
  resources = template.toJSON().Resources as Resources;
});

describe('incidents table', () => {
  it('has the agreed keys, indexes, TTL, on-demand billing, PITR, a customer-managed key and deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IncidentStoreKey'), 'Arn'] } },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byStatus',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'bySeverity',
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    });
  });

  it('is encrypted by a key that rotates and survives the stack', () => {
    const keys = Object.values(resources).filter((r) => r.Type === 'AWS::KMS::Key');
    expect(keys.length).toBe(3); // table, topic, log groups
    for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
      expect(key).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    }
  });
});

describe('notifications', () => {
  it('encrypts the topic with a customer-managed key and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes each configured endpoint with a filter policy on severity, playbook and event', () => {
    const { template: withSubscriptions } = synthFirebreak({
      config: {
        notifications: {
          subscriptions: [
            { protocol: 'email', endpoint: 'soc@example.com', filter: { severity: ['CRITICAL'], playbook: ['credential-compromise'] } },
            { protocol: 'https', endpoint: 'https://hooks.example.com/firebreak' },
            { protocol: 'sms', endpoint: '+15555550100', filter: { event: ['escalation', 'approval_timeout'] } },
          ],
        },
      },
    });
    withSubscriptions.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      FilterPolicy: { event: ['escalation', 'approval_timeout'] },
    });

    withSubscriptions.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'soc@example.com',
      FilterPolicy: { severity: ['CRITICAL'], playbook: ['credential-compromise'] },
    });
    withSubscriptions.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/firebreak',
      FilterPolicy: Match.absent(),
    });
  });
});

describe('functions', () => {
  it('run Node.js 22 on arm64 with active tracing, JSON logs to their own encrypted group and an async DLQ', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    expect(functions.map(([, fn]) => (fn as { Properties: { Environment: { Variables: { FIREBREAK_FUNCTION: string } } } }).Properties.Environment.Variables.FIREBREAK_FUNCTION).sort()).toEqual(
      [...FUNCTION_KINDS].sort(),
    );
    for (const [, fn] of functions) {
      expect(fn).toMatchObject({
        Properties: {
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
          DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] } },
          LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/Logs/) } },
          Environment: {
            Variables: {
              INCIDENT_TABLE_NAME: { Ref: expect.stringMatching(/^IncidentStoreTable/) },
              FIREBREAK_CONFIG: '{}',
              POWERTOOLS_SERVICE_NAME: 'firebreak',
              AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
            },
          },
        },
      });
    }
    for (const kind of FUNCTION_KINDS) functionOf(kind);
  });

  it('give containment two minutes (rate-limited control-plane calls), the others 30 seconds', () => {
    for (const kind of FUNCTION_KINDS) {
      expect(resources[functionOf(kind)]!.Properties.Timeout, kind).toBe(kind === 'act' ? 120 : 30);
    }
  });

  it('retain logs as long as retentionDays asks, rounded up to a CloudWatch period, encrypted with the log key', () => {
    const { template: ninetyOne } = synthFirebreak({ config: { retentionDays: 91 } });

    ninetyOne.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 120,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogEncryptionKey'), 'Arn'] },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('send failed async invocations to encrypted, TLS-only queues after two retries', () => {
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const retries = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).map(
      (config) => [(config as { Properties: { FunctionName: { Ref: string }; MaximumRetryAttempts: number } }).Properties.FunctionName.Ref, config.Properties.MaximumRetryAttempts],
    );
    // The approval endpoint is only ever invoked synchronously (its URL): nothing to retry.
    expect(retries.sort()).toEqual(
      FUNCTION_KINDS.map((kind) => [functionOf(kind), kind === 'approve' ? 0 : 2]).sort(),
    );
  });

  it('give detect the playbook ARNs as JSON, the ARNs of the very state machines it depends on', () => {
    const detectId = functionOf('detect');
    const intrinsics = new TemplateIntrinsics(template.toJSON() as CloudFormationTemplate, { region: 'eu-west-1', accountId: '123456789012' });
    const variables = intrinsics.resolve((resources[detectId]!.Properties.Environment as { Variables: unknown }).Variables) as Record<string, string>;
    const [machineId] = logicalIds(template, 'AWS::StepFunctions::StateMachine');

    expect(JSON.parse(variables.PLAYBOOK_ARNS!)).toEqual({
      'credential-compromise': 'arn:aws:states:eu-west-1:123456789012:stateMachine:Firebreak-credential-compromise',
    });
    expect(intrinsics.resolve({ Ref: machineId })).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:Firebreak-credential-compromise');
    expect((template.toJSON().Resources[detectId] as { DependsOn: string[] }).DependsOn).toContain(machineId);
  });
});

describe('least privilege', () => {
  const TABLE_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

  it('grants table access item by item on the table and its two indexes, never Scan or table-wide actions', () => {
    for (const kind of FUNCTION_KINDS) {
      const dynamo = statementsOf(functionOf(kind)).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
      expect(dynamo, kind).toHaveLength(1);
      expect(actions(dynamo[0]!).sort(), kind).toEqual([...TABLE_ITEM_ACTIONS].sort());
      expect(JSON.stringify(dynamo[0]!.Resource)).toMatch(/IncidentStoreTable.*\/index\/byStatus.*\/index\/bySeverity/);
    }
    expect(JSON.stringify(template.toJSON())).not.toMatch(/dynamodb:\*|dynamodb:Scan/);
  });

  it('lets detect invoke only the notify function, by its unqualified ARN, named in its environment', () => {
    const invokes = statementsOf(functionOf('detect')).filter((s) => actions(s).includes('lambda:InvokeFunction'));
    const variables = (resources[functionOf('detect')]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(invokes).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [functionOf('notify'), 'Arn'] } }]);
    expect(variables.NOTIFY_FUNCTION_NAME).toEqual({ Ref: functionOf('notify') });
  });

  it('lets detect start only the playbook state machines', () => {
    const starts = statementsOf(functionOf('detect')).filter((s) => actions(s).some((a) => a.startsWith('states:')));
    expect(starts).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^PlaybookCredentialCompromiseStateMachine/) } },
    ]);
  });

  it('builds the act policy from the permissions the registered actions declare, and nothing else outside the basics', () => {
    const statements = statementsOf(functionOf('act'));
    const containment = statements.filter((s) => s.Sid?.startsWith('Containment'));
    expect(containment.map((s) => ({ actions: actions(s).sort(), resources: [s.Resource].flat(), conditions: s.Condition }))).toEqual(
      actionPermissions().map((p) => ({ actions: [...p.actions].sort(), resources: [...(p.resources ?? ['*'])], conditions: p.conditions })),
    );
    const other = statements.filter((s) => !s.Sid?.startsWith('Containment')).flatMap(actions);
    expect(other.filter((a) => !/^(logs|sqs|xray|dynamodb|kms):/.test(a))).toEqual([]);
  });

  it('lets only the notifying functions publish, to the one topic', () => {
    for (const kind of ['detect', 'act', 'record', 'approve']) {
      expect(statementsOf(functionOf(kind)).flatMap(actions), kind).not.toContain('sns:Publish');
    }
    for (const kind of ['notify', 'approval-request', 'sla']) {
      expect(statementsOf(functionOf(kind)), kind).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^NotificationsTopic/) } });
    }
  });

  it('lets only the approval endpoint answer waiting tasks, on the playbook state machines by name', () => {
    const answering = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement)
      .filter((s) => actions(s).some((a) => a.startsWith('states:SendTask')));

    expect(answering).toHaveLength(1);
    expect(statementsOf(functionOf('approve'))).toContainEqual(answering[0]);
    expect(actions(answering[0]!).sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess']);
    expect(JSON.stringify(answering[0]!.Resource)).toContain(':stateMachine:Firebreak-credential-compromise');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'Firebreak-credential-compromise' });
  });

  it('lets approval-request and the endpoint read the link-signing secret, and nobody else', () => {
    const readers = FUNCTION_KINDS.filter((kind) => statementsOf(functionOf(kind)).flatMap(actions).includes('secretsmanager:GetSecretValue'));

    expect(readers.sort()).toEqual(['approval-request', 'approve']);
  });

  it('never grants an action wildcard', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const all = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap(actions);
    expect(all.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });
});

describe('playbook state machine', () => {
  it('is a Standard workflow logging ALL (without execution data) to an encrypted group, with X-Ray tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlaybookCredentialCompromiseLogs'), 'Arn'] } } }],
      },
    });
  });
});

describe('approval endpoint and SLA sweep', () => {
  it('serves the approval endpoint from a Function URL whose protection is in the handler (signed, single-use POST)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [functionOf('approve'), 'Arn'] },
    });
    const approvalRequest = resources[functionOf('approval-request')]!;
    expect((approvalRequest.Properties.Environment as { Variables: Record<string, unknown> }).Variables.APPROVAL_URL).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ApprovalsEndpointFunctionFunctionUrl/), 'FunctionUrl'],
    });
  });

  it('runs the SLA sweep on a schedule a third of the tightest response target, with retries and a DLQ', () => {
    const { template: tight } = synthFirebreak({ config: { responseTimeTarget: { critical: '6m' } } });

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionOf('sla'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SlaDeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
    tight.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });
});

describe('dead-letter queues', () => {
  it('each raise an alarm to the notifications topic as soon as one event waits there', () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];

    expect(queues).toHaveLength(FUNCTION_KINDS.length + 1);
    expect(alarms.map((a) => (a.Properties.Dimensions as { Value: { 'Fn::GetAtt': [string, string] } }[])[0]!.Value['Fn::GetAtt'][0]).sort()).toEqual(queues.sort());
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^NotificationsTopic/) }],
      });
    }
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        ]),
      },
    });
  });
});

describe('outputs', () => {
  it('names the table, the topic and the state machines for the CLI', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[STACK_OUTPUTS.incidentTableName]?.Value).toEqual({ Ref: expect.stringMatching(/^IncidentStoreTable/) });
    expect(outputs[STACK_OUTPUTS.notificationTopicArn]?.Value).toEqual({ Ref: expect.stringMatching(/^NotificationsTopic/) });
    expect(JSON.stringify(outputs[STACK_OUTPUTS.playbookStateMachineArns]?.Value)).toContain('credential-compromise');
    expect(outputs[STACK_OUTPUTS.approvalUrl]?.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApprovalsEndpointFunctionFunctionUrl/), 'FunctionUrl'] });
  });
});

describe('playbook definitions', () => {
  it('fail synth when a step names an action the registry does not have', () => {
    const typo = { ...TEST_PLAYBOOK, steps: [{ name: 'Deactivate', actionId: 'iam/deactivate-acess-key' }] };

    expect(() => synthFirebreak({ playbooks: [typo] })).toThrow(
      /playbooks name unregistered actions: credential-compromise\.Deactivate: unknown action 'iam\/deactivate-acess-key' \(registered: .*iam\/deactivate-access-key/,
    );
  });

  it('fail synth naming the field when a definition is invalid', () => {
    const bad = { ...TEST_PLAYBOOK, approvalTimeoutSeconds: 5 };

    expect(() => synthFirebreak({ playbooks: [bad] })).toThrow(
      'invalid playbook definition credential-compromise: approvalTimeoutSeconds: Too small: expected number to be >=60',
    );
  });
});
