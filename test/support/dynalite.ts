import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createActiveTable, startEmbeddedDynamoDb } from '../../lib/local/embedded-dynamodb.js';

/**
 * An in-process dynalite (the local runtime's own, lib/local/embedded-dynamodb.ts) with Firebreak's single table (keys and GSIs exactly as INTERFACES.md), for tests that need
 * real conditional writes and GSI queries. Each call gets its own server on a random port, so test files stay independent.
 */
export interface TestTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** A fresh table on the same server (isolation between tests without a new server). */
  createTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let tableCounter = 0;

/** The table definition Firebreak's infrastructure creates (pk/sk, byStatus, bySeverity). */
export function incidentTableDefinition(tableName: string) {
  const gsi = (name: string, pk: string, sk: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: pk, KeyType: 'HASH' as const },
      { AttributeName: sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [gsi('byStatus', 'gsi1pk', 'gsi1sk'), gsi('bySeverity', 'gsi2pk', 'gsi2sk')],
  };
}

export async function startTestTable(options: { tableName?: string } = {}): Promise<TestTable> {
  const dynamo = await startEmbeddedDynamoDb();
  const client = dynamo.client();
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const createTable = async (name = `firebreak-test-${++tableCounter}`) => {
    await createActiveTable(client, incidentTableDefinition(name));
    return name;
  };
  const tableName = await createTable(options.tableName ?? 'firebreak-incidents');
  return { endpoint: dynamo.endpoint, tableName, client, doc, createTable, stop: () => dynamo.stop() };
}
