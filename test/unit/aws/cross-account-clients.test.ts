import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccountRefusedError, createAwsClients, roleSessionName, type AwsClientsOptions } from '../../../lambdas/aws/clients.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';

const sts = mockClient(STSClient);
const HOME = '111111111111';
const MEMBER = '222222222222';
const REGION = 'eu-west-1';
// Far in the past on purpose: the SDK's own memoization then treats every identity as expired and asks the provider each
// time, so what is observed below is this module's cache (driven by the injected clock), not the SDK's.
const T0 = new Date('2020-01-01T00:00:00.000Z');
const STATIC = { accessKeyId: 'AKIAHOMEEXAMPLE', secretAccessKey: 'home-secret' };

function memberAccounts(extra: Record<string, unknown> = {}) {
  return parseFirebreakConfig({ memberAccounts: { externalId: 'firebreak-ext-42', sessionDurationSeconds: 1200, ...extra } }).memberAccounts;
}

function clientsAt(clock: { now: Date }, members = memberAccounts(), extra: Partial<AwsClientsOptions> = {}) {
  return createAwsClients({
    homeRegion: 'us-east-1',
    now: () => clock.now,
    // The STS client itself runs on the home credentials; static ones keep the SDK off the real credential chain.
    overrides: { sts: { credentials: STATIC } },
    crossAccount: { homeAccountId: HOME, partition: 'aws', memberAccounts: members },
    ...extra,
  });
}

let issued = 0;
function stsIssues(lifetimeMs: number, clock: { now: Date }) {
  sts.on(AssumeRoleCommand).callsFake(() => {
    issued += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIAMEMBER${issued}`,
        SecretAccessKey: `secret-${issued}`,
        SessionToken: `token-${issued}`,
        Expiration: new Date(clock.now.getTime() + lifetimeMs),
      },
    };
  });
}

async function credentialsOf(client: IAMClient) {
  const provider = client.config.credentials as () => Promise<{ accessKeyId: string; sessionToken?: string }>;
  return provider();
}

beforeEach(() => {
  sts.reset();
  issued = 0;
});

describe('createAwsClients across accounts', () => {
  it('a member-account client runs on the role assumed there, with the exact AssumeRole request', async () => {
    // Prepare
    const clock = { now: T0 };
    stsIssues(20 * 60_000, clock);
    const clients = clientsAt(clock);
    // Act
    const iam = clients.get('iam', { accountId: MEMBER, region: REGION, session: 'inc-20261125-abc' });
    const credentials = await credentialsOf(iam);
    // Assert
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAMEMBER1', sessionToken: 'token-1' });
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: `arn:aws:iam::${MEMBER}:role/FirebreakResponder`,
        RoleSessionName: 'firebreak-inc-20261125-abc',
        ExternalId: 'firebreak-ext-42',
        DurationSeconds: 1200,
      },
    ]);
    expect(await iam.config.region()).toBe(REGION);
  });

  it('reuses the session credentials across clients and calls until shortly before they expire, then assumes again', async () => {
    // Prepare
    const clock = { now: T0 };
    stsIssues(15 * 60_000, clock);
    const clients = clientsAt(clock);
    const target = { accountId: MEMBER, region: REGION, session: 'inc-1' };
    const iam = clients.get('iam', target);
    await credentialsOf(iam);
    // Act
    clock.now = new Date(T0.getTime() + 9 * 60_000); // 6 minutes left: still good
    const reused = [await credentialsOf(iam), await credentialsOf(clients.get('ec2', target) as unknown as IAMClient)];
    clock.now = new Date(T0.getTime() + 11 * 60_000); // 4 minutes left: inside the refresh margin
    const refreshed = await credentialsOf(iam);
    // Assert
    expect(reused.map((c) => c.accessKeyId)).toEqual(['ASIAMEMBER1', 'ASIAMEMBER1']);
    expect(refreshed.accessKeyId).toBe('ASIAMEMBER2');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('concurrent first calls share one AssumeRole', async () => {
    // Prepare
    const clock = { now: T0 };
    stsIssues(15 * 60_000, clock);
    const clients = clientsAt(clock);
    const target = { accountId: MEMBER, region: REGION, session: 'inc-2' };
    // Act
    const all = await Promise.all([credentialsOf(clients.get('iam', target)), credentialsOf(clients.get('iam', target))]);
    // Assert
    expect(all.map((c) => c.accessKeyId)).toEqual(['ASIAMEMBER1', 'ASIAMEMBER1']);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('each incident has its own session (its name shows in the member CloudTrail)', async () => {
    // Prepare
    const clock = { now: T0 };
    stsIssues(15 * 60_000, clock);
    const clients = clientsAt(clock);
    // Act
    await credentialsOf(clients.get('iam', { accountId: MEMBER, region: REGION, session: 'inc-a' }));
    await credentialsOf(clients.get('iam', { accountId: MEMBER, region: REGION, session: 'inc-b' }));
    // Assert
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleSessionName)).toEqual(['firebreak-inc-a', 'firebreak-inc-b']);
  });

  it('keeps the 32 most recent sessions of a warm container: the oldest is dropped, and assumed again if needed', async () => {
    // Prepare: 33 incidents in one member account, each with its own session.
    const clock = { now: T0 };
    stsIssues(15 * 60_000, clock);
    const clients = clientsAt(clock);
    const target = (n: number) => ({ accountId: MEMBER, region: REGION, session: `inc-${n}` });
    for (let n = 0; n < 33; n++) await credentialsOf(clients.get('iam', target(n)));
    // Act: the most recent session is reused; the first one was dropped and is assumed anew.
    await credentialsOf(clients.get('iam', target(32)));
    await credentialsOf(clients.get('iam', target(0)));
    // Assert
    const sessions = sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleSessionName);
    expect(sessions).toHaveLength(34);
    expect(sessions.at(-1)).toBe('firebreak-inc-0');
    expect(sessions.filter((name) => name === 'firebreak-inc-32')).toHaveLength(1);
  });

  it('omits ExternalId when none is configured and uses the partition of the deployment', async () => {
    // Prepare
    const clock = { now: T0 };
    stsIssues(15 * 60_000, clock);
    const members = parseFirebreakConfig({ memberAccounts: { roleName: 'SecOpsContain' } }).memberAccounts;
    const clients = clientsAt(clock, members, {
      crossAccount: { homeAccountId: HOME, partition: 'aws-us-gov', memberAccounts: members },
    });
    // Act
    await credentialsOf(clients.get('iam', { accountId: MEMBER, region: 'us-gov-west-1', session: 'inc-3' }));
    // Assert
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: `arn:aws-us-gov:iam::${MEMBER}:role/SecOpsContain`,
      RoleSessionName: 'firebreak-inc-3',
      DurationSeconds: 900,
    });
  });

  it('refuses an account outside allowedAccounts before any STS call', () => {
    // Prepare
    const clients = clientsAt({ now: T0 }, memberAccounts({ allowedAccounts: ['333333333333'] }));
    const target = { accountId: MEMBER, region: REGION, session: 'inc-4' };
    // Act
    const attempt = () => clients.get('iam', target);
    // Assert
    expect(attempt).toThrow(AccountRefusedError);
    expect(attempt).toThrow(`account ${MEMBER} is not in memberAccounts.allowedAccounts (333333333333)`);
    expect(clients.access(target)).toEqual({ via: 'refused', reason: `account ${MEMBER} is not in memberAccounts.allowedAccounts (333333333333)` });
    expect(sts.calls()).toHaveLength(0);
  });

  it('refuses every other account when memberAccounts is not configured', () => {
    // Prepare
    const clients = clientsAt({ now: T0 }, undefined, { crossAccount: { homeAccountId: HOME, memberAccounts: undefined } });
    // Act
    const attempt = () => clients.get('iam', { accountId: MEMBER, region: REGION });
    // Assert
    expect(attempt).toThrow(`finding is for account ${MEMBER}; Firebreak is deployed in ${HOME} and memberAccounts is not configured`);
    expect(sts.calls()).toHaveLength(0);
  });

  it('serves the home account (by id or as self) with its own credentials, never assuming', async () => {
    // Prepare
    const clients = clientsAt({ now: T0 }, memberAccounts(), { overrides: { iam: { credentials: STATIC }, sts: { credentials: STATIC } } });
    // Act
    const byId = clients.get('iam', { accountId: HOME, region: REGION, session: 'inc-5' });
    const self = clients.get('iam', { accountId: 'self', region: REGION });
    const credentials = [await credentialsOf(byId), await credentialsOf(self)];
    // Assert
    expect(credentials.map((c) => c.accessKeyId)).toEqual(['AKIAHOMEEXAMPLE', 'AKIAHOMEEXAMPLE']);
    expect(clients.access({ accountId: HOME, region: REGION })).toEqual({ via: 'home' });
    expect(sts.calls()).toHaveLength(0);
  });

  it('without cross-account options every target keeps the function credentials (Lambdas other than act)', () => {
    // Prepare
    const clients = createAwsClients({ homeRegion: 'us-east-1' });
    // Act
    const access = clients.access({ accountId: MEMBER, region: REGION });
    // Assert
    expect(access).toEqual({ via: 'home' });
    expect(() => clients.get('securityHub', { accountId: MEMBER, region: REGION })).not.toThrow();
  });
});

describe('roleSessionName', () => {
  it.each([
    ['inc-20261125-abc', 'firebreak-inc-20261125-abc'],
    ['inc/with spaces:and#hash', 'firebreak-inc-with-spaces-and-hash'],
    [undefined, 'firebreak-session'],
  ])('%s → %s (STS allows [\\w+=,.@-])', (session, expected) => {
    // Act
    const name = roleSessionName(session);
    // Assert
    expect(name).toBe(expected);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('cuts long ids to STS limit of 64 characters', () => {
    // Act
    const name = roleSessionName('x'.repeat(100));
    // Assert
    expect(name).toHaveLength(64);
    expect(name.startsWith('firebreak-xxx')).toBe(true);
  });
});
