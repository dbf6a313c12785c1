import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { RefusedError } from '../core/errors.js';
import { approvalKeyOf, newApprovalId } from '../core/incidents/approval-link.js';
import { incidentPk } from './incident-repository.js';

/*
 * Item families (single table):
 *   APPROVAL#<sha256(approvalId)> / REQUEST       the pending decision: task token, incident, step, validUntil; TTL a week later
 *   INCIDENT#<id> / APPROVAL#<requestedAt>#<key16> pointer so `firebreak approve <incident>` finds it (no GSI, no scan)
 * The task token lives only in the REQUEST item. Single use: the decision is a conditional update `status = pending`.
 */

/** `superseded`: a newer request for the same incident and step replaced it (a retried gate gets a new task token). */
export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'rejected', 'failed', 'superseded']);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

export const ApprovalRecordSchema = z.object({
  approvalKey: z.string(),
  incidentId: z.string(),
  step: z.string(),
  taskToken: z.string(),
  status: ApprovalStatusSchema,
  requestedAt: z.string(),
  /** Epoch seconds. */
  validUntil: z.number().int(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  reason: z.string().optional(),
  /** web (the signed link) or cli (IAM credentials). */
  channel: z.string().optional(),
  failure: z.string().optional(),
  /** Reference (first characters of the key) of the request that replaced this one. */
  supersededBy: z.string().optional(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecordSchema>;

/** Why an approval was refused; stable codes for logs, the timeline and the HTTP status. */
export type ApprovalRefusal = 'unknown' | 'already_decided' | 'superseded' | 'expired' | 'bad_signature' | 'malformed';

export class ApprovalRefusedError extends RefusedError {
  constructor(
    readonly refusal: ApprovalRefusal,
    message: string,
    readonly record?: ApprovalRecord,
  ) {
    super(message);
  }
}

const REQUEST_SK = 'REQUEST';
const approvalPk = (approvalKey: string) => `APPROVAL#${approvalKey}`;
const KEEP_AFTER_EXPIRY_SECONDS = 7 * 86_400;

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export class ApprovalStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Stores a new pending approval; returns the opaque id (shown once, in the link) and the record. */
  async create(input: { incidentId: string; step: string; taskToken: string; validUntil: number }): Promise<{ approvalId: string; record: ApprovalRecord }> {
    const approvalId = newApprovalId();
    const record: ApprovalRecord = ApprovalRecordSchema.parse({
      approvalKey: approvalKeyOf(approvalId),
      incidentId: input.incidentId,
      step: input.step,
      taskToken: input.taskToken,
      status: 'pending',
      requestedAt: this.clock().toISOString(),
      validUntil: input.validUntil,
    });
    const expiresAt = input.validUntil + KEEP_AFTER_EXPIRY_SECONDS;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: approvalPk(record.approvalKey), sk: REQUEST_SK, ...record, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: incidentPk(input.incidentId),
          sk: `APPROVAL#${record.requestedAt}#${record.approvalKey.slice(0, 16)}`,
          approvalKey: record.approvalKey,
          step: record.step,
          validUntil: record.validUntil,
          expiresAt,
        },
      }),
    );
    return { approvalId, record };
  }

  async get(approvalKey: string): Promise<ApprovalRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: approvalPk(approvalKey), sk: REQUEST_SK }, ConsistentRead: true }),
    );
    return result.Item ? ApprovalRecordSchema.parse(result.Item) : undefined;
  }

  /** Every approval ever requested for an incident, oldest first. */
  async forIncident(incidentId: string): Promise<ApprovalRecord[]> {
    const pointers = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': 'APPROVAL#' },
        ConsistentRead: true,
      }),
    );
    const records = await Promise.all((pointers.Items ?? []).map((item) => this.get(String(item.approvalKey))));
    return records.filter((record): record is ApprovalRecord => record !== undefined);
  }

  /** Pending and not expired, optionally for one step. */
  async pendingForIncident(incidentId: string, step?: string): Promise<ApprovalRecord[]> {
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    return (await this.forIncident(incidentId)).filter(
      (record) => record.status === 'pending' && record.validUntil > nowSeconds && (step === undefined || record.step === step),
    );
  }

  /**
   * Records the decision exactly once: conditional on `pending` and not expired. A second decision (replay), an expired or an
   * unknown approval throws ApprovalRefusedError naming why. Returns the record with the task token to answer.
   */
  async decide(
    approvalKey: string,
    decision: { status: 'approved' | 'rejected'; by: string; reason?: string; channel: string },
  ): Promise<ApprovalRecord> {
    const now = this.clock();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: approvalPk(approvalKey), sk: REQUEST_SK },
          UpdateExpression: 'SET #status = :decision, decidedBy = :by, decidedAt = :at, channel = :channel' + (decision.reason ? ', reason = :reason' : ''),
          ConditionExpression: 'attribute_exists(pk) AND #status = :pending AND validUntil > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':decision': decision.status,
            ':by': decision.by,
            ':at': now.toISOString(),
            ':channel': decision.channel,
            ':pending': 'pending',
            ':now': nowSeconds,
            ...(decision.reason ? { ':reason': decision.reason } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return ApprovalRecordSchema.parse(result.Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // dynalite does not return the item on a failed condition: read it to say why.
      const record = await this.get(approvalKey);
      if (!record) throw new ApprovalRefusedError('unknown', 'no such approval');
      if (record.status === 'superseded') {
        throw new ApprovalRefusedError('superseded', 'this approval request was replaced by a newer one for the same step: use the latest link or `firebreak approve`', record);
      }
      if (record.status !== 'pending') {
        throw new ApprovalRefusedError('already_decided', `this approval was already used (${record.status} by ${record.decidedBy ?? 'unknown'} at ${record.decidedAt ?? '?'})`, record);
      }
      throw new ApprovalRefusedError('expired', `this approval expired at ${new Date(record.validUntil * 1000).toISOString()}`, record);
    }
  }

  /**
   * Undoes a decision whose delivery to Step Functions failed transiently (throttling, network), so the responder can retry.
   * Conditional on our own decision still being the stored one.
   */
  async revert(approvalKey: string, decidedAt: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: approvalPk(approvalKey), sk: REQUEST_SK },
          UpdateExpression: 'SET #status = :pending REMOVE decidedBy, decidedAt, reason, channel',
          ConditionExpression: 'decidedAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':at': decidedAt },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /**
   * Retires a pending request that a newer one for the same incident and step replaces. Conditional on `pending`: a
   * request decided meanwhile keeps its decision. `by` is the newer request's reference. Returns whether this call
   * retired it.
   */
  async supersede(approvalKey: string, by: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: approvalPk(approvalKey), sk: REQUEST_SK },
          UpdateExpression: 'SET #status = :superseded, supersededBy = :by',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':superseded': 'superseded', ':pending': 'pending', ':by': by },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  /** The decision could not be delivered to Step Functions (execution timed out or stopped). */
  async markFailed(approvalKey: string, failure: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: approvalPk(approvalKey), sk: REQUEST_SK },
        UpdateExpression: 'SET #status = :failed, failure = :failure',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':failure': failure.slice(0, 500) },
      }),
    );
  }
}
