import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BreakerAdmission, CircuitBreaker, CircuitBreakerConfig } from '../core/routing/circuit-breaker-policy.js';

/*
 * Item family of containment in the single table (pk / sk):
 *   BREAKER#<accountId> / WINDOW#<window start, epoch s>   `members` (string set of admitted containment keys), TTL expiresAt
 * One item per account and fixed window. Admission is one conditional ADD to the set: atomic under concurrency, and
 * idempotent for a key already admitted (a re-delivered finding does not count twice).
 */

const breakerPk = (accountId: string) => `BREAKER#${accountId}`;
const windowSk = (startEpoch: number) => `WINDOW#${startEpoch}`;

export class CircuitBreakerStore implements CircuitBreaker {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly config: CircuitBreakerConfig,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private window(): { start: number; end: number } {
    const now = Math.floor(this.clock().getTime() / 1000);
    const start = now - (now % this.config.window);
    return { start, end: start + this.config.window };
  }

  /** Admits `key` (an incident id) as one more automatic containment of the account, unless the window is full. */
  async admit(accountId: string, key: string): Promise<BreakerAdmission> {
    const { start, end } = this.window();
    const limit = this.config.maxAutomaticContainments;
    const iso = (epoch: number) => new Date(epoch * 1000).toISOString();
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: breakerPk(accountId), sk: windowSk(start) },
          UpdateExpression: 'ADD #members :key SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#members) OR size(#members) < :limit OR contains(#members, :member)',
          ExpressionAttributeNames: { '#members': 'members', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':key': new Set([key]), ':member': key, ':limit': limit, ':expiresAt': end + this.config.window },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = result.Attributes?.members as Set<string> | undefined;
      const newlyAdmitted = !before?.has(key);
      return { admitted: true, count: (before?.size ?? 0) + (newlyAdmitted ? 1 : 0), limit, windowStart: iso(start), windowEnd: iso(end), newlyAdmitted };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) && (error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return { admitted: false, count: await this.count(accountId), limit, windowStart: iso(start), windowEnd: iso(end) };
    }
  }

  /** Removes `key` from the window it was admitted in (a no-op once that window is over or the key is gone). */
  async release(accountId: string, key: string, admission: BreakerAdmission): Promise<void> {
    if (!admission.admitted || !admission.newlyAdmitted) return;
    const start = Math.floor(Date.parse(admission.windowStart) / 1000);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: breakerPk(accountId), sk: windowSk(start) },
        UpdateExpression: 'DELETE #members :key',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#members': 'members' },
        ExpressionAttributeValues: { ':key': new Set([key]) },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException) && (error as Error).name !== 'ConditionalCheckFailedException') throw error;
    });
  }

  /** Automatic containments admitted for the account in the current window. */
  async count(accountId: string): Promise<number> {
    const { start } = this.window();
    const item = (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: breakerPk(accountId), sk: windowSk(start) }, ConsistentRead: true }))).Item;
    return (item?.members as Set<string> | undefined)?.size ?? 0;
  }
}
