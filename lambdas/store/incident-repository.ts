import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { PlaybookMode } from '../core/config/firebreak-config.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { Finding, SeverityLabel } from '../core/findings/finding.js';
import {
  ActionRecordSchema,
  IncidentSchema,
  IncidentStatusSchema,
  TimelineEntrySchema,
  type ActionRecord,
  type Incident,
  type IncidentStatus,
  type TimelineEntry,
} from '../core/incidents/incident.js';
import { isActive, planTransition } from '../core/incidents/lifecycle.js';
import { SEVERITY_ORDER } from '../core/findings/severity.js';
import { NOTIFY_ONLY_PLAYBOOK, planTakeover, takeoverRefusal, type PlaybookTakeover } from '../core/incidents/playbook-takeover.js';

/*
 * Item families of the workflow in the single table (pk / sk):
 *   INCIDENT#<id> / META                      the incident (sparse GSIs: byStatus gsi1pk=STATUS#<s>, bySeverity gsi2pk=SEVERITY#<l>,
 *                                             both sorted by `<createdAt>#<id>`), TTL expiresAt
 *   INCIDENT#<id> / TL#<at>#<seq>             one timeline entry (seq from the incident's timelineSeq counter, or
 *                                             `00000000-<key>` for an idempotent entry)
 *   INCIDENT#<id> / ACTION#<actionId>#<target> one action record
 *   FINDING#<dedupKey> / LINK                 finding → incident (dedup claim), with the finding's latest count and its
 *                                             generation (a recurrence after the incident was over moves the link)
 *   CORR#<correlationKey> / WINDOW            correlation key → open incident until windowEndsAt (epoch s)
 * Approvals and notification digests live in their own stores (approval-store.ts, notification-digest-store.ts).
 *
 * dynalite (and a tight IAM policy) rule out transactions: every step is a single-item conditional write, ordered so a
 * crash between two writes is repaired by the retry (EventBridge and Lambda retry) instead of losing or doubling an incident.
 */

export const INCIDENT_SK = 'META';
export const incidentPk = (incidentId: string) => `INCIDENT#${incidentId}`;
const findingPk = (dedupKey: string) => `FINDING#${dedupKey}`;
const correlationPk = (correlationKey: string) => `CORR#${correlationKey}`;
const statusGsiPk = (status: IncidentStatus) => `STATUS#${status}`;
const severityGsiPk = (severity: SeverityLabel) => `SEVERITY#${severity}`;

/** The same finding always maps to the same incident id, so a retried create finds (not doubles) its incident. */
export function incidentIdFor(dedupKey: string): string {
  return `inc-${createHash('sha256').update(dedupKey).digest('hex').slice(0, 20)}`;
}

export interface OpenOrJoinInput {
  readonly finding: Finding;
  readonly riskScore: number;
  readonly correlationKey: string;
  readonly playbook: string;
  readonly mode: PlaybookMode;
  readonly retentionDays: number;
  readonly correlationWindowSeconds: number;
}

export type OpenOrJoinOutcome = 'created' | 'joined' | 'duplicate';

export interface TransitionActor {
  readonly actor: string;
  readonly reason?: string;
  readonly rootCause?: string;
  readonly remediation?: string;
}

export interface ListQuery {
  readonly status?: IncidentStatus;
  readonly severity?: SeverityLabel;
  /** ISO time: only incidents created at or after it. */
  readonly since?: string;
  /** ISO time: only incidents created before it (SLA sweeps). */
  readonly before?: string;
  readonly limit?: number;
}

/**
 * What writeActionRecord did: wrote the record, or kept the stored one (a real `done`) that the record would have hidden.
 */
export type ActionRecordWrite = { readonly written: true } | { readonly written: false; readonly kept?: ActionRecord };

/** Whether a joining finding's playbook took over a notify-only incident (see takeOverPlaybook). */
export type TakeoverOutcome =
  | { readonly taken: true; readonly incident: Incident }
  | { readonly taken: false; readonly incident: Incident; readonly reason: string };

/** The optimistic lock on an incident was lost: someone else changed it between our read and our write. */
export class VersionConflictError extends ConflictError {}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FindingLink {
  incidentId: string;
  count: number;
  lastSeen: string;
  /** How many times the finding recurred after its incident was over (0 = its first incident). */
  generation: number;
}

export class IncidentRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  // ---------------------------------------------------------------- open / join / dedup

  async openOrJoin(input: OpenOrJoinInput): Promise<{ outcome: OpenOrJoinOutcome; incident: Incident }> {
    const { finding } = input;
    const existing = await this.findingLink(finding.dedupKey);
    if (existing) return this.duplicate(existing, input);
    return this.arrive(input, incidentIdFor(finding.dedupKey));
  }

  /**
   * A finding that belongs to no active incident: join the active incident holding its correlation key, or open `ownId`.
   * `previous` is the finding's link to an incident that is over (a recurrence): the link is moved, not created.
   */
  private async arrive(input: OpenOrJoinInput, ownId: string, previous?: FindingLink): Promise<{ outcome: OpenOrJoinOutcome; incident: Incident }> {
    const correlate = input.correlationKey.length > 0 && input.correlationWindowSeconds > 0;
    if (correlate) {
      const target = await this.claimCorrelation(input, ownId);
      if (target !== ownId) return this.join(target, input, previous);
    }
    return this.create(input, ownId, previous);
  }

  /**
   * Points the finding at `incidentId`: a conditional put for a new finding, a conditional move for a recurrence. Whoever
   * writes it owns the outcome; a loser gets the link as the winner left it.
   */
  private async claimLink(finding: Finding, incidentId: string, expiresAt: number, previous?: FindingLink): Promise<FindingLink | undefined> {
    const fields = { incidentId, count: finding.count, lastSeen: finding.lastSeen, ...linkRefs(finding), expiresAt, generation: (previous?.generation ?? 0) + (previous ? 1 : 0) };
    try {
      if (!previous) {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: findingPk(finding.dedupKey), sk: 'LINK', ...fields },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } else {
        const names: Record<string, string> = {};
        const values: Record<string, unknown> = { ':old': previous.incidentId };
        const sets = Object.entries(fields).map(([field, value], index) => {
          names[`#f${index}`] = field;
          values[`:v${index}`] = value;
          return `#f${index} = :v${index}`;
        });
        names['#incident'] = 'incidentId';
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: findingPk(finding.dedupKey), sk: 'LINK' },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#incident = :old',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      }
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const link = await this.findingLink(finding.dedupKey);
      if (!link) throw new ConflictError(`finding ${finding.dedupKey} link vanished while linking it`, { cause: error });
      return link;
    }
  }

  /**
   * Claims the correlation key for `ownId`, or returns the id of the active incident that holds it.
   * The key is claimed before the incident exists, so two findings about one principal arriving together open one incident.
   */
  private async claimCorrelation(input: OpenOrJoinInput, ownId: string): Promise<string> {
    for (let attempt = 0; attempt < 6; attempt++) {
      const nowSeconds = Math.floor(this.clock().getTime() / 1000);
      const windowEndsAt = nowSeconds + input.correlationWindowSeconds;
      // The window we claim, whether the key is free or we take it over from an inactive holder.
      const windowItem = { pk: correlationPk(input.correlationKey), sk: 'WINDOW', incidentId: ownId, windowEndsAt, expiresAt: windowEndsAt + 86_400 };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: windowItem,
            // Free, expired (TTL deletion lags by up to days), or already ours (a retry after a crash).
            ConditionExpression: 'attribute_not_exists(pk) OR windowEndsAt < :now OR incidentId = :own',
            ExpressionAttributeValues: { ':now': nowSeconds, ':own': ownId },
          }),
        );
        return ownId;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const window = await this.get1(correlationPk(input.correlationKey), 'WINDOW');
      if (!window) continue;
      const holder = String(window.incidentId);
      const incident = await this.get(holder);
      if (incident && isActive(incident.status)) return holder;
      // The holder's incident may be in flight (claimed, not yet written): give it a moment before taking the key over.
      if (!incident && attempt < 3) {
        await sleep(25 * (attempt + 1));
        continue;
      }
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: windowItem,
            ConditionExpression: 'incidentId = :holder',
            ExpressionAttributeValues: { ':holder': holder },
          }),
        );
        return ownId;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new ConflictError(`could not settle correlation key ${input.correlationKey} after repeated races`);
  }

  private async create(input: OpenOrJoinInput, incidentId: string, previous?: FindingLink): Promise<{ outcome: OpenOrJoinOutcome; incident: Incident }> {
    const { finding } = input;
    const now = this.clock();
    const createdAt = now.toISOString();
    const incident: Incident = IncidentSchema.parse({
      incidentId,
      accountId: finding.accountId,
      region: finding.region,
      status: 'open',
      severity: finding.severity.label,
      riskScore: Math.max(0, Math.min(100, input.riskScore)),
      title: finding.title,
      playbook: input.playbook,
      mode: input.mode,
      correlationKey: input.correlationKey,
      createdAt,
      updatedAt: createdAt,
      findingKeys: [finding.dedupKey],
      primaryFinding: finding,
      lastSeenAt: finding.lastSeen,
      occurrences: finding.count,
      version: 1,
      expiresAt: Math.floor(now.getTime() / 1000) + input.retentionDays * 86_400,
    });
    let stored = incident;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.incidentItem(incident),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Written by an earlier attempt that crashed before linking the finding, or by a concurrent delivery.
      stored = await this.getOrThrow(incidentId);
    }
    // The finding link is the claim: whoever writes it owns the 'created' outcome (and starts the one playbook).
    const winner = await this.claimLink(finding, incidentId, stored.expiresAt, previous);
    if (winner) return this.duplicate(winner, input);
    await this.appendTimeline(
      incidentId,
      {
        at: stored.createdAt,
        actor: 'firebreak',
        kind: 'opened',
        message:
          `Incident opened: ${finding.title} (${finding.severity.label}, risk ${stored.riskScore}) in ${finding.accountId}/${finding.region}; playbook ${input.playbook}, mode ${input.mode}` +
          (previous ? `; the finding recurred (seen ${finding.count} times) after incident ${previous.incidentId} was over` : ''),
        data: { dedupKey: finding.dedupKey, type: finding.type, source: finding.source, ...(previous ? { previousIncident: previous.incidentId } : {}) },
      },
      { idempotencyKey: 'opened' },
    );
    return { outcome: 'created', incident: stored };
  }

  private async join(incidentId: string, input: OpenOrJoinInput, previous?: FindingLink): Promise<{ outcome: OpenOrJoinOutcome; incident: Incident }> {
    const { finding } = input;
    const target = await this.getOrThrow(incidentId);
    const winner = await this.claimLink(finding, incidentId, target.expiresAt, previous);
    if (winner) return this.duplicate(winner, input);
    const added = await this.addFindingToIncident(incidentId, finding);
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    // Sliding window: each joined finding keeps the incident open to correlation for another window.
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: correlationPk(input.correlationKey), sk: 'WINDOW' },
          UpdateExpression: 'SET windowEndsAt = :end, expiresAt = :exp',
          ConditionExpression: 'incidentId = :id AND windowEndsAt < :end',
          ExpressionAttributeValues: {
            ':end': nowSeconds + input.correlationWindowSeconds,
            ':exp': nowSeconds + input.correlationWindowSeconds + 86_400,
            ':id': incidentId,
          },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    if (added) {
      await this.appendTimeline(incidentId, {
        actor: 'firebreak',
        kind: 'finding_added',
        message: `Correlated finding joined: ${finding.title} (${finding.severity.label}) on ${input.correlationKey}`,
        data: { dedupKey: finding.dedupKey, type: finding.type, count: finding.count },
      });
      await this.raiseSeverity(incidentId, finding.severity.label, input.riskScore, finding.dedupKey);
    }
    return { outcome: 'joined', incident: await this.getOrThrow(incidentId) };
  }

  /**
   * An incident is as severe as its most severe finding: a joining finding above the incident's severity raises it (and
   * its bySeverity index entry, and with it the response-time target the SLA sweep applies). Conditional on the stored
   * severity still being lower, so concurrent joins only ever raise it; the one raising write records it on the timeline.
   */
  private async raiseSeverity(incidentId: string, label: SeverityLabel, riskScore: number, dedupKey: string): Promise<void> {
    const lower = SEVERITY_ORDER.slice(0, SEVERITY_ORDER.indexOf(label));
    if (lower.length > 0) {
      const values: Record<string, unknown> = { ':label': label, ':gsi2pk': severityGsiPk(label), ':now': this.clock().toISOString(), ':one': 1 };
      lower.forEach((l, i) => (values[`:l${i}`] = l));
      try {
        const result = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
            UpdateExpression: 'SET severity = :label, gsi2pk = :gsi2pk, updatedAt = :now, #version = #version + :one',
            ConditionExpression: `attribute_exists(pk) AND severity IN (${lower.map((_, i) => `:l${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: values,
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        await this.appendTimeline(incidentId, {
          actor: 'firebreak',
          kind: 'severity_raised',
          message: `Severity raised from ${String(result.Attributes?.severity ?? 'lower')} to ${label} by a joining finding`,
          data: { from: result.Attributes?.severity, to: label, dedupKey },
        });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    const score = Math.max(0, Math.min(100, riskScore));
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression: 'SET riskScore = :score',
          ConditionExpression: 'attribute_exists(pk) AND riskScore < :score',
          ExpressionAttributeValues: { ':score': score },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /** Adds the finding's key and count to the incident once; false when it was already there. */
  private async addFindingToIncident(incidentId: string, finding: Finding): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression:
            'SET findingKeys = list_append(findingKeys, :keys), updatedAt = :now, lastSeenAt = :seen ADD occurrences :count',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(findingKeys, :key)',
          ExpressionAttributeValues: {
            ':keys': [finding.dedupKey],
            ':key': finding.dedupKey,
            ':now': this.clock().toISOString(),
            ':seen': finding.lastSeen,
            ':count': finding.count,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Re-delivery (same count) changes nothing; a re-sent finding with a higher count is counted on the incident and its
   * timeline. A finding that recurs after its incident was resolved or closed (or expired) opens a new incident: the
   * activity is back, and a closed incident must not swallow it.
   */
  private async duplicate(link: FindingLink, input: OpenOrJoinInput): Promise<{ outcome: OpenOrJoinOutcome; incident: Incident }> {
    const { finding } = input;
    const incident = await this.get(link.incidentId);
    if (!incident || (!isActive(incident.status) && finding.count > link.count)) {
      return this.arrive(input, incidentIdFor(`${finding.dedupKey}#${(link.generation ?? 0) + 1}`), link);
    }
    // Repair a join that crashed between the link and the incident update.
    if (!incident.findingKeys.includes(finding.dedupKey)) await this.addFindingToIncident(incident.incidentId, finding);
    if (finding.count > link.count) {
      let previous: number | undefined;
      try {
        const result = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: findingPk(finding.dedupKey), sk: 'LINK' },
            UpdateExpression: 'SET #count = :count, lastSeen = :seen',
            ConditionExpression: '#count < :count',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':count': finding.count, ':seen': finding.lastSeen },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        previous = Number(result.Attributes?.count ?? link.count);
      } catch (error) {
        if (!isConditionFailure(error)) throw error; // a concurrent delivery already recorded this count or a higher one
      }
      if (previous !== undefined) {
        const isPrimary = incident.primaryFinding.dedupKey === finding.dedupKey;
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: incidentPk(incident.incidentId), sk: INCIDENT_SK },
            UpdateExpression: [
              'SET updatedAt = :now, lastSeenAt = :seen',
              isPrimary ? ', primaryFinding.#count = :count, primaryFinding.lastSeen = :seen' : '',
              ' ADD occurrences :delta',
            ].join(''),
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: isPrimary ? { '#count': 'count' } : undefined,
            ExpressionAttributeValues: {
              ':now': this.clock().toISOString(),
              ':seen': finding.lastSeen,
              ':delta': finding.count - previous,
              ...(isPrimary ? { ':count': finding.count } : {}),
            },
          }),
        );
        await this.appendTimeline(incident.incidentId, {
          actor: 'firebreak',
          kind: 'finding_repeated',
          message: `${finding.product} re-sent ${finding.type}: seen ${finding.count} times (was ${previous}), last at ${finding.lastSeen}`,
          data: { dedupKey: finding.dedupKey, count: finding.count, previousCount: previous },
        });
      }
    }
    return { outcome: 'duplicate', incident: await this.getOrThrow(incident.incidentId) };
  }

  private async findingLink(dedupKey: string): Promise<FindingLink | undefined> {
    const item = await this.get1(findingPk(dedupKey), 'LINK');
    if (!item) return undefined;
    return {
      incidentId: String(item.incidentId),
      count: Number(item.count ?? 1),
      lastSeen: String(item.lastSeen ?? ''),
      generation: typeof item.generation === 'number' ? item.generation : 0,
    };
  }

  /** Where each contributing finding lives in its product (Security Hub workflow sync). */
  async findingRefs(incident: Incident): Promise<FindingRef[]> {
    const refs = await Promise.all(
      incident.findingKeys.map(async (dedupKey): Promise<FindingRef> => {
        if (dedupKey === incident.primaryFinding.dedupKey) return { dedupKey, ...linkRefs(incident.primaryFinding) };
        const item = await this.get1(findingPk(dedupKey), 'LINK');
        return {
          dedupKey,
          accountId: String(item?.accountId ?? incident.accountId),
          region: String(item?.region ?? incident.region),
          ...(item?.asffId ? { asffId: String(item.asffId) } : {}),
          ...(item?.productArn ? { productArn: String(item.productArn) } : {}),
        };
      }),
    );
    return refs;
  }

  /** The incident a finding belongs to, if any. */
  async incidentIdForFinding(dedupKey: string): Promise<string | undefined> {
    return (await this.findingLink(dedupKey))?.incidentId;
  }

  // ---------------------------------------------------------------- reads

  async get(incidentId: string): Promise<Incident | undefined> {
    const item = await this.get1(incidentPk(incidentId), INCIDENT_SK);
    return item ? toIncident(item) : undefined;
  }

  async getOrThrow(incidentId: string): Promise<Incident> {
    const incident = await this.get(incidentId);
    if (!incident) throw new NotFoundError(`incident ${incidentId} not found`);
    return incident;
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': 'TL#' },
      ConsistentRead: true,
    });
    return items.map((item) => TimelineEntrySchema.parse(item));
  }

  async actions(incidentId: string): Promise<ActionRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': 'ACTION#' },
      ConsistentRead: true,
    });
    return items.map((item) => ActionRecordSchema.parse(item));
  }

  /** Newest first. Uses byStatus or bySeverity (the other filter applied on the index's items); never a Scan. */
  async list(query: ListQuery = {}): Promise<Incident[]> {
    const limit = query.limit ?? 50;
    const range = sortKeyRange(query.since, query.before);
    const run = async (index: 'byStatus' | 'bySeverity', partition: string, filter?: { name: string; value: string }) => {
      const names: Record<string, string> = { '#pk': index === 'byStatus' ? 'gsi1pk' : 'gsi2pk' };
      if (range.expression) names['#sk'] = index === 'byStatus' ? 'gsi1sk' : 'gsi2sk';
      const values: Record<string, unknown> = { ':pk': partition, ...range.values };
      if (filter) {
        names['#f'] = filter.name;
        values[':f'] = filter.value;
      }
      return this.queryAll(
        {
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${range.expression}`,
          FilterExpression: filter ? '#f = :f' : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
        limit,
      );
    };
    let items: Record<string, unknown>[];
    if (query.status) {
      items = await run('byStatus', statusGsiPk(query.status), query.severity ? { name: 'severity', value: query.severity } : undefined);
    } else if (query.severity) {
      items = await run('bySeverity', severityGsiPk(query.severity));
    } else {
      const perStatus = await Promise.all(IncidentStatusSchema.options.map((status) => run('byStatus', statusGsiPk(status))));
      items = perStatus.flat();
    }
    return items
      .map(toIncident)
      .sort((a, b) => (a.createdAt === b.createdAt ? b.incidentId.localeCompare(a.incidentId) : b.createdAt.localeCompare(a.createdAt)))
      .slice(0, limit);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Appends one entry. With an idempotency key the entry is written once however often the caller retries
   * (then `at` must be deterministic too, e.g. the incident's createdAt).
   */
  async appendTimeline(
    incidentId: string,
    entry: Omit<TimelineEntry, 'at'> & { at?: string },
    options: { idempotencyKey?: string } = {},
  ): Promise<void> {
    const at = entry.at ?? this.clock().toISOString();
    const parsed = TimelineEntrySchema.parse({ ...entry, at });
    let suffix: string;
    let expiresAt: number | undefined;
    if (options.idempotencyKey) {
      suffix = `00000000-${options.idempotencyKey}`;
      expiresAt = await this.expiresAtOf(incidentId);
    } else {
      // A per-incident sequence orders entries written within the same millisecond (by several Lambdas) as they happened.
      const counted = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression: 'ADD timelineSeq :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ).catch((error: unknown) => {
        if (isConditionFailure(error)) throw new NotFoundError(`incident ${incidentId} not found`, { cause: error });
        throw error;
      });
      suffix = String(counted.Attributes?.timelineSeq ?? 0).padStart(8, '0');
      expiresAt = typeof counted.Attributes?.expiresAt === 'number' ? counted.Attributes.expiresAt : undefined;
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: incidentPk(incidentId), sk: `TL#${at}#${suffix}`, ...parsed, expiresAt },
          ConditionExpression: options.idempotencyKey ? 'attribute_not_exists(pk)' : undefined,
        }),
      );
    } catch (error) {
      if (!(options.idempotencyKey && isConditionFailure(error))) throw error;
    }
  }

  /**
   * Keyed by actionId + target, so a retried step overwrites rather than adds. See writeActionRecord for what is never
   * overwritten.
   */
  async recordAction(incidentId: string, record: ActionRecord): Promise<void> {
    await this.writeActionRecord(incidentId, record);
  }

  /**
   * Writes an action record unless it would lose what rollback needs. A real `done` holds the true prior state of a change
   * that was made: only its rollback (`rolled_back`) replaces it. A later attempt of the same action on the same target —
   * a retried step, a re-run after approval — that ends `done` again, `skipped` or `failed` (throttled, access denied) does
   * not: the change it would hide is still in effect. A dry-run `done` changed nothing and holds no prior state, so a real
   * `done` does replace it (the dry run stays on the timeline).
   *
   * A `skipped`/`failed` attempt that is not written is put on the timeline (`action_record_kept`) with its outcome, so it
   * is never silently dropped; a refused `done` (a retry) is already on the timeline through its caller's `action_done`.
   */
  async writeActionRecord(incidentId: string, record: ActionRecord): Promise<ActionRecordWrite> {
    const parsed = ActionRecordSchema.parse(record);
    const expiresAt = await this.expiresAtOf(incidentId);
    const key = { pk: incidentPk(incidentId), sk: `ACTION#${parsed.actionId}#${parsed.target}` };
    // rolled_back is rollback rewriting the record it restored: always written. Everything else must not hide a real done.
    const guarded = parsed.status !== 'rolled_back';
    // A real done may replace a dry-run done; a dry-run done or a second real done replaces no done at all.
    const replacesDryRunOnly = parsed.status === 'done' && !parsed.dryRun;
    const condition =
      parsed.status === 'done'
        ? `attribute_not_exists(pk) OR #status <> :done${replacesDryRunOnly ? ' OR #dryRun = :true' : ''}`
        : 'attribute_not_exists(pk) OR #status <> :done OR #dryRun = :true';
    const usesDryRun = parsed.status !== 'done' || replacesDryRunOnly;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, ...parsed, expiresAt },
          ...(guarded
            ? {
                ConditionExpression: condition,
                ExpressionAttributeNames: { '#status': 'status', ...(usesDryRun ? { '#dryRun': 'dryRun' } : {}) },
                ExpressionAttributeValues: { ':done': 'done', ...(usesDryRun ? { ':true': true } : {}) },
              }
            : {}),
        }),
      );
      return { written: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const item = await this.get1(key.pk, key.sk);
    // Gone or changed between the refused write and this read (a rollback): the attempt is still reported below.
    const kept = item ? ActionRecordSchema.parse(item) : undefined;
    if (parsed.status === 'skipped' || parsed.status === 'failed') {
      const keptAt = kept ? ` made at ${kept.at}` : '';
      await this.appendTimeline(incidentId, {
        actor: 'firebreak',
        kind: 'action_record_kept',
        message:
          `kept the record of ${parsed.actionId} on ${parsed.target}${keptAt} (what rollback restores): ` +
          `a later ${parsed.dryRun ? 'dry-run ' : ''}attempt ${parsed.status === 'failed' ? 'failed' : 'was skipped'} at ${parsed.at}` +
          `${parsed.reason ? ` (${parsed.reason})` : ''} and did not replace it; the change is still in effect`,
        data: {
          actionId: parsed.actionId,
          target: parsed.target,
          attempt: { status: parsed.status, dryRun: parsed.dryRun, at: parsed.at, ...(parsed.reason ? { reason: parsed.reason } : {}) },
          ...(kept ? { kept: { status: kept.status, dryRun: kept.dryRun, at: kept.at } } : {}),
        },
      });
    }
    return kept ? { written: false, kept } : { written: false };
  }

  /**
   * Moves the incident through its lifecycle with an optimistic lock on `version`. Throws ConflictError when the move is
   * not allowed or when another writer changed the incident first (VersionConflictError): exactly one concurrent writer wins.
   */
  async transition(incidentId: string, to: IncidentStatus, by: TransitionActor): Promise<Incident> {
    const current = await this.getOrThrow(incidentId);
    const at = this.clock().toISOString();
    const plan = planTransition(current, { to, ...by }, at);
    const sets: Record<string, unknown> = {
      status: to,
      gsi1pk: statusGsiPk(to),
      updatedAt: at,
      ...plan.set,
      ...(to === 'acknowledged' && plan.set.acknowledgedAt ? { acknowledgedBy: by.actor } : {}),
      ...(to === 'closed' ? { closedBy: by.actor } : {}),
    };
    const updated = await this.versionedUpdate(current, sets);
    await this.appendTimeline(incidentId, {
      at,
      actor: by.actor,
      kind: 'status_changed',
      message: `${plan.from} → ${to}${by.reason ? `: ${by.reason}` : ''}`,
      data: {
        from: plan.from,
        to,
        ...(by.reason ? { reason: by.reason } : {}),
        ...(plan.set.rootCause ? { rootCause: plan.set.rootCause, remediation: plan.set.remediation } : {}),
      },
    });
    return updated;
  }

  /**
   * A responder takes the incident. From open/containment_failed that is the `acknowledged` status; an incident that
   * automation already contained keeps its status and only records who acknowledged it and when (the SLA clock stops).
   */
  async acknowledge(incidentId: string, by: { actor: string; reason?: string }): Promise<Incident> {
    const current = await this.getOrThrow(incidentId);
    if (current.status === 'open' || current.status === 'containment_failed') {
      return this.transition(incidentId, 'acknowledged', by);
    }
    if (current.acknowledgedAt) {
      throw new ConflictError(`incident ${incidentId} was already acknowledged by ${current.acknowledgedBy ?? 'someone'} at ${current.acknowledgedAt}`);
    }
    if (!isActive(current.status)) throw new ConflictError(`incident ${incidentId} is ${current.status}: nothing to acknowledge`);
    const at = this.clock().toISOString();
    const updated = await this.versionedUpdate(current, { acknowledgedAt: at, acknowledgedBy: by.actor, updatedAt: at });
    await this.appendTimeline(incidentId, {
      at,
      actor: by.actor,
      kind: 'acknowledged',
      message: `acknowledged while ${current.status}${by.reason ? `: ${by.reason}` : ''}`,
    });
    return updated;
  }

  async setExecution(incidentId: string, executionArn: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression: 'SET executionArn = :arn, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':arn': executionArn, ':now': this.clock().toISOString() },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`incident ${incidentId} not found`, { cause: error });
      throw error;
    }
  }

  /**
   * Hands a notify-only incident to the playbook of a finding that joined it (see core/incidents/playbook-takeover.ts):
   * one conditional write sets the playbook, mode, primary finding (the playbook's finding) and the raised severity, only
   * while the incident is active, still notify-only and has no execution. Of concurrent joins exactly one wins, so exactly
   * one caller starts the playbook; the others get `taken: false` with the reason. The winner's timeline says why
   * containment starts late.
   */
  async takeOverPlaybook(incidentId: string, takeover: PlaybookTakeover): Promise<TakeoverOutcome> {
    const current = await this.getOrThrow(incidentId);
    const refused = takeoverRefusal(current);
    if (refused) return { taken: false, incident: current, reason: refused };
    const at = this.clock().toISOString();
    const plan = planTakeover(current, takeover);
    const names: Record<string, string> = { '#status': 'status', '#playbook': 'playbook', '#version': 'version' };
    const values: Record<string, unknown> = {
      ':notifyOnly': NOTIFY_ONLY_PLAYBOOK,
      ':resolved': 'resolved',
      ':closed': 'closed',
      ':one': 1,
      ':now': at,
      ':gsi2pk': severityGsiPk(plan.set.severity),
    };
    const sets = Object.entries(plan.set).map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    let updated: Incident;
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression: `SET ${sets.join(', ')}, gsi2pk = :gsi2pk, updatedAt = :now, #version = #version + :one`,
          ConditionExpression:
            'attribute_exists(pk) AND #playbook = :notifyOnly AND attribute_not_exists(executionArn) AND NOT (#status IN (:resolved, :closed))',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      updated = toIncident(result.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const now = await this.getOrThrow(incidentId);
      return { taken: false, incident: now, reason: takeoverRefusal(now) ?? 'the incident changed while the playbook was being handed over' };
    }
    // Only the one winning write gets here, so the entry is written once (sequenced, so it sorts after the join it follows).
    await this.appendTimeline(incidentId, { at, actor: 'firebreak', kind: 'playbook_takeover', message: plan.message, data: plan.data });
    return { taken: true, incident: updated };
  }

  /** Marks the SLA escalation once; false when it was already marked (another sweep sent it). */
  async markEscalated(incidentId: string, at: string = this.clock().toISOString()): Promise<boolean> {
    return this.markOnce(incidentId, 'escalatedAt', at);
  }

  /** Sets a once-only timestamp flag (escalation sent, Security Hub told); false when it was already set. */
  async markOnce(incidentId: string, flag: 'escalatedAt' | 'securityHubNotifiedAt', at: string = this.clock().toISOString()): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression: 'SET #flag = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#flag)',
          ExpressionAttributeNames: { '#flag': flag },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Clears a once-only flag this caller set (its action failed and should be retried by a later caller). */
  async unmarkOnce(incidentId: string, flag: 'escalatedAt' | 'securityHubNotifiedAt', at: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
          UpdateExpression: 'REMOVE #flag',
          ConditionExpression: '#flag = :at',
          ExpressionAttributeNames: { '#flag': flag },
          ExpressionAttributeValues: { ':at': at },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  // ---------------------------------------------------------------- internals

  private async versionedUpdate(current: Incident, sets: Record<string, unknown>): Promise<Incident> {
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':expected': current.version, ':one': 1 };
    const assignments = Object.entries(sets).map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: incidentPk(current.incidentId), sk: INCIDENT_SK },
          UpdateExpression: `SET ${assignments.join(', ')}, #version = #version + :one`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toIncident(result.Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new VersionConflictError(
          `incident ${current.incidentId} changed since it was read (version ${current.version}); re-read and retry`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private incidentItem(incident: Incident): Record<string, unknown> {
    const sortKey = `${incident.createdAt}#${incident.incidentId}`;
    return {
      pk: incidentPk(incident.incidentId),
      sk: INCIDENT_SK,
      gsi1pk: statusGsiPk(incident.status),
      gsi1sk: sortKey,
      gsi2pk: severityGsiPk(incident.severity),
      gsi2sk: sortKey,
      ...incident,
    };
  }

  private async expiresAtOf(incidentId: string): Promise<number | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: incidentPk(incidentId), sk: INCIDENT_SK },
        ProjectionExpression: 'expiresAt',
      }),
    );
    const value = result.Item?.expiresAt;
    return typeof value === 'number' ? value : undefined;
  }

  private async get1(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return result.Item;
  }

  private async queryAll(input: QueryCommandInput, limit = Number.POSITIVE_INFINITY): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }
}

export interface FindingRef {
  readonly dedupKey: string;
  readonly accountId: string;
  readonly region: string;
  readonly asffId?: string;
  readonly productArn?: string;
}

function linkRefs(finding: Finding): Omit<FindingRef, 'dedupKey'> {
  return {
    accountId: finding.accountId,
    region: finding.region,
    ...(finding.productRefs.asffId ? { asffId: finding.productRefs.asffId } : {}),
    ...(finding.productRefs.productArn ? { productArn: finding.productRefs.productArn } : {}),
  };
}

function toIncident(item: Record<string, unknown>): Incident {
  return IncidentSchema.parse(item);
}

function sortKeyRange(since?: string, before?: string): { expression: string; values: Record<string, string> } {
  // Sort keys are `<createdAt ISO>#<id>`; '#' < any id char and '~' > them, so these bounds include/exclude whole timestamps.
  if (since && before) return { expression: ' AND #sk BETWEEN :since AND :before', values: { ':since': since, ':before': before } };
  if (since) return { expression: ' AND #sk >= :since', values: { ':since': since } };
  if (before) return { expression: ' AND #sk < :before', values: { ':before': before } };
  return { expression: '', values: {} };
}
