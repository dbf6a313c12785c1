import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CorrelationWindowStore, WindowObservation } from '../core/rules/correlation-window.js';

/**
 * Sigma correlation state on the shared table.
 *
 * Item family (owner: detection):
 *   pk = `CORR#<correlation rule>#<group-by values>`   sk = `M#<member>` (a time bucket, a distinct value or a rule name)
 *   count (N, ADD), lastSeenMs (N), expiresAt (N, epoch seconds: the table's TTL attribute)
 * One UpdateItem per observation and one Query on the window's partition to read it back: no scans, and every item
 * expires through TTL a window or two after its last observation.
 */
export const CORRELATION_PK_PREFIX = 'CORR#';

export class DynamoCorrelationWindowStore implements CorrelationWindowStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(key: string, member: string, atMs: number, ttlSeconds: number, count = 1): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `${CORRELATION_PK_PREFIX}${key}`, sk: `M#${member}` },
        // Last writer wins on lastSeenMs: CloudTrail delivers roughly in order, and a late event only shortens how long
        // its member counts, by at most the delivery delay.
        UpdateExpression: 'ADD #count :n SET lastSeenMs = :at, expiresAt = :expires',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':n': count, ':at': atMs, ':expires': Math.ceil(atMs / 1000) + ttlSeconds },
      }),
    );
  }

  async read(key: string, sinceMs: number): Promise<WindowObservation[]> {
    const pk = `${CORRELATION_PK_PREFIX}${key}`;
    const out: WindowObservation[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          FilterExpression: 'lastSeenMs >= :since',
          ExpressionAttributeValues: { ':pk': pk, ':m': 'M#', ':since': sinceMs },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({ member: String(item.sk).slice(2), count: Number(item.count ?? 0), lastSeenMs: Number(item.lastSeenMs ?? 0) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  async observe(key: string, member: string, atMs: number, sinceMs: number, ttlSeconds: number): Promise<WindowObservation[]> {
    await this.add(key, member, atMs, ttlSeconds);
    return this.read(key, sinceMs);
  }
}
