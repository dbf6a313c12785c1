import type { AwsStub } from 'aws-sdk-client-mock';
import { createAwsClients } from '../../../lambdas/aws/clients.js';
import type { ActionContext, Allowlists } from '../../../lambdas/actions/action.js';
import { FindingSchema, type Finding } from '../../../lambdas/core/findings/finding.js';
import type { ActionRecord } from '../../../lambdas/core/incidents/incident.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const NOW = new Date('2026-11-25T15:00:00.000Z');
export const NO_ALLOWLISTS: Allowlists = { principals: [], cidrs: [], resourceTags: [] };

/** A context on real SDK clients; tests stub the client classes with aws-sdk-client-mock. */
export function actionContext(overrides: Partial<ActionContext> = {}): ActionContext {
  return {
    clients: createAwsClients({ homeRegion: REGION }),
    target: { accountId: ACCOUNT, region: REGION },
    dryRun: false,
    incidentId: 'inc-0123456789abcdef0123',
    allowlists: NO_ALLOWLISTS,
    now: NOW,
    ...overrides,
  };
}

/** Every command a stub received, as `[Operation, input]`, in order: the exact requests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sentRequests(stub: AwsStub<any, any, any>): [string, unknown][] {
  return stub.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name.replace(/Command$/, ''), command.input];
  });
}

/** A normalized finding with the fields GuardDuty's normalizer fills; `overrides` replace top-level fields. */
export function finding(overrides: Partial<Finding> & Pick<Finding, 'type' | 'resourceClass'>): Finding {
  return FindingSchema.parse({
    dedupKey: `guardduty:${ACCOUNT}:${REGION}:${overrides.type}`,
    source: 'guardduty',
    product: 'GuardDuty',
    title: overrides.type,
    severity: { label: 'HIGH', normalized: 80, original: 8 },
    accountId: ACCOUNT,
    region: REGION,
    firstSeen: '2026-11-25T14:00:00.000Z',
    lastSeen: '2026-11-25T14:30:00.000Z',
    ...overrides,
  });
}

/** The record the act handler would store for a `done` result. */
export function doneRecord(actionId: string, target: string, priorState: unknown, appliedState: unknown, extra: Partial<ActionRecord> = {}): ActionRecord {
  return { actionId, target, status: 'done', dryRun: false, at: NOW.toISOString(), priorState, appliedState, ...extra };
}
