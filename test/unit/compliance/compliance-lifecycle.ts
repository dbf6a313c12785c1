import type { Finding } from '../../../lambdas/core/findings/finding.js';
import type { ActionRecord, Incident, TimelineEntry } from '../../../lambdas/core/incidents/incident.js';
import { IncidentRepository } from '../../../lambdas/store/incident-repository.js';
import type { TestTable } from '../../support/dynalite.js';
import { testClock, type TestClock } from '../../support/workflow-testbed.js';

export const ALICE = 'arn:aws:sts::883606788610:assumed-role/SecOps/alice';

export interface IncidentStage {
  readonly incident: Incident;
  readonly actions: ActionRecord[];
  readonly timeline: TimelineEntry[];
}

/**
 * Walks one incident through the lifecycle on the real repository (dynalite), writing what the handlers write at each step
 * (act handler: action record + timeline; notify: `notified`; responders: acknowledge, close), and captures each stage.
 */
export class IncidentLifecycle {
  readonly clock: TestClock = testClock('2026-11-25T10:00:00.000Z');
  private repository!: IncidentRepository;
  incidentId = '';
  tableName = '';

  constructor(
    private readonly table: TestTable,
    private readonly finding: Finding,
    private readonly retentionDays = 365,
  ) {}

  async open(): Promise<IncidentStage> {
    this.tableName = await this.table.createTable();
    this.repository = new IncidentRepository(this.table.doc, this.tableName, this.clock);
    const { incident } = await this.repository.openOrJoin({
      finding: this.finding,
      riskScore: 80,
      correlationKey: 'accesskey:AKIAIOSFODNN7EXAMPLE',
      playbook: 'credential-compromise',
      mode: 'approve',
      retentionDays: this.retentionDays,
      correlationWindowSeconds: 3600,
    });
    this.incidentId = incident.incidentId;
    await this.repository.appendTimeline(this.incidentId, { actor: 'firebreak', kind: 'playbook_started', message: 'credential-compromise playbook started (mode approve)' });
    await this.repository.appendTimeline(this.incidentId, { actor: 'firebreak', kind: 'notified', message: 'notified (opened): [Firebreak HIGH] New incident' });
    return this.stage();
  }

  async acknowledge(): Promise<IncidentStage> {
    this.clock.set('2026-11-25T10:05:00.000Z');
    await this.repository.acknowledge(this.incidentId, { actor: ALICE });
    return this.stage();
  }

  async contain(options: { dryRun: boolean; priorState?: unknown }): Promise<IncidentStage> {
    this.clock.set('2026-11-25T10:07:29.000Z');
    await this.repository.appendTimeline(this.incidentId, { actor: ALICE, kind: 'approved', message: 'step DeactivateAccessKey' });
    await this.repository.recordAction(this.incidentId, {
      actionId: 'iam.deactivate-access-key',
      target: 'AKIAIOSFODNN7EXAMPLE',
      status: 'done',
      dryRun: options.dryRun,
      at: this.clock().toISOString(),
      ...(options.priorState !== undefined ? { priorState: options.priorState } : {}),
    });
    await this.repository.appendTimeline(this.incidentId, { actor: 'firebreak', kind: 'action_done', message: 'iam.deactivate-access-key on AKIAIOSFODNN7EXAMPLE: done' });
    this.clock.set('2026-11-25T10:07:30.000Z');
    await this.repository.transition(this.incidentId, 'contained', { actor: 'firebreak' });
    return this.stage();
  }

  async resolve(): Promise<IncidentStage> {
    this.clock.set('2026-11-25T13:00:00.000Z');
    await this.repository.transition(this.incidentId, 'resolved', { actor: ALICE });
    return this.stage();
  }

  async close(): Promise<IncidentStage> {
    this.clock.set('2026-11-25T14:00:00.000Z');
    await this.repository.transition(this.incidentId, 'closed', {
      actor: ALICE,
      rootCause: 'CI access key committed to a public repository',
      remediation: 'key deleted, CI moved to an OIDC role',
    });
    return this.stage();
  }

  private async stage(): Promise<IncidentStage> {
    const [incident, actions, timeline] = await Promise.all([
      this.repository.getOrThrow(this.incidentId),
      this.repository.actions(this.incidentId),
      this.repository.timeline(this.incidentId),
    ]);
    return { incident, actions, timeline };
  }
}
