import { describe, expect, it } from 'vitest';
import { TemplateIntrinsics, type CloudFormationTemplate } from '../../../lib/local/template-intrinsics.js';

// Ref/GetAtt as CloudFormation documents them per resource type: the local runtime must see the same strings a deployed
// stack's functions see in their environment.
const template: CloudFormationTemplate = {
  Resources: {
    DetectFn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Named: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'firebreak-notify' } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'Firebreak-credential-compromise' } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
  },
};
const intrinsics = new TemplateIntrinsics(template, { region: 'eu-west-1', accountId: '111122223333' });

describe('TemplateIntrinsics', () => {
  it.each([
    [{ Ref: 'Table' }, 'Table'],
    [{ Ref: 'Named' }, 'firebreak-notify'],
    [{ Ref: 'Topic' }, 'arn:aws:sns:eu-west-1:111122223333:Topic'],
    [{ Ref: 'Secret' }, 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:Secret'],
    [{ Ref: 'Machine' }, 'arn:aws:states:eu-west-1:111122223333:stateMachine:Firebreak-credential-compromise'],
    [{ Ref: 'Queue' }, 'https://sqs.eu-west-1.amazonaws.com/111122223333/Queue'],
    [{ 'Fn::GetAtt': ['DetectFn', 'Arn'] }, 'arn:aws:lambda:eu-west-1:111122223333:function:DetectFn'],
    [{ 'Fn::GetAtt': ['Table', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:111122223333:table/Table'],
    [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'AWS::Region' }]] }, 'arn:aws:s3:::eu-west-1'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Named}' }, 'arn:aws:iam::111122223333:role/firebreak-notify'],
    [{ 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }, 'b'],
  ])('resolves %j', (value, expected) => {
    // Act
    const resolved = intrinsics.resolve(value);
    // Assert
    expect(resolved).toBe(expected);
  });

  it('resolves intrinsics nested in objects and arrays, leaving plain values alone', () => {
    expect(intrinsics.resolve({ env: { TABLE: { Ref: 'Table' }, N: 3 }, list: [{ Ref: 'AWS::AccountId' }, 'x'] })).toEqual({
      env: { TABLE: 'Table', N: 3 },
      list: ['111122223333', 'x'],
    });
  });

  it('names what it cannot resolve', () => {
    expect(() => intrinsics.resolve({ Ref: 'Nope' })).toThrow("template has no resource 'Nope'");
    expect(() => intrinsics.resolve({ 'Fn::ImportValue': 'x' })).toThrow('cannot resolve intrinsic Fn::ImportValue locally');
    expect(() => intrinsics.resolve({ 'Fn::GetAtt': ['Table', 'StreamLabel'] })).toThrow(/Fn::GetAtt Table.StreamLabel/);
  });
});
