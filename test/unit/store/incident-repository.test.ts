import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors.js';
import { IncidentRepository, incidentIdFor, VersionConflictError, type OpenOrJoinInput } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { guardDutyIamFinding, principalCorrelationKey } from '../../support/workflow-findings.js';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

let table: TestTable;
let tableName: string;
let now: Date;
let repo: IncidentRepository;

const clock = () => now;
const input = (overrides: Partial<OpenOrJoinInput> = {}): OpenOrJoinInput => {
  const finding = overrides.finding ?? guardDutyIamFinding();
  return {
    finding,
    riskScore: 80,
    correlationKey: principalCorrelationKey(finding),
    playbook: 'credential-compromise',
    mode: 'approve',
    retentionDays: 365,
    correlationWindowSeconds: 3600,
    ...overrides,
  };
};

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});
beforeEach(async () => {
  tableName = await table.createTable();
  now = new Date('2026-11-25T10:00:00.000Z');
  repo = new IncidentRepository(table.doc, tableName, clock);
});

describe('openOrJoin', () => {
  it('creates an incident with a deterministic id, TTL from retentionDays and an opened timeline entry', async () => {
    const result = await repo.openOrJoin(input());

    expect(result.outcome).toBe('created');
    const finding = guardDutyIamFinding();
    expect(result.incident).toMatchObject({
      incidentId: incidentIdFor(finding.dedupKey),
      status: 'open',
      severity: 'HIGH',
      version: 1,
      findingKeys: [finding.dedupKey],
      expiresAt: Math.floor(now.getTime() / 1000) + 365 * 86_400,
    });
    const timeline = await repo.timeline(result.incident.incidentId);
    expect(timeline.map((entry) => entry.kind)).toEqual(['opened']);
    expect(timeline[0]!.actor).toBe('firebreak');
  });

  it('treats the same finding delivered twice as a duplicate: one incident, no timeline noise', async () => {
    const first = await repo.openOrJoin(input());
    const second = await repo.openOrJoin(input());

    expect(second.outcome).toBe('duplicate');
    expect(second.incident.incidentId).toBe(first.incident.incidentId);
    expect(await repo.list({})).toHaveLength(1);
    expect((await repo.timeline(first.incident.incidentId)).map((entry) => entry.kind)).toEqual(['opened']);
  });

  it('counts a re-sent finding with a higher service.count on the incident and its timeline', async () => {
    const first = await repo.openOrJoin(input());
    now = new Date('2026-11-25T16:00:00.000Z');
    const resent = guardDutyIamFinding({ count: 4, lastSeen: '2026-11-25T15:59:00.000Z' });

    const second = await repo.openOrJoin(input({ finding: resent }));

    expect(second.outcome).toBe('duplicate');
    expect(second.incident.incidentId).toBe(first.incident.incidentId);
    expect(second.incident.occurrences).toBe(4);
    expect(second.incident.lastSeenAt).toBe('2026-11-25T15:59:00.000Z');
    expect(second.incident.primaryFinding.count).toBe(4);
    const repeated = (await repo.timeline(first.incident.incidentId)).filter((entry) => entry.kind === 'finding_repeated');
    expect(repeated).toHaveLength(1);
    expect(repeated[0]!.data).toMatchObject({ count: 4, previousCount: 1 });

    // The same re-sent finding delivered again changes nothing more.
    const third = await repo.openOrJoin(input({ finding: resent }));
    expect(third.incident.occurrences).toBe(4);
    expect((await repo.timeline(first.incident.incidentId)).filter((entry) => entry.kind === 'finding_repeated')).toHaveLength(1);
  });

  it('opens a new incident when the finding recurs after its incident was closed, once however often it is delivered', async () => {
    const first = await repo.openOrJoin(input());
    await repo.transition(first.incident.incidentId, 'resolved', { actor: 'alice' });
    await repo.transition(first.incident.incidentId, 'closed', { actor: 'alice', rootCause: 'test key', remediation: 'deleted' });
    now = new Date('2026-11-26T10:00:00.000Z');
    const recurring = guardDutyIamFinding({ count: 7, lastSeen: '2026-11-26T09:55:00.000Z' });

    const results = await Promise.all(Array.from({ length: 4 }, () => repo.openOrJoin(input({ finding: recurring }))));
    const again = await repo.openOrJoin(input({ finding: recurring }));

    expect(results.filter((result) => result.outcome === 'created')).toHaveLength(1);
    const second = results.find((result) => result.outcome === 'created')!.incident;
    expect(second.incidentId).not.toBe(first.incident.incidentId);
    expect(second).toMatchObject({ status: 'open', occurrences: 7 });
    expect(new Set(results.map((result) => result.incident.incidentId))).toEqual(new Set([second.incidentId]));
    expect(again).toMatchObject({ outcome: 'duplicate', incident: { incidentId: second.incidentId } });
    expect((await repo.getOrThrow(first.incident.incidentId)).status).toBe('closed');
    const opened = (await repo.timeline(second.incidentId)).find((entry) => entry.kind === 'opened')!;
    expect(opened.data).toMatchObject({ previousIncident: first.incident.incidentId });
    expect(opened.message).toContain(`the finding recurred (seen 7 times) after incident ${first.incident.incidentId} was over`);
  });

  it('joins a different finding about the same principal within the correlation window', async () => {
    const first = await repo.openOrJoin(input());
    now = new Date('2026-11-25T10:20:00.000Z');
    const other = guardDutyIamFinding({ dedupKey: 'guardduty:883606788610:us-east-1:other-finding', type: 'Discovery:IAMUser/AnomalousBehavior' });

    const joined = await repo.openOrJoin(input({ finding: other }));

    expect(joined.outcome).toBe('joined');
    expect(joined.incident.incidentId).toBe(first.incident.incidentId);
    expect(joined.incident.findingKeys).toEqual([first.incident.findingKeys[0], other.dedupKey]);
    expect((await repo.timeline(first.incident.incidentId)).map((entry) => entry.kind)).toEqual(['opened', 'finding_added']);
  });

  it('a more severe joining finding raises the incident (severity, its index, risk score) and says so; a milder one does not', async () => {
    // Prepare: a HIGH incident.
    const first = await repo.openOrJoin(input());
    const critical = guardDutyIamFinding({ dedupKey: 'guardduty:critical', severity: { label: 'CRITICAL', normalized: 95, original: 9.5 } });
    const low = guardDutyIamFinding({ dedupKey: 'guardduty:low', severity: { label: 'LOW', normalized: 20, original: 2 } });
    // Act
    const raised = await repo.openOrJoin(input({ finding: critical, riskScore: 95 }));
    const milder = await repo.openOrJoin(input({ finding: low, riskScore: 10 }));
    // Assert
    expect(raised.outcome).toBe('joined');
    expect(milder.incident).toMatchObject({ incidentId: first.incident.incidentId, severity: 'CRITICAL', riskScore: 95 });
    expect((await repo.list({ severity: 'CRITICAL' })).map((incident) => incident.incidentId)).toEqual([first.incident.incidentId]);
    expect(await repo.list({ severity: 'HIGH' })).toEqual([]);
    const timeline = await repo.timeline(first.incident.incidentId);
    expect(timeline.map((entry) => entry.kind)).toEqual(['opened', 'finding_added', 'severity_raised', 'finding_added']);
    expect(timeline[2]!.message).toBe('Severity raised from HIGH to CRITICAL by a joining finding');
  });

  it('concurrent joins only ever raise the severity, to the highest, with one timeline entry per raise', async () => {
    const first = await repo.openOrJoin(input({ finding: guardDutyIamFinding({ severity: { label: 'LOW', normalized: 20, original: 2 } }) }));
    const joiners = (['MEDIUM', 'CRITICAL', 'HIGH', 'MEDIUM'] as const).map((label, i) =>
      guardDutyIamFinding({ dedupKey: `guardduty:j${i}`, severity: { label, normalized: 50, original: 5 } }),
    );

    await Promise.all(joiners.map((finding) => repo.openOrJoin(input({ finding }))));

    expect((await repo.getOrThrow(first.incident.incidentId)).severity).toBe('CRITICAL');
    const raises = (await repo.timeline(first.incident.incidentId)).filter((entry) => entry.kind === 'severity_raised');
    expect(raises.length).toBeGreaterThanOrEqual(1);
    expect(raises.length).toBeLessThanOrEqual(3);
    expect(raises.some((entry) => entry.message.endsWith('to CRITICAL by a joining finding'))).toBe(true);
  });

  it('opens a new incident once the correlation window has passed or the incident is resolved', async () => {
    const first = await repo.openOrJoin(input());
    now = new Date('2026-11-25T12:00:00.000Z');
    const late = guardDutyIamFinding({ dedupKey: 'guardduty:late' });
    const second = await repo.openOrJoin(input({ finding: late }));
    expect(second.outcome).toBe('created');
    expect(second.incident.incidentId).not.toBe(first.incident.incidentId);

    await repo.transition(second.incident.incidentId, 'resolved', { actor: 'alice', reason: 'false positive' });
    const third = await repo.openOrJoin(input({ finding: guardDutyIamFinding({ dedupKey: 'guardduty:after-resolve' }) }));
    expect(third.outcome).toBe('created');
  });

  it('opens exactly one incident when the same finding arrives concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => repo.openOrJoin(input())));

    expect(results.filter((result) => result.outcome === 'created')).toHaveLength(1);
    expect(new Set(results.map((result) => result.incident.incidentId)).size).toBe(1);
    expect(await repo.list({})).toHaveLength(1);
  });

  it('opens one incident for concurrent different findings about one principal (one created, the rest joined)', async () => {
    const findings = Array.from({ length: 4 }, (_, index) => guardDutyIamFinding({ dedupKey: `guardduty:burst-${index}` }));

    const results = await Promise.all(findings.map((finding) => repo.openOrJoin(input({ finding }))));

    expect(results.filter((result) => result.outcome === 'created')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'joined')).toHaveLength(3);
    const [incident] = await repo.list({});
    expect(incident!.findingKeys.sort()).toEqual(findings.map((finding) => finding.dedupKey).sort());
  });

  it('takes over a correlation key whose creator crashed before writing its incident', async () => {
    const finding = guardDutyIamFinding();
    // The crashed creator claimed the key for its (deterministic) incident id, then died.
    await table.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `CORR#${principalCorrelationKey(finding)}`, sk: 'WINDOW', incidentId: 'inc-never-written', windowEndsAt: Math.floor(now.getTime() / 1000) + 3600 },
      }),
    );

    const result = await repo.openOrJoin(input());

    expect(result.outcome).toBe('created');
    const window = await table.doc.send(new GetCommand({ TableName: tableName, Key: { pk: `CORR#${principalCorrelationKey(finding)}`, sk: 'WINDOW' } }));
    expect(window.Item?.incidentId).toBe(result.incident.incidentId);
  });

  it('recovers from a crash between the incident write and the finding link: the retry still reports created', async () => {
    const finding = guardDutyIamFinding();
    // Simulate the crash: the incident item exists (first write done), the finding link does not.
    const crashing = new IncidentRepository(
      {
        send: async (command: { input: { Item?: { pk?: string } } }) => {
          if (String(command.input.Item?.pk ?? '').startsWith('FINDING#')) throw new Error('Lambda timed out');
          return table.doc.send(command as never);
        },
      } as never,
      tableName,
      clock,
    );
    await expect(crashing.openOrJoin(input())).rejects.toThrow('Lambda timed out');

    const retry = await repo.openOrJoin(input());

    expect(retry.outcome).toBe('created');
    expect(retry.incident.incidentId).toBe(incidentIdFor(finding.dedupKey));
    expect(await repo.list({})).toHaveLength(1);
    expect((await repo.timeline(retry.incident.incidentId)).map((entry) => entry.kind)).toEqual(['opened']);
  });
});

describe('transition', () => {
  it('records each move with actor and time, sets the milestones and bumps the version', async () => {
    const { incident } = await repo.openOrJoin(input());
    now = new Date('2026-11-25T10:05:00.000Z');
    const acked = await repo.transition(incident.incidentId, 'acknowledged', { actor: 'arn:aws:iam::1:user/alice' });
    now = new Date('2026-11-25T10:07:00.000Z');
    const contained = await repo.transition(incident.incidentId, 'contained', { actor: 'firebreak' });

    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: '2026-11-25T10:05:00.000Z', acknowledgedBy: 'arn:aws:iam::1:user/alice', version: 2 });
    expect(contained).toMatchObject({ status: 'contained', containedAt: '2026-11-25T10:07:00.000Z', version: 3 });
    const moves = (await repo.timeline(incident.incidentId)).filter((entry) => entry.kind === 'status_changed');
    expect(moves.map((entry) => [entry.actor, entry.at, entry.data?.from, entry.data?.to])).toEqual([
      ['arn:aws:iam::1:user/alice', '2026-11-25T10:05:00.000Z', 'open', 'acknowledged'],
      ['firebreak', '2026-11-25T10:07:00.000Z', 'acknowledged', 'contained'],
    ]);
  });

  it('lets exactly one of many concurrent writers win', async () => {
    const { incident } = await repo.openOrJoin(input());

    const results = await Promise.allSettled(
      ['alice', 'bob', 'carol', 'dave', 'erin'].map((actor) => repo.transition(incident.incidentId, 'acknowledged', { actor })),
    );

    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(4);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConflictError);
    const stored = await repo.getOrThrow(incident.incidentId);
    expect(stored.version).toBe(2);
    expect((await repo.timeline(incident.incidentId)).filter((entry) => entry.kind === 'status_changed')).toHaveLength(1);
  });

  it('refuses a move the lifecycle does not allow, and a close without root cause and remediation', async () => {
    const { incident } = await repo.openOrJoin(input());

    await expect(repo.transition(incident.incidentId, 'closed', { actor: 'alice' })).rejects.toThrow(ConflictError);
    await repo.transition(incident.incidentId, 'resolved', { actor: 'alice' });
    await expect(repo.transition(incident.incidentId, 'closed', { actor: 'alice', rootCause: 'leaked key in a public repo' })).rejects.toThrow(
      ValidationError,
    );
    const closed = await repo.transition(incident.incidentId, 'closed', {
      actor: 'alice',
      rootCause: 'leaked key in a public repo',
      remediation: 'key deleted, repo history rewritten',
    });
    expect(closed).toMatchObject({ status: 'closed', rootCause: 'leaked key in a public repo', closedBy: 'alice' });
  });

  it('raises VersionConflictError when the incident changed between read and write', async () => {
    const { incident } = await repo.openOrJoin(input());
    const racing = new IncidentRepository(
      {
        send: async (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'UpdateCommand') await repo.transition(incident.incidentId, 'acknowledged', { actor: 'bob' });
          return table.doc.send(command as never);
        },
      } as never,
      tableName,
      clock,
    );

    await expect(racing.transition(incident.incidentId, 'contained', { actor: 'firebreak' })).rejects.toThrow(VersionConflictError);
  });

  it('throws NotFoundError for an unknown incident', async () => {
    await expect(repo.transition('inc-missing', 'acknowledged', { actor: 'a' })).rejects.toThrow(NotFoundError);
  });
});

describe('acknowledge', () => {
  it('stops the SLA clock on an incident automation already contained, without changing its status', async () => {
    const { incident } = await repo.openOrJoin(input());
    await repo.transition(incident.incidentId, 'contained', { actor: 'firebreak' });
    now = new Date('2026-11-25T10:30:00.000Z');

    const acked = await repo.acknowledge(incident.incidentId, { actor: 'alice' });

    expect(acked).toMatchObject({ status: 'contained', acknowledgedAt: '2026-11-25T10:30:00.000Z', acknowledgedBy: 'alice' });
    await expect(repo.acknowledge(incident.incidentId, { actor: 'bob' })).rejects.toThrow(/already acknowledged by alice/);
  });
});

describe('actions, execution, escalation', () => {
  it('keys action records by action and target; a retried done never replaces the first prior state', async () => {
    const { incident } = await repo.openOrJoin(input());
    const base = { actionId: 'iam.deactivate-access-key', target: 'AKIA1', dryRun: false, at: now.toISOString() };
    await repo.recordAction(incident.incidentId, { ...base, status: 'done', priorState: { Status: 'Active' } });
    await repo.recordAction(incident.incidentId, { ...base, status: 'done', priorState: { Status: 'Inactive' } });
    expect(await repo.actions(incident.incidentId)).toEqual([expect.objectContaining({ status: 'done', priorState: { Status: 'Active' } })]);

    await repo.recordAction(incident.incidentId, { ...base, status: 'rolled_back', priorState: { Status: 'Active' } });
    expect((await repo.actions(incident.incidentId)).map((record) => record.status)).toEqual(['rolled_back']);
  });

  it('keeps a real done when a later attempt fails: the prior state stays, the attempt goes on the timeline', async () => {
    // Prepare
    const { incident } = await repo.openOrJoin(input());
    const base = { actionId: 'iam/deactivate-access-key', target: 'user/alice/access-key/AKIA1', dryRun: false };
    await repo.recordAction(incident.incidentId, { ...base, status: 'done', at: '2026-11-25T10:00:00.000Z', priorState: { status: 'Active' }, appliedState: { status: 'Inactive' } });
    now = new Date('2026-11-25T10:05:00.000Z');
    // Act
    const write = await repo.writeActionRecord(incident.incidentId, { ...base, status: 'failed', at: '2026-11-25T10:05:00.000Z', reason: 'AccessDenied: not authorized' });
    // Assert
    expect(write).toEqual({ written: false, kept: expect.objectContaining({ status: 'done', at: '2026-11-25T10:00:00.000Z' }) });
    expect(await repo.actions(incident.incidentId)).toEqual([
      { ...base, status: 'done', at: '2026-11-25T10:00:00.000Z', priorState: { status: 'Active' }, appliedState: { status: 'Inactive' } },
    ]);
    const kept = (await repo.timeline(incident.incidentId)).filter((entry) => entry.kind === 'action_record_kept');
    expect(kept).toEqual([
      {
        at: '2026-11-25T10:05:00.000Z',
        actor: 'firebreak',
        kind: 'action_record_kept',
        message:
          'kept the record of iam/deactivate-access-key on user/alice/access-key/AKIA1 made at 2026-11-25T10:00:00.000Z (what rollback restores): ' +
          'a later attempt failed at 2026-11-25T10:05:00.000Z (AccessDenied: not authorized) and did not replace it; the change is still in effect',
        data: {
          actionId: 'iam/deactivate-access-key',
          target: 'user/alice/access-key/AKIA1',
          attempt: { status: 'failed', dryRun: false, at: '2026-11-25T10:05:00.000Z', reason: 'AccessDenied: not authorized' },
          kept: { status: 'done', dryRun: false, at: '2026-11-25T10:00:00.000Z' },
        },
      },
    ]);
  });

  it('keeps a real done when a later attempt is skipped (also a dry-run one), each attempt on the timeline', async () => {
    // Prepare
    const { incident } = await repo.openOrJoin(input());
    const base = { actionId: 'iam/deactivate-access-key', target: 'AKIA1', dryRun: false };
    await repo.recordAction(incident.incidentId, { ...base, status: 'done', at: '2026-11-25T10:00:00.000Z', priorState: { status: 'Active' } });
    // Act
    const skipped = await repo.writeActionRecord(incident.incidentId, { ...base, status: 'skipped', at: '2026-11-25T10:01:00.000Z', reason: 'refused: principal is allowlisted' });
    const rehearsedSkip = await repo.writeActionRecord(incident.incidentId, { ...base, dryRun: true, status: 'skipped', at: '2026-11-25T10:02:00.000Z', reason: 'no key' });
    // Assert
    expect([skipped.written, rehearsedSkip.written]).toEqual([false, false]);
    expect(await repo.actions(incident.incidentId)).toEqual([expect.objectContaining({ status: 'done', dryRun: false, priorState: { status: 'Active' } })]);
    const kept = (await repo.timeline(incident.incidentId)).filter((entry) => entry.kind === 'action_record_kept');
    expect(kept.map((entry) => entry.data?.attempt)).toEqual([
      { status: 'skipped', dryRun: false, at: '2026-11-25T10:01:00.000Z', reason: 'refused: principal is allowlisted' },
      { status: 'skipped', dryRun: true, at: '2026-11-25T10:02:00.000Z', reason: 'no key' },
    ]);
    expect(kept[0]!.message).toContain('a later attempt was skipped at 2026-11-25T10:01:00.000Z (refused: principal is allowlisted)');
    expect(kept[1]!.message).toContain('a later dry-run attempt was skipped');
  });

  it('dry-run records never hide a real done, a real done replaces a dry-run one, and only a rollback replaces a real done', async () => {
    // Prepare
    const { incident } = await repo.openOrJoin(input());
    const id = incident.incidentId;
    const at = now.toISOString();
    const base = { actionId: 'iam/deactivate-access-key', target: 'AKIA1', at };
    const statuses = async () => (await repo.actions(id)).map((record) => [record.status, record.dryRun, record.priorState]);
    // Act + Assert: a dry run first, then a failed real attempt replaces it (nothing was changed by either)
    expect(await repo.writeActionRecord(id, { ...base, status: 'done', dryRun: true })).toEqual({ written: true });
    expect(await repo.writeActionRecord(id, { ...base, status: 'failed', dryRun: false, reason: 'Throttling: slow down' })).toEqual({ written: true });
    expect(await statuses()).toEqual([['failed', false, undefined]]);
    // a real done replaces the failed attempt; a dry-run done after it does not replace it
    expect(await repo.writeActionRecord(id, { ...base, status: 'done', dryRun: false, priorState: { status: 'Active' } })).toEqual({ written: true });
    expect((await repo.writeActionRecord(id, { ...base, status: 'done', dryRun: true })).written).toBe(false);
    expect(await statuses()).toEqual([['done', false, { status: 'Active' }]]);
    // a refused done (a retry) is on the timeline through its caller's action_done, not as a kept record
    expect((await repo.timeline(id)).filter((entry) => entry.kind === 'action_record_kept')).toEqual([]);
    // rollback rewrites it; after that a failed attempt is recorded (nothing is in effect to protect)
    expect(await repo.writeActionRecord(id, { ...base, status: 'rolled_back', dryRun: false, priorState: { status: 'Active' } })).toEqual({ written: true });
    expect(await repo.writeActionRecord(id, { ...base, status: 'failed', dryRun: false, reason: 'AccessDenied: no' })).toEqual({ written: true });
    expect(await statuses()).toEqual([['failed', false, undefined]]);
  });

  it('stores the execution ARN and marks an escalation only once', async () => {
    const { incident } = await repo.openOrJoin(input());
    await repo.setExecution(incident.incidentId, 'arn:aws:states:us-east-1:1:execution:pb:inc');
    expect((await repo.getOrThrow(incident.incidentId)).executionArn).toBe('arn:aws:states:us-east-1:1:execution:pb:inc');
    expect(await repo.markEscalated(incident.incidentId)).toBe(true);
    expect(await repo.markEscalated(incident.incidentId)).toBe(false);
    await expect(repo.setExecution('inc-missing', 'arn')).rejects.toThrow(NotFoundError);
  });

  it('gives every item of an incident the incident TTL', async () => {
    const { incident } = await repo.openOrJoin(input({ retentionDays: 30 }));
    await repo.recordAction(incident.incidentId, { actionId: 'a', target: 't', status: 'done', dryRun: true, at: now.toISOString() });
    const items = await table.doc.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `INCIDENT#${incident.incidentId}` } }),
    );
    expect(items.Items!.length).toBe(3);
    for (const item of items.Items!) expect(item.expiresAt).toBe(Math.floor(now.getTime() / 1000) + 30 * 86_400);
  });
});

describe('takeOverPlaybook', () => {
  const notifyOnlyIncident = async () => {
    const opener = guardDutyIamFinding({ dedupKey: 'cloudtrail:iam-user-created:1', type: 'iam-user-created', product: 'Firebreak', source: 'cloudtrail', severity: { label: 'LOW', normalized: 30 } });
    return (await repo.openOrJoin(input({ finding: opener, playbook: 'notify-only', mode: 'notify', riskScore: 30 }))).incident;
  };
  const takeover = (dedupKey: string) => ({
    finding: guardDutyIamFinding({ dedupKey }),
    playbook: 'credential-compromise',
    mode: 'approve' as const,
    riskScore: 80,
    routeReason: 'GuardDuty credential finding',
  });

  it('hands a notify-only incident to exactly one of many concurrent takers, raising severity and risk (GSI too)', async () => {
    // Prepare
    const incident = await notifyOnlyIncident();
    now = new Date('2026-11-25T10:07:00.000Z');
    // Act
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => repo.takeOverPlaybook(incident.incidentId, takeover(`guardduty:${key}`))));
    // Assert
    const winners = results.filter((result) => result.taken);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.incident;
    expect(winner).toMatchObject({ playbook: 'credential-compromise', mode: 'approve', severity: 'HIGH', riskScore: 80, version: 2, updatedAt: '2026-11-25T10:07:00.000Z' });
    for (const loser of results.filter((result) => !result.taken)) {
      expect(loser).toMatchObject({ taken: false, reason: 'the incident already has playbook credential-compromise (approve mode)' });
    }
    expect(await repo.getOrThrow(incident.incidentId)).toEqual(winner);
    expect((await repo.list({ severity: 'HIGH' })).map((i) => i.incidentId)).toEqual([incident.incidentId]);
    const entries = (await repo.timeline(incident.incidentId)).filter((entry) => entry.kind === 'playbook_takeover');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.data).toMatchObject({ to: { dedupKey: winner.primaryFinding.dedupKey }, severity: { from: 'LOW', to: 'HIGH' } });
  });

  it('refuses an incident that has an execution, a playbook of its own, or is resolved, writing nothing', async () => {
    // Prepare
    const running = await notifyOnlyIncident();
    await repo.setExecution(running.incidentId, 'arn:aws:states:us-east-1:1:execution:pb:x');
    const owned = (await repo.openOrJoin(input({ correlationKey: 'other' , finding: guardDutyIamFinding({ dedupKey: 'guardduty:own' }) }))).incident;
    // Act
    const first = await repo.takeOverPlaybook(running.incidentId, takeover('guardduty:x'));
    const second = await repo.takeOverPlaybook(owned.incidentId, takeover('guardduty:y'));
    await repo.transition(running.incidentId, 'resolved', { actor: 'alice' });
    const third = await repo.takeOverPlaybook(running.incidentId, takeover('guardduty:z'));
    // Assert
    expect(first).toMatchObject({ taken: false, reason: 'the incident already has a playbook run (notify-only, arn:aws:states:us-east-1:1:execution:pb:x)' });
    expect(second).toMatchObject({ taken: false, reason: 'the incident already has playbook credential-compromise (approve mode)' });
    expect(third).toMatchObject({ taken: false, reason: 'the incident is resolved' });
    expect(await repo.getOrThrow(running.incidentId)).toMatchObject({ playbook: 'notify-only', severity: 'LOW' });
    expect((await repo.timeline(running.incidentId)).some((entry) => entry.kind === 'playbook_takeover')).toBe(false);
  });
});

describe('list', () => {
  it('lists by status, severity and time through the GSIs, newest first', async () => {
    const make = async (key: string, at: string, label: 'HIGH' | 'CRITICAL') => {
      now = new Date(at);
      const finding = guardDutyIamFinding({ dedupKey: key, severity: { label, normalized: label === 'HIGH' ? 75 : 95 } });
      return (await repo.openOrJoin(input({ finding, correlationKey: `k:${key}` }))).incident;
    };
    const a = await make('a', '2026-11-25T08:00:00.000Z', 'HIGH');
    const b = await make('b', '2026-11-25T09:00:00.000Z', 'CRITICAL');
    const c = await make('c', '2026-11-25T10:00:00.000Z', 'HIGH');
    await repo.transition(b.incidentId, 'acknowledged', { actor: 'alice' });

    expect((await repo.list({})).map((i) => i.incidentId)).toEqual([c.incidentId, b.incidentId, a.incidentId]);
    expect((await repo.list({ status: 'open' })).map((i) => i.incidentId)).toEqual([c.incidentId, a.incidentId]);
    expect((await repo.list({ severity: 'CRITICAL' })).map((i) => i.incidentId)).toEqual([b.incidentId]);
    expect((await repo.list({ status: 'open', severity: 'HIGH', since: '2026-11-25T09:30:00.000Z' })).map((i) => i.incidentId)).toEqual([c.incidentId]);
    expect((await repo.list({ status: 'open', before: '2026-11-25T09:30:00.000Z' })).map((i) => i.incidentId)).toEqual([a.incidentId]);
    expect(await repo.list({ limit: 1 })).toHaveLength(1);
  });
});
