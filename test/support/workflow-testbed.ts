import { IncidentRepository, type OpenOrJoinInput } from '../../lambdas/store/incident-repository.js';
import type { Incident } from '../../lambdas/core/incidents/incident.js';
import type { RenderedNotification } from '../../lambdas/core/notifications/render-notification.js';
import type { NotificationPublisher } from '../../lambdas/notify/notification-publisher.js';
import type { TestTable } from './dynalite.js';
import { guardDutyIamFinding, principalCorrelationKey } from './workflow-findings.js';

/** A controllable clock: tests move time explicitly. */
export interface TestClock {
  (): Date;
  set(iso: string): void;
  advance(seconds: number): void;
}

export function testClock(start = '2026-11-25T10:00:00.000Z'): TestClock {
  let now = new Date(start);
  const clock = (() => now) as TestClock;
  clock.set = (iso) => {
    now = new Date(iso);
  };
  clock.advance = (seconds) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  return clock;
}

/** Publisher that keeps what it was given (the SNS wire format is tested separately with a mocked SNS client). */
export function recordingPublisher(): NotificationPublisher & { sent: RenderedNotification[] } {
  const sent: RenderedNotification[] = [];
  return {
    sent,
    async publish(notification) {
      sent.push(notification);
      return { messageId: `msg-${sent.length}` };
    },
  };
}

/** Opens the corpus GuardDuty IAM finding as an incident on a fresh table. */
export async function openTestIncident(
  table: TestTable,
  clock: TestClock,
  overrides: Partial<OpenOrJoinInput> = {},
): Promise<{ tableName: string; repository: IncidentRepository; incident: Incident }> {
  const tableName = await table.createTable();
  const repository = new IncidentRepository(table.doc, tableName, clock);
  const finding = overrides.finding ?? guardDutyIamFinding();
  const { incident } = await repository.openOrJoin({
    finding,
    riskScore: 82,
    correlationKey: principalCorrelationKey(finding),
    playbook: 'credential-compromise',
    mode: 'approve',
    retentionDays: 365,
    correlationWindowSeconds: 3600,
    ...overrides,
  });
  return { tableName, repository, incident };
}
