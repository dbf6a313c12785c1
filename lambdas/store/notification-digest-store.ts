import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { incidentPk } from './incident-repository.js';

/*
 * Burst aggregation of notifications, one item per incident and event kind:
 *   INCIDENT#<id> / DIGEST#<event>   lastSentAt (epoch ms), suppressed (count held back since), TTL
 * The first notification of a kind goes out; repeats within the window are counted, not sent, and the next one that goes out
 * says how many it stands for.
 */

export type DigestDecision = { send: true; suppressedSinceLast: number } | { send: false; suppressedSoFar: number };

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export class NotificationDigestStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async admit(incidentId: string, event: string, windowSeconds: number): Promise<DigestDecision> {
    const nowMs = this.clock().getTime();
    const key = { pk: incidentPk(incidentId), sk: `DIGEST#${event}` };
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET lastSentAt = :now, suppressed = :zero, expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(lastSentAt) OR lastSentAt <= :cutoff',
          ExpressionAttributeValues: {
            ':now': nowMs,
            ':zero': 0,
            ':cutoff': nowMs - windowSeconds * 1000,
            ':exp': Math.floor(nowMs / 1000) + Math.max(windowSeconds, 86_400),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { send: true, suppressedSinceLast: Number(result.Attributes?.suppressed ?? 0) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const counted = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD suppressed :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { send: false, suppressedSoFar: Number(counted.Attributes?.suppressed ?? 1) };
  }
}
