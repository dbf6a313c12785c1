import { UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DryRunAwsClients } from '../../../lib/local/dry-run-aws-clients.js';
import { startEmbeddedDynamoDb, tableDefinitionsFromTemplate, type EmbeddedDynamoDb } from '../../../lib/local/embedded-dynamodb.js';
import type { CloudFormationTemplate } from '../../../lib/local/template-intrinsics.js';

// The table as the stack declares it (INTERFACES.md): pk/sk, byStatus and bySeverity GSIs, plus deploy-time settings that
// CreateTable does not take.
const TEMPLATE: CloudFormationTemplate = {
  Resources: {
    IncidentTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexes: [
          { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
  },
};
const TARGET = { accountId: '111122223333', region: 'eu-west-1' };

let dynamoDb: EmbeddedDynamoDb;
beforeAll(async () => {
  dynamoDb = await startEmbeddedDynamoDb({ region: 'us-east-1', definitions: Object.values(tableDefinitionsFromTemplate(TEMPLATE)) });
});
afterAll(async () => {
  await dynamoDb.stop();
});

const newClients = () => new DryRunAwsClients({ dynamoDb, homeRegion: 'us-east-1', accountId: '123456789012', clock: () => new Date('2026-11-25T16:00:00Z') });

describe('tableDefinitionsFromTemplate', () => {
  it('carries keys and indexes over, and leaves deploy-time settings out', () => {
    const [definition] = Object.values(tableDefinitionsFromTemplate(TEMPLATE));
    expect(definition).toEqual({
      TableName: 'IncidentTable',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: TEMPLATE.Resources.IncidentTable!.Properties!.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      ],
    });
  });
});

describe('DryRunAwsClients', () => {
  it('sends DynamoDB to the embedded table for real', async () => {
    // Prepare
    const clients = newClients();
    // Act
    await clients.documentClient().send(new PutCommand({ TableName: 'IncidentTable', Item: { pk: 'INCIDENT#1', sk: 'META', title: 'x' } }));
    const read = await clients.documentClient().send(new GetCommand({ TableName: 'IncidentTable', Key: { pk: 'INCIDENT#1', sk: 'META' } }));
    // Assert
    expect(read.Item?.title).toBe('x');
    expect(clients.calls).toEqual([]);
  });

  it('records a control-plane call with its exact params and target and answers it without AWS', async () => {
    // Prepare
    const clients = newClients();
    // Act
    const answer = await clients.get('iam', TARGET).send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' }));
    // Assert
    expect(answer.$metadata).toEqual({});
    expect(clients.calls).toEqual([
      { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' }, target: TARGET, at: '2026-11-25T16:00:00.000Z' },
    ]);
  });

  it('keeps an SNS Publish as a notification with its message attributes', async () => {
    // Prepare
    const clients = newClients();
    // Act
    const published = await clients.get('sns', TARGET).send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t', Subject: 'Contained', Message: 'body', MessageAttributes: { severity: { DataType: 'String', StringValue: 'HIGH' } } }),
    );
    // Assert
    expect(published.MessageId).toEqual(expect.any(String));
    expect(clients.notifications).toEqual([
      { topicArn: 'arn:aws:sns:eu-west-1:111122223333:t', subject: 'Contained', message: 'body', attributes: { severity: 'HIGH' }, at: '2026-11-25T16:00:00.000Z' },
    ]);
  });

  it('routes a service to a registered responder, and records binary payloads as text', async () => {
    // Prepare
    const clients = newClients();
    clients.respond('sfn', (operation, params) => (operation === 'StartExecution' ? { executionArn: `${params.stateMachineArn}:run` } : undefined));
    // Act
    const started = await clients.get('sfn', TARGET).send(new StartExecutionCommand({ stateMachineArn: 'arn:sm', input: '{}' }));
    await clients.get('lambda', TARGET).send(new InvokeCommand({ FunctionName: 'notify', Payload: new TextEncoder().encode('{"a":1}') }));
    // Assert
    expect(started.executionArn).toBe('arn:sm:run');
    expect(clients.calls.map((call) => [call.operation, call.params])).toEqual([
      ['StartExecution', { stateMachineArn: 'arn:sm', input: '{}' }],
      ['Invoke', { FunctionName: 'notify', Payload: '{"a":1}' }],
    ]);
  });

  it('serves a stable local secret from Secrets Manager (approval link signing)', async () => {
    const clients = newClients();
    const first = await clients.get('secretsManager', TARGET).send(new GetSecretValueCommand({ SecretId: 'signing' }));
    const second = await clients.get('secretsManager', TARGET).send(new GetSecretValueCommand({ SecretId: 'signing' }));
    expect(first.SecretString).toMatch(/^[0-9a-f]{64}$/);
    expect(second.SecretString).toBe(first.SecretString);
  });
});
