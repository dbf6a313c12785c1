import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../../lambdas/core/errors.js';
import type { CloudFormationTemplate } from './template-intrinsics.js';

/**
 * DynamoDB for the local runtime: dynalite (pure JS, in-process) on a random port of 127.0.0.1, with the tables the
 * synthesized template declares (keys, GSIs, LSIs) — so local runs exercise the same conditional writes and index queries
 * the deployed table serves. dynalite has no TTL expiry or transactions (see TESTING.md); Firebreak uses neither at runtime.
 */
export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  readonly region: string;
  /** Table name by logical id, as created. */
  readonly tables: Readonly<Record<string, string>>;
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const require = createRequire(import.meta.url);

/** dynalite accepts any credentials; a fresh object per client (the SDK annotates the object it is given). */
export const localCredentials = () => ({ accessKeyId: 'AKIALOCALFIREBREAK00', secretAccessKey: 'local' });

/**
 * CreateTable, then wait until the table is ACTIVE. dynalite answers CreateTable while the table is still CREATING (it turns
 * ACTIVE on a timer after its own asynchronous writes), and a request in between fails with ResourceNotFoundException: on a
 * loaded machine that happens, so nobody may use a table before this returns.
 */
export async function createActiveTable(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(definition));
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new ValidationError(`local DynamoDB table ${definition.TableName} did not become ACTIVE`);
}

export async function startEmbeddedDynamoDb(options: { region?: string; definitions?: readonly CreateTableCommandInput[] } = {}) {
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const region = options.region ?? 'us-east-1';
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const created = new DynamoDBClient({ endpoint, region, credentials: localCredentials(), maxAttempts: 1 });
    clients.push(created);
    return created;
  };
  const admin = client();
  for (const definition of options.definitions ?? []) await createActiveTable(admin, definition);
  const tables = Object.fromEntries((options.definitions ?? []).map((definition) => [definition.TableName, definition.TableName]));
  return {
    endpoint,
    region,
    tables,
    client,
    async stop() {
      for (const created of clients) created.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } satisfies EmbeddedDynamoDb;
}

/**
 * CreateTable requests for every AWS::DynamoDB::Table of a synthesized template, keyed by logical id. Only what CreateTable
 * takes is carried over (keys, attribute definitions, indexes, billing); PITR, SSE and TTL are deploy-time settings dynalite
 * does not model. The table is named after its logical id (or its TableName), as TemplateIntrinsics names it.
 */
export function tableDefinitionsFromTemplate(template: CloudFormationTemplate): Record<string, CreateTableCommandInput> {
  const definitions: Record<string, CreateTableCommandInput> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table' && resource.Type !== 'AWS::DynamoDB::GlobalTable') continue;
    const properties = resource.Properties ?? {};
    if (!Array.isArray(properties.KeySchema) || !Array.isArray(properties.AttributeDefinitions)) {
      throw new ValidationError(`table ${logicalId} has no KeySchema/AttributeDefinitions in the template`);
    }
    const indexes = (list: unknown) =>
      Array.isArray(list)
        ? list.map((index: Record<string, unknown>) => ({
            IndexName: index.IndexName as string,
            KeySchema: index.KeySchema as CreateTableCommandInput['KeySchema'],
            Projection: index.Projection as { ProjectionType: 'ALL' },
          }))
        : undefined;
    const gsis = indexes(properties.GlobalSecondaryIndexes);
    const lsis = indexes(properties.LocalSecondaryIndexes);
    definitions[logicalId] = {
      TableName: typeof properties.TableName === 'string' ? properties.TableName : logicalId,
      KeySchema: properties.KeySchema as CreateTableCommandInput['KeySchema'],
      AttributeDefinitions: properties.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
      BillingMode: 'PAY_PER_REQUEST',
      ...(gsis ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(lsis ? { LocalSecondaryIndexes: lsis } : {}),
    };
  }
  return definitions;
}
