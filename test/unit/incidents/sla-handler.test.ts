import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IncidentNotifier } from '../../../lambdas/notify/incident-notifier.js';
import { createSlaHandler } from '../../../lambdas/sla/handler.js';
import { powertoolsSlaMetrics, type SlaMetrics } from '../../../lambdas/sla/sla-metrics.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';
import { recordingPublisher, testClock } from '../../support/workflow-testbed.js';

const TARGETS = { critical: 900, high: 3600, medium: 14_400, low: 86_400 };

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.stop();
});

function metricsRecorder(): SlaMetrics & { breaches: [string, number][]; gauges: number[] } {
  const breaches: [string, number][] = [];
  const gauges: number[] = [];
  return { breaches, gauges, breach: (severity, overdue) => breaches.push([severity, overdue]), unacknowledged: (count) => gauges.push(count) };
}

async function setup() {
  const clock = testClock('2026-11-25T10:00:00.000Z');
  const tableName = await table.createTable();
  const repository = new IncidentRepository(table.doc, tableName, clock);
  const publisher = recordingPublisher();
  const metrics = metricsRecorder();
  const sweep = createSlaHandler({
    repository,
    notifier: new IncidentNotifier({ repository, publisher, responseTimeTargets: TARGETS }),
    metrics,
    targets: TARGETS,
    clock,
  });
  const open = async (key: string, label: 'CRITICAL' | 'HIGH' | 'MEDIUM') =>
    (
      await repository.openOrJoin({
        finding: guardDutyIamFinding({ dedupKey: key, severity: { label, normalized: label === 'CRITICAL' ? 95 : label === 'HIGH' ? 75 : 50 } }),
        riskScore: 70,
        correlationKey: `k:${key}`,
        playbook: 'credential-compromise',
        mode: 'approve',
        retentionDays: 365,
        correlationWindowSeconds: 3600,
      })
    ).incident;
  return { clock, repository, publisher, metrics, sweep, open };
}

describe('SLA sweep', () => {
  it('escalates each unacknowledged incident once, when its severity target passes', async () => {
    const { clock, repository, publisher, metrics, sweep, open } = await setup();
    const critical = await open('critical', 'CRITICAL');
    const high = await open('high', 'HIGH');
    const acked = await open('acked', 'CRITICAL');
    await repository.acknowledge(acked.incidentId, { actor: 'alice' });

    clock.set('2026-11-25T10:14:59.000Z');
    const early = await sweep();
    clock.set('2026-11-25T10:16:00.000Z');
    const afterCritical = await sweep();
    clock.set('2026-11-25T10:20:00.000Z');
    const again = await sweep();
    clock.set('2026-11-25T11:00:00.000Z');
    const afterHigh = await sweep();

    expect(early.escalated).toEqual([]);
    expect(afterCritical.escalated).toEqual([{ incidentId: critical.incidentId, severity: 'CRITICAL', overdueSeconds: 60, notification: 'sent' }]);
    expect(again.escalated).toEqual([]);
    expect(afterHigh.escalated.map((entry) => entry.incidentId)).toEqual([high.incidentId]);
    expect(publisher.sent.map((message) => [message.attributes.event, message.json.incident.incidentId])).toEqual([
      ['escalation', critical.incidentId],
      ['escalation', high.incidentId],
    ]);
    expect(publisher.sent[0]!.subject).toMatch(/^\[Firebreak CRITICAL\] ESCALATION: not acknowledged in time: /);
    expect(publisher.sent[0]!.text).toContain('the CRITICAL response-time target is 15m');
    expect(metrics.breaches).toEqual([
      ['CRITICAL', 60],
      ['HIGH', 0],
    ]);
    expect((await repository.getOrThrow(critical.incidentId)).escalatedAt).toBe('2026-11-25T10:16:00.000Z');
    expect((await repository.timeline(critical.incidentId)).find((entry) => entry.kind === 'escalated')?.message).toBe(
      'not acknowledged within the CRITICAL response-time target of 15m (1m over)',
    );
    expect(await repository.getOrThrow(acked.incidentId)).not.toHaveProperty('escalatedAt');
  });

  it('sends one escalation even when two sweeps overlap', async () => {
    const { clock, publisher, sweep, open } = await setup();
    await open('critical', 'CRITICAL');
    clock.set('2026-11-25T10:30:00.000Z');

    const [first, second] = await Promise.all([sweep(), sweep()]);

    expect(first.escalated.length + second.escalated.length).toBe(1);
    expect(publisher.sent).toHaveLength(1);
  });

  it('counts unacknowledged incidents, including those automation contained, and stops counting once acknowledged', async () => {
    const { clock, repository, metrics, sweep, open } = await setup();
    const contained = await open('contained', 'HIGH');
    await repository.transition(contained.incidentId, 'contained', { actor: 'firebreak' });
    await open('medium', 'MEDIUM');
    clock.set('2026-11-25T12:00:00.000Z');

    const before = await sweep();
    await repository.acknowledge(contained.incidentId, { actor: 'bob' });
    const after = await sweep();

    expect(before).toMatchObject({ checked: 2, unacknowledged: 2 });
    expect(before.escalated.map((entry) => entry.incidentId)).toEqual([contained.incidentId]);
    expect(after).toMatchObject({ unacknowledged: 1 });
    expect(metrics.gauges).toEqual([2, 1]);
  });

  it('shows the time to acknowledge, contain and resolve on the incident', async () => {
    const { clock, repository, open } = await setup();
    const incident = await open('durations', 'HIGH');
    clock.set('2026-11-25T10:05:00.000Z');
    await repository.acknowledge(incident.incidentId, { actor: 'alice' });
    clock.set('2026-11-25T10:12:30.000Z');
    await repository.transition(incident.incidentId, 'contained', { actor: 'firebreak' });
    clock.set('2026-11-25T12:00:00.000Z');
    await repository.transition(incident.incidentId, 'resolved', { actor: 'alice' });

    const { incidentDurations } = await import('../../../lambdas/core/incidents/lifecycle.js');
    expect(incidentDurations(await repository.getOrThrow(incident.incidentId))).toEqual({
      timeToAcknowledge: 300,
      timeToContain: 750,
      timeToResolve: 7200,
    });
  });
});

describe('powertoolsSlaMetrics', () => {
  it('emits CloudWatch EMF lines with the severity dimension', () => {
    // Dev mode routes EMF to the global console (spied here); it also disables metrics unless told otherwise.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const metrics = powertoolsSlaMetrics(new Metrics({ namespace: 'Firebreak', serviceName: 'firebreak-sla' }));
      metrics.breach('CRITICAL', 60);
      metrics.unacknowledged(3);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } });
    expect(emf.map((entry) => entry._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name)).toEqual(['SlaBreaches', 'SlaOverdueSeconds', 'UnacknowledgedIncidents']);
    expect(emf[0]).toMatchObject({ SlaBreaches: 1, severity: 'CRITICAL', service: 'firebreak-sla' });
    expect(emf[0]!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Firebreak', Dimensions: [['service', 'severity']] });
    expect(emf[1]).toMatchObject({ SlaOverdueSeconds: 60 });
    expect(emf[2]).toMatchObject({ UnacknowledgedIncidents: 3 });
  });
});
