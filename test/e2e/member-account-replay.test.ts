import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../lib/local/local-runtime.js';
import { renderReplay } from '../../lib/local/render-replay.js';

// A delegated-admin deployment on a laptop. The corpus event is one: EventBridge delivered it in account 101010101111 (the
// aggregating account, where Firebreak runs) about a GuardDuty finding of member account 883606788610.
const EVENT = JSON.parse(readFileSync(new URL('../fixtures/integration/guardduty-iam-credential-finding.json', import.meta.url), 'utf8')) as {
  account: string;
  detail: { accountId: string };
};
const SECURITY_ACCOUNT = EVENT.account;
const MEMBER = EVENT.detail.accountId;

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function replay(config: Record<string, unknown>, options: { approve?: boolean } = {}) {
  runtime = await createLocalRuntime({ accountId: SECURITY_ACCOUNT, region: 'us-east-1', config: { severityThreshold: 'LOW', ...config } });
  return runtime.replay(structuredClone(EVENT), options);
}

describe('member-account findings in the local runtime (dry run)', () => {
  it('shows the AssumeRole into the member account before the containment calls it asks approval for', async () => {
    // Act
    const pending = await replay({ memberAccounts: { externalId: 'org-firebreak' } });
    // Assert
    const incidentId = pending.incident!.incidentId;
    const assumeRole = {
      service: 'sts',
      operation: 'AssumeRole',
      params: { RoleArn: `arn:aws:iam::${MEMBER}:role/FirebreakResponder`, RoleSessionName: `firebreak-${incidentId}`, DurationSeconds: 900, ExternalId: 'org-firebreak' },
    };
    const [first] = pending.pendingApprovals[0]!.wouldRun.filter((step) => step.status === 'planned' && step.calls.length > 0);
    expect(first?.calls[0]).toEqual(assumeRole);
    expect(first?.calls[1]).toMatchObject({ service: 'iam', operation: 'UpdateAccessKey' });
    expect(renderReplay(pending, 'guardduty-iam-credential-finding.json')).toContain(`sts AssumeRole ${JSON.stringify(assumeRole.params)}`);
  });

  it('approved, every step with calls plans its AssumeRole first, and nothing reaches AWS', async () => {
    // Act
    const result = await replay({ memberAccounts: {} }, { approve: true });
    // Assert
    const planned = result.calls.filter((call) => call.origin === 'planned');
    const byAction = new Map<string, typeof planned>();
    for (const call of planned) byAction.set(call.by, [...(byAction.get(call.by) ?? []), call]);
    expect(byAction.size).toBeGreaterThan(1);
    for (const [action, calls] of byAction) {
      expect(calls[0], action).toMatchObject({ service: 'sts', operation: 'AssumeRole', params: { RoleArn: `arn:aws:iam::${MEMBER}:role/FirebreakResponder` } });
      expect(calls.filter((call) => call.operation === 'AssumeRole'), action).toHaveLength(1);
    }
    expect(planned.map((call) => call.operation)).toEqual(expect.arrayContaining(['UpdateAccessKey', 'PutUserPolicy']));
    expect(result.calls.filter((call) => call.origin === 'intercepted' && ['sts', 'iam'].includes(call.service))).toEqual([]);
  });

  it('an account outside allowedAccounts is refused, with the reason on the plan and the timeline', async () => {
    // Act
    const pending = await replay({ memberAccounts: { allowedAccounts: ['222222222222'] } });
    const reason = `account ${MEMBER} is not in memberAccounts.allowedAccounts (222222222222)`;
    // Assert
    const applicable = pending.pendingApprovals[0]!.wouldRun.filter((step) => step.status !== 'not-applicable');
    expect(applicable.length).toBeGreaterThan(0);
    expect(applicable.map((step) => ({ status: step.status, reason: step.reason }))).toEqual(applicable.map(() => ({ status: 'refused', reason })));
    await runtime!.close();
    const approved = await replay({ memberAccounts: { allowedAccounts: ['222222222222'] } }, { approve: true });
    expect(approved.calls.filter((call) => call.origin === 'planned')).toEqual([]);
    expect(approved.timeline.filter((entry) => entry.kind === 'action_refused').map((entry) => entry.message)).toEqual(
      expect.arrayContaining([expect.stringContaining(reason)]),
    );
  });
});
