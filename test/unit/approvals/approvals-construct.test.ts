import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Approvals } from '../../../lib/approvals.js';
import { configFromObject } from '../../../lib/config.js';
import { IncidentStore } from '../../../lib/incident-store.js';
import { ResponderFunction } from '../../../lib/responder-function.js';

function synth() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'ApprovalsTest', { env: { account: '111122223333', region: 'us-east-1' } });
  const config = configFromObject({});
  const incidentStore = new IncidentStore(stack, 'IncidentStore');
  const approvalRequest = new ResponderFunction(stack, 'ApprovalRequest', {
    kind: 'approval-request',
    config,
    incidentTableName: incidentStore.table.tableName,
  });
  const approvals = new Approvals(stack, 'Approvals', { config, incidentStore, approvalRequest });
  const playbook = new sfn.StateMachine(stack, 'Playbook', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Noop')) });
  approvals.grantTaskResponse(playbook);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const template = Template.fromStack(stack);
  return { stack, template, approvals };
}

const ref = (logicalIdPrefix: string) => Match.objectLike({ Ref: Match.stringLikeRegexp(`^${logicalIdPrefix}`) });

describe('Approvals construct', () => {
  const { stack, template } = synth();

  it('serves the approve handler through a Function URL, throttled, with the signing secret by ARN only', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 5,
      Environment: { Variables: Match.objectLike({ FIREBREAK_FUNCTION: 'approve', APPROVAL_SIGNING_SECRET_ARN: ref('ApprovalsSigningSecret') }) },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('gives the approval-request function the endpoint URL and the secret to sign links', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          FIREBREAK_FUNCTION: 'approval-request',
          APPROVAL_URL: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApprovalsEndpointFunctionFunctionUrl'), 'FunctionUrl'] },
          APPROVAL_SIGNING_SECRET_ARN: ref('ApprovalsSigningSecret'),
        }),
      },
    });
  });

  it('lets the endpoint answer task tokens of the playbook it was granted, and read its secret', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('states:SendTaskSuccess');
    expect(policies).toContain('states:SendTaskFailure');
    expect(policies).toContain('secretsmanager:GetSecretValue');
    expect(policies).not.toContain('dynamodb:Scan');
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement reasoned', () => {
    const annotations = Annotations.fromStack(stack);
    const errors = annotations.findError('*', Match.anyValue()).map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
    const warnings = annotations.findWarning('*', Match.anyValue()).map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
    expect(errors.filter((line) => !line.includes('/Playbook'))).toEqual([]);
    expect(warnings.filter((line) => !line.includes('/Playbook'))).toEqual([]);
  });
});
