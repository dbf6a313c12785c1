import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * An in-process dynalite with Firebreak's single table (keys and GSIs exactly as INTERFACES.md), for tests that need
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

const require = createRequire(import.meta.url);
type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

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
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKEFAKEFAKE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const createTable = async (name = `firebreak-test-${++tableCounter}`) => {
    await client.send(new CreateTableCommand(incidentTableDefinition(name)));
    return name;
  };
  const tableName = await createTable(options.tableName ?? 'firebreak-incidents');
  return {
    endpoint,
    tableName,
    client,
    doc,
    createTable,
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
