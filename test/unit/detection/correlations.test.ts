import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { DynamoCorrelationWindowStore } from '../../../lambdas/store/correlation-window-store.js';
import { InMemoryCorrelationWindowStore, type CorrelationWindowStore } from '../../../lambdas/core/rules/correlation-window.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { cloudTrailFixture } from '../rules/cloudtrail-fixtures.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');

/** The real failed ConsoleLogin record, re-timed and re-identified as the n-th attempt, inside its EventBridge envelope. */
function failedLogin(n: number, opts: { ip?: string; user?: string; spacingMs?: number } = {}) {
  const record = structuredClone(cloudTrailFixture('panther:aws_console_root_login_failed#0')) as Record<string, any>;
  record.eventTime = new Date(T0 + n * (opts.spacingMs ?? 20_000)).toISOString().replace('.000', '');
  record.eventID = `failed-login-${n}-${opts.user ?? 'root'}`;
  record.sourceIPAddress = opts.ip ?? '203.0.113.7';
  if (opts.user) record.userIdentity = { type: 'IAMUser', accountId: '123456789012', principalId: 'HIDDEN', userName: opts.user };
  return { version: '0', id: `evt-${record.eventID}`, 'detail-type': 'AWS Console Sign In via CloudTrail', source: 'aws.signin', account: '123456789012', time: record.eventTime, region: 'us-east-1', resources: [], detail: record };
}

async function run(events: unknown[], store: CorrelationWindowStore, configInput: object = {}) {
  const config = parseFirebreakConfig(configInput);
  const perEvent: string[][] = [];
  for (const event of events) {
    const outcome = await detectEvents(event, { config, now: new Date(T0), windowStore: store });
    if (outcome.kind !== 'detected') throw new Error(outcome.reason);
    perEvent.push(outcome.findings.map((f) => `${f.finding.ruleId}:${f.finding.dedupKey}`));
  }
  return perEvent;
}

describe('correlation rules on DynamoDB (dynalite)', () => {
  let table: TestTable;
  let store: DynamoCorrelationWindowStore;
  beforeAll(async () => {
    table = await startTestTable();
    store = new DynamoCorrelationWindowStore(table.doc, table.tableName);
  });
  afterAll(async () => table.stop());

  it('brute force by source IP fires at the 10th failure within 10 minutes, once per window', async () => {
    // Prepare
    const events = Array.from({ length: 12 }, (_, n) => failedLogin(n, { ip: '203.0.113.10' }));
    // Act
    const perEvent = await run(events, store);
    // Assert: single failures are not findings; the correlation appears at the 10th and keeps its dedupKey.
    expect(perEvent.slice(0, 9).flat().filter((f) => f.startsWith('console-brute-force-by-ip'))).toEqual([]);
    const hits = perEvent.slice(9).map((fs) => fs.filter((f) => f.startsWith('console-brute-force-by-ip')));
    expect(hits.map((h) => h.length)).toEqual([1, 0, 0]);
    expect(hits[0]![0]).toMatch(/^console-brute-force-by-ip:cloudtrail:console-brute-force-by-ip:203\.0\.113\.10:\d+$/);
    expect(perEvent.flat().some((f) => f.startsWith('console-login-failed'))).toBe(false);
  });

  it('a redelivery of the event that fired the window fires it again (its incident may not have been written); later events do not', async () => {
    // Prepare: the 10th failure fires; Lambda then retries that same event (the first invocation failed), then an 11th.
    const events = Array.from({ length: 10 }, (_, n) => failedLogin(n, { ip: '203.0.113.20' }));
    const tenth = events[9]!;
    // Act
    const perEvent = await run([...events, structuredClone(tenth), failedLogin(10, { ip: '203.0.113.20' })], store);
    // Assert: the same dedup key at the 10th and at its redelivery (the incident store keeps one incident), nothing after.
    const hits = perEvent.map((fs) => fs.filter((f) => f.startsWith('console-brute-force-by-ip')));
    expect(hits.map((h) => h.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
    expect(hits[10]).toEqual(hits[9]);
  });

  it('failures spread wider than the window never fire', async () => {
    // Prepare: 12 failures two minutes apart → at most 5 in any 10-minute window.
    const events = Array.from({ length: 12 }, (_, n) => failedLogin(n, { ip: '203.0.113.11', spacingMs: 120_000 }));
    // Act
    const perEvent = await run(events, store);
    // Assert
    expect(perEvent.flat().filter((f) => f.startsWith('console-brute-force-by-ip'))).toEqual([]);
  });

  it('threshold and window come from config (detection.correlations)', async () => {
    // Prepare
    const events = Array.from({ length: 3 }, (_, n) => failedLogin(n, { ip: '203.0.113.12' }));
    // Act
    const perEvent = await run(events, store, { detection: { correlations: { 'console-brute-force-by-ip': { threshold: 3, window: '2m' } } } });
    // Assert
    expect(perEvent[1]!.filter((f) => f.startsWith('console-brute-force-by-ip'))).toEqual([]);
    expect(perEvent[2]!.filter((f) => f.startsWith('console-brute-force-by-ip'))).toHaveLength(1);
  });

  it('brute force per user: many addresses, one user name', async () => {
    // Prepare
    const events = Array.from({ length: 10 }, (_, n) => failedLogin(n, { ip: `198.51.100.${n + 1}`, user: 'alice' }));
    // Act
    const perEvent = await run(events, store);
    // Assert
    expect(perEvent[9]!.filter((f) => f.startsWith('console-brute-force-by-user'))).toEqual([
      expect.stringMatching(/^console-brute-force-by-user:cloudtrail:console-brute-force-by-user:alice:\d+$/),
    ]);
  });

  it('value_count: password spraying = 5 distinct user names from one address', async () => {
    // Prepare
    const users = ['ann', 'bob', 'cid', 'dee', 'eve'];
    const events = users.map((user, n) => failedLogin(n, { ip: '192.0.2.50', user }));
    // Act
    const perEvent = await run(events, store);
    // Assert
    expect(perEvent[3]!.filter((f) => f.startsWith('console-password-spray'))).toEqual([]);
    expect(perEvent[4]!.filter((f) => f.startsWith('console-password-spray'))).toHaveLength(1);
  });

  it('state is TTL-bounded items under CORR# (no scan needed to read a window)', async () => {
    // Prepare
    await run([failedLogin(0, { ip: '192.0.2.99' })], store);
    const bucket = Math.floor(Date.parse(failedLogin(0).detail.eventTime) / 60_000);
    // Act
    const item = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'CORR#console-brute-force-by-ip#192.0.2.99', sk: `M#b${bucket}` } }),
    );
    // Assert
    expect(item.Item).toMatchObject({ count: 1, lastSeenMs: Date.parse(failedLogin(0).detail.eventTime) });
    expect(item.Item!.expiresAt).toBe(Math.ceil(Date.parse(failedLogin(0).detail.eventTime) / 1000) + 660);
  });
});

describe('temporal and volume correlations (in-memory store)', () => {
  it('new admin role: CreateRole then AdministratorAccess on the same role within 15 minutes', async () => {
    // Prepare
    const create = structuredClone(cloudTrailFixture('panther:aws_iam_create_role#0')) as Record<string, any>;
    const attach = structuredClone(cloudTrailFixture('panther:aws_iam_attach_admin_role_policy#0')) as Record<string, any>;
    create.eventTime = '2026-03-01T10:00:00Z';
    attach.eventTime = '2026-03-01T10:05:00Z';
    // Act
    const perEvent = await run([create, attach], new InMemoryCorrelationWindowStore());
    // Assert
    expect(perEvent[0]!.map((f) => f.split(':')[0])).toEqual(['iam-role-created']);
    expect(perEvent[1]!.map((f) => f.split(':')[0]).sort()).toEqual(['iam-admin-policy-attached', 'new-admin-role']);
  });

  it('anomalous volume: 100 changes by one principal in 5 minutes', async () => {
    // Prepare
    const base = cloudTrailFixture('panther:aws_iam_create_user#0') as Record<string, any>;
    const events = Array.from({ length: 100 }, (_, n) => ({
      ...structuredClone(base),
      eventID: `mass-${n}`,
      eventTime: new Date(T0 + n * 2000).toISOString(),
      requestParameters: { userName: `u${n}` },
    }));
    // Act
    const perEvent = await run(events, new InMemoryCorrelationWindowStore());
    // Assert
    expect(perEvent[98]!.filter((f) => f.startsWith('anomalous-volume-by-principal'))).toEqual([]);
    expect(perEvent[99]!.filter((f) => f.startsWith('anomalous-volume-by-principal'))).toHaveLength(1);
  });

  it('without a window store, correlation rules are skipped and single rules still fire', async () => {
    // Prepare
    const config = parseFirebreakConfig({});
    // Act
    const outcome = await detectEvents(cloudTrailFixture('panther:aws_cloudtrail_stopped#0'), { config, now: new Date(T0) });
    // Assert
    expect(outcome.kind === 'detected' && outcome.findings.map((f) => f.finding.ruleId)).toEqual(['cloudtrail-logging-stopped']);
  });
});

describe('anomalous volume: far above its peers', () => {
  function mutating(n: number, user: string) {
    const base = structuredClone(cloudTrailFixture('panther:aws_iam_create_user#0')) as Record<string, any>;
    base.eventID = `${user}-${n}`;
    base.eventTime = new Date(T0 + n * 1000).toISOString().replace('.000', '');
    base.userIdentity = { ...base.userIdentity, arn: `arn:aws:sts::123456789012:assumed-role/${user}/s` };
    base.sourceIPAddress = `198.51.100.${user.length}`;
    base.requestParameters = { userName: `${user}-u${n}` };
    return base;
  }

  it('30 changes by one principal while 4 peers make 5 each → fires (5 × mean 5 = 25 ≤ 30), below the absolute 100', async () => {
    // Prepare: peers first, then the outlier.
    const events = [...['ann', 'bob', 'cid', 'dee'].flatMap((u) => Array.from({ length: 5 }, (_, n) => mutating(n, u))), ...Array.from({ length: 30 }, (_, n) => mutating(n, 'mallory'))];
    // Act
    const perEvent = await run(events, new InMemoryCorrelationWindowStore());
    // Assert
    const hits = perEvent.flatMap((fs, i) => fs.filter((f) => f.startsWith('anomalous-volume-by-principal')).map((f) => `${i}:${f.split(':')[3]}`));
    expect(hits).toEqual([`${20 + 29}:arn`]);
  });

  it('everyone equally busy → no peer outlier', async () => {
    // Prepare
    const events = ['ann', 'bob', 'cid', 'dee', 'eve'].flatMap((u) => Array.from({ length: 30 }, (_, n) => mutating(n, u)));
    // Act
    const perEvent = await run(events, new InMemoryCorrelationWindowStore());
    // Assert
    expect(perEvent.flat().filter((f) => f.startsWith('anomalous-volume-by-principal'))).toEqual([]);
  });

  it('peer statistics are written once per group and time bucket, not once per event', async () => {
    // Prepare: 5 principals × 20 changes within one 30-second bucket, then one event in the next bucket.
    const store = new InMemoryCorrelationWindowStore();
    const adds: { key: string; member: string; count: number }[] = [];
    const addSync = store.addSync.bind(store);
    store.addSync = (key, member, atMs, ttlSeconds, count = 1) => {
      adds.push({ key, member, count });
      addSync(key, member, atMs, ttlSeconds, count);
    };
    const users = ['ann', 'bob', 'cid', 'dee', 'eve'];
    const events = Array.from({ length: 20 }, (_, n) => users.map((u) => ({ ...mutating(0, u), eventID: `${u}-${n}` }))).flat();
    const later = mutating(40, 'ann');
    // Act
    await run([...events, later], store);
    // Assert: nothing written while the bucket was open; then one add per principal (and per source address, the
    // other peer-relative rule) carrying its 20 events.
    const byPrincipal = adds.filter((a) => a.key === 'anomalous-volume-by-principal#*peers');
    expect(byPrincipal.map((a) => a.count)).toEqual([20, 20, 20, 20, 20]);
    expect(byPrincipal.map((a) => a.member.split('|')[1]).sort()).toEqual(users.map((u) => `arn:aws:sts::123456789012:assumed-role/${u}/s`));
    expect(adds.filter((a) => a.key === 'anomalous-volume-by-source-ip#*peers').reduce((n, a) => n + a.count, 0)).toBe(100);
  });

  it('a fresh window store starts fresh counts: no state leaks from one store to the next', async () => {
    // Prepare: the same 30 + 4 × 5 events twice, each time into a new store (as two CLI runs would).
    const events = [...['ann', 'bob', 'cid', 'dee'].flatMap((u) => Array.from({ length: 5 }, (_, n) => mutating(n, u))), ...Array.from({ length: 30 }, (_, n) => mutating(n, 'mallory'))];
    // Act
    const first = await run(events, new InMemoryCorrelationWindowStore());
    const second = await run(events, new InMemoryCorrelationWindowStore());
    // Assert: the outlier fires in both runs, at the same event.
    const outliers = (perEvent: string[][]) => perEvent.flatMap((fs, i) => (fs.some((f) => f.startsWith('anomalous-volume-by-principal')) ? [i] : []));
    expect(outliers(first)).toEqual([49]);
    expect(outliers(second)).toEqual([49]);
  });

  it('two containers sharing one store: the outlier seen by one is measured against the peers seen by the other', async () => {
    // Prepare: two detect "containers" (one detector each: distinct config objects) on one store. Container A sees the
    // four peers, then one more event a bucket later (which writes its counts); container B sees only mallory.
    const store = new InMemoryCorrelationWindowStore();
    const containerA = parseFirebreakConfig({});
    const containerB = parseFirebreakConfig({});
    const detect = async (config: typeof containerA, event: unknown) => {
      const outcome = await detectEvents(event, { config, now: new Date(T0), windowStore: store });
      if (outcome.kind !== 'detected') throw new Error(outcome.reason);
      return outcome.findings.filter((f) => f.finding.ruleId === 'anomalous-volume-by-principal');
    };
    for (const u of ['ann', 'bob', 'cid', 'dee']) for (let n = 0; n < 5; n++) await detect(containerA, mutating(n, u));
    await detect(containerA, mutating(35, 'ann'));
    // Act
    const perEvent: number[] = [];
    for (let n = 40; n < 70; n++) perEvent.push((await detect(containerB, mutating(n, 'mallory'))).length);
    // B also meets one of A's principals: its tally from the peer read becomes B's own group, not a second peer.
    const annInB = await detect(containerB, mutating(70, 'ann'));
    // Assert: fires at mallory's 30th change (30 ≥ 5 × mean 5 of 4 peers), once.
    expect(perEvent.indexOf(1)).toBe(29);
    expect(perEvent.filter((n) => n > 0)).toHaveLength(1);
    expect(annInB).toEqual([]);
  });

  it('peer statistics work on DynamoDB too', async () => {
    // Prepare
    const table = await startTestTable();
    try {
      const events = [...['ann', 'bob', 'cid'].flatMap((u) => Array.from({ length: 2 }, (_, n) => mutating(n, u))), ...Array.from({ length: 30 }, (_, n) => mutating(n, 'mallory'))];
      // Act
      const perEvent = await run(events, new DynamoCorrelationWindowStore(table.doc, table.tableName));
      // Assert
      expect(perEvent[35]!.filter((f) => f.startsWith('anomalous-volume-by-principal'))).toHaveLength(1);
      expect(perEvent.slice(0, 35).flat().filter((f) => f.startsWith('anomalous-volume-by-principal'))).toEqual([]);
    } finally {
      await table.stop();
    }
  });
});
