import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessCompliance } from '../../../lambdas/core/compliance/compliance-assessment.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { incidentReport } from '../../../lambdas/core/incidents/incident-report.js';
import { startTestTable, type TestTable } from '../../support/dynalite.js';
import { detectedCredentialFinding, incidentOf } from '../siem/siem-incident.js';
import { ALICE, IncidentLifecycle, type IncidentStage } from './compliance-lifecycle.js';

let table: TestTable;
let finding: Finding;
beforeAll(async () => {
  table = await startTestTable();
  finding = await detectedCredentialFinding();
});
afterAll(async () => table.stop());

const complianceSection = (report: string) => report.slice(report.indexOf('## Compliance'));

describe('incident report compliance section', () => {
  it('NIST SP 800-61r2 for a just-opened incident: preparation evidenced, every later phase flagged with what is missing', async () => {
    // Prepare
    const opened = await new IncidentLifecycle(table, finding).open();

    // Act
    const report = incidentReport(opened.incident, opened.actions, opened.timeline, { complianceFramework: 'nist-800-61' });

    // Assert
    expect(complianceSection(report)).toBe(
      [
        '## Compliance (NIST SP 800-61r2)',
        '',
        '1 of 4 applicable phases evidenced; incomplete: 3.2 Detection & Analysis; 3.3 Containment, Eradication & Recovery; 3.4 Post-Incident Activity.',
        '',
        '### 3.1 Preparation — evidenced',
        '',
        '- Evidence: predefined playbook credential-compromise (mode approve)',
        '- Evidence: playbook started 2026-11-25T10:00:00.000Z (firebreak)',
        '',
        '### 3.2 Detection & Analysis — incomplete',
        '',
        '- Evidence: GuardDuty reported UnauthorizedAccess:IAMUser/TorIPCaller (first seen 2017-12-08T15:32:49.000Z)',
        '- Evidence: incident opened 2026-11-25T10:00:00.000Z by firebreak: severity HIGH, risk score 80',
        '- Evidence: 1 finding(s) correlated, seen 1 time(s)',
        '- Evidence: 2026-11-25T10:00:00.000Z: notified (opened): [Firebreak HIGH] New incident',
        '- Evidence: 3 timeline entries from 2026-11-25T10:00:00.000Z to 2026-11-25T10:00:00.000Z, each with time, actor and event type',
        '- Evidence: actors: firebreak',
        '- Evidence: 0 action record(s) with target, outcome and time',
        '- **Missing:** not acknowledged by a responder yet',
        '',
        '### 3.3 Containment, Eradication & Recovery — incomplete',
        '',
        '- Evidence: none recorded',
        '- **Missing:** no containment action was carried out',
        '- **Missing:** incident not marked contained',
        '- **Missing:** no remediation recorded',
        '- **Missing:** not resolved yet',
        '',
        '### 3.4 Post-Incident Activity — incomplete',
        '',
        '- Evidence: time to acknowledge not reached, to contain not reached, to resolve not reached',
        '- Evidence: incident record kept until 2027-11-25T10:00:00.000Z (365 days after opening)',
        '- **Missing:** no root cause recorded: post-incident review not done',
        '- **Missing:** not closed yet',
        '',
      ].join('\n'),
    );
  });

  it('each framework flags only post-incident activity once an incident is contained and resolved but has no root cause yet', async () => {
    // Prepare
    const lifecycle = new IncidentLifecycle(table, finding);
    await lifecycle.open();
    await lifecycle.acknowledge();
    await lifecycle.contain({ dryRun: false, priorState: { Status: 'Active' } });
    const resolved = await lifecycle.resolve();

    // Act
    const incomplete = (['nist-800-61', 'pci-dss-4', 'soc2'] as const).map((framework) =>
      assessCompliance(framework, resolved.incident, resolved.actions, resolved.timeline)
        .requirements.filter((requirement) => requirement.status === 'incomplete')
        .map((requirement) => [requirement.ref, requirement.missing]),
    );

    // Assert
    const missing = ['no remediation recorded', 'no root cause recorded: post-incident review not done', 'not closed yet'];
    expect(incomplete).toEqual([
      [
        ['3.3', ['no remediation recorded']],
        ['3.4', ['no root cause recorded: post-incident review not done', 'not closed yet']],
      ],
      [['12.10.6', [missing[1], missing[2], missing[0]]]],
      [['CC7.5', missing]],
    ]);
  });

  describe('a closed incident with containment, root cause and remediation', () => {
    let closed: IncidentStage;
    beforeAll(async () => {
      const lifecycle = new IncidentLifecycle(table, finding);
      await lifecycle.open();
      await lifecycle.acknowledge();
      await lifecycle.contain({ dryRun: false, priorState: { Status: 'Active' } });
      await lifecycle.resolve();
      closed = await lifecycle.close();
    });

    it('NIST: every phase evidenced, with the actions and prior state, root cause and the times to acknowledge/contain/resolve', () => {
      // Act
      const section = complianceSection(incidentReport(closed.incident, closed.actions, closed.timeline, { complianceFramework: 'nist-800-61' }));

      // Assert
      expect(section).toContain("All 4 applicable phases are evidenced by this incident's record.");
      expect(section).not.toContain('Missing');
      expect(section).toContain(`- Evidence: acknowledged 2026-11-25T10:05:00.000Z by ${ALICE} (time to acknowledge 5m)`);
      expect(section).toContain('### 3.3 Containment, Eradication & Recovery — evidenced\n\n- Evidence: 2026-11-25T10:07:29.000Z: iam.deactivate-access-key on AKIAIOSFODNN7EXAMPLE: done, prior state recorded\n- Evidence: contained 2026-11-25T10:07:30.000Z (time to contain 7m 30s)\n- Evidence: remediation: key deleted, CI moved to an OIDC role\n- Evidence: resolved 2026-11-25T13:00:00.000Z (time to resolve 3h)\n');
      expect(section).toContain(
        `### 3.4 Post-Incident Activity — evidenced\n\n- Evidence: root cause: CI access key committed to a public repository\n- Evidence: closed 2026-11-25T14:00:00.000Z by ${ALICE}\n- Evidence: time to acknowledge 5m, to contain 7m 30s, to resolve 3h\n`,
      );
    });

    it('PCI DSS v4.0: 12.10.x and 10.x evidenced; 10.7.x not applicable to a credential incident', () => {
      // Act
      const section = complianceSection(incidentReport(closed.incident, closed.actions, closed.timeline, { complianceFramework: 'pci-dss-4' }));

      // Assert
      expect(section.split('\n').filter((line) => line.startsWith('### '))).toEqual([
        '### 12.10.1 Incident response plan exists and is activated for a suspected or confirmed incident — evidenced',
        '### 12.10.3 Designated personnel available to respond to incidents — evidenced',
        '### 12.10.5 Plan covers monitoring and responding to alerts from security monitoring systems — evidenced',
        '### 12.10.6 Plan is modified according to lessons learned — evidenced',
        '### 10.2.1, 10.2.2 Audit logs capture user identity, event type, time, outcome and affected resource — evidenced',
        '### 10.5.1 Audit log history retained for at least 12 months — evidenced',
        '### 10.7.2, 10.7.3 Failures of critical security control systems are detected, alerted and responded to promptly — not applicable',
      ]);
      expect(section).toContain("## Compliance (PCI DSS v4.0)\n\nAll 6 applicable requirements are evidenced by this incident's record.");
      expect(section).toContain(`- Evidence: 2026-11-25T10:07:29.000Z: containment approved by ${ALICE} (step DeactivateAccessKey)`);
      expect(section).toContain(`- Evidence: actors: firebreak, ${ALICE}`);
      expect(section).toContain('- Evidence: incident record kept until 2027-11-25T10:00:00.000Z (365 days after opening)');
    });

    it('SOC 2: CC7.3, CC7.4 and CC7.5 evidenced', () => {
      // Act
      const section = complianceSection(incidentReport(closed.incident, closed.actions, closed.timeline, { complianceFramework: 'soc2' }));

      // Assert
      expect(section.split('\n').filter((line) => line.startsWith('### '))).toEqual([
        '### CC7.3 Security events are evaluated to determine whether they are security incidents — evidenced',
        '### CC7.4 Security incidents are responded to: understood, contained, remediated and communicated — evidenced',
        '### CC7.5 Activities to recover from security incidents are identified and carried out — evidenced',
      ]);
      expect(section).toContain("## Compliance (SOC 2 (Trust Services Criteria 2017))\n\nAll 3 applicable criteria are evidenced by this incident's record.");
      expect(section).toContain('- Evidence: root cause: CI access key committed to a public repository');
    });

    it("framework 'none' (or no option) leaves the report without a compliance section", () => {
      // Act
      const plain = incidentReport(closed.incident, closed.actions, closed.timeline);
      const none = incidentReport(closed.incident, closed.actions, closed.timeline, { complianceFramework: 'none' });

      // Assert
      expect(plain).not.toContain('## Compliance');
      expect(none).toBe(plain);
      expect(incidentReport(closed.incident, closed.actions, closed.timeline, { complianceFramework: 'soc2' }).startsWith(plain)).toBe(true);
    });
  });

  it('flags a dry-run-only containment and a real change without prior state', () => {
    // Prepare
    const incident = incidentOf(finding, { status: 'contained', containedAt: '2026-11-25T10:07:30.000Z' });
    const dryRunOnly = [{ actionId: 'iam.deactivate-access-key', target: 'AKIAIOSFODNN7EXAMPLE', status: 'done' as const, dryRun: true, at: '2026-11-25T10:07:29.000Z' }];
    const noPriorState = [{ ...dryRunOnly[0]!, dryRun: false }];

    // Act
    const containmentOf = (actions: typeof dryRunOnly) => assessCompliance('nist-800-61', incident, actions, []).requirements.find((requirement) => requirement.ref === '3.3')!;
    const dry = containmentOf(dryRunOnly);
    const blind = containmentOf(noPriorState);

    // Assert
    expect(dry.evidence[0]).toBe('2026-11-25T10:07:29.000Z: iam.deactivate-access-key on AKIAIOSFODNN7EXAMPLE: done (dry run: nothing changed)');
    expect(dry.missing).toEqual(['every containment action ran in dry run: nothing was changed', 'no remediation recorded', 'not resolved yet']);
    expect(blind.missing).toEqual(['iam.deactivate-access-key on AKIAIOSFODNN7EXAMPLE: no prior state recorded (cannot be rolled back)', 'no remediation recorded', 'not resolved yet']);
  });

  it('flags a failed containment with its error', () => {
    // Prepare
    const incident = incidentOf(finding, { status: 'containment_failed' });
    const actions = [{ actionId: 'iam.deactivate-access-key', target: 'AKIAIOSFODNN7EXAMPLE', status: 'failed' as const, dryRun: false, at: '2026-11-25T10:07:29.000Z', reason: 'AccessDenied: not authorized' }];

    // Act
    const soc2 = assessCompliance('soc2', incident, actions, []).requirements.find((requirement) => requirement.ref === 'CC7.4')!;

    // Assert
    expect(soc2.status).toBe('incomplete');
    expect(soc2.missing).toEqual([
      'no playbook start on the timeline',
      'no containment action was carried out',
      'iam.deactivate-access-key on AKIAIOSFODNN7EXAMPLE failed: AccessDenied: not authorized',
      'incident is in containment_failed',
      'no notification on the timeline',
      'the incident timeline is empty',
    ]);
  });

  it('PCI 10.5.1 flags a retention shorter than 12 months', async () => {
    // Prepare
    const opened = await new IncidentLifecycle(table, finding, 90).open();

    // Act
    const retention = assessCompliance('pci-dss-4', opened.incident, opened.actions, opened.timeline).requirements.find((requirement) => requirement.ref === '10.5.1')!;

    // Assert
    expect(retention).toEqual({
      ref: '10.5.1',
      title: 'Audit log history retained for at least 12 months',
      status: 'incomplete',
      evidence: ['incident record kept until 2027-02-23T10:00:00.000Z (90 days after opening)'],
      missing: ['kept 90 days: less than the 12 months required (raise retentionDays to 365 or more)'],
    });
  });

  it('PCI 10.7.2/10.7.3 applies to a stopped-CloudTrail incident (a failed security control) and asks for its restoration and cause', async () => {
    // Prepare
    const path = fileURLToPath(new URL('../../fixtures/integration/cloudtrail-stop-logging.json', import.meta.url));
    const outcome = await detectEvents(JSON.parse(readFileSync(path, 'utf8')), { config: parseFirebreakConfig({}), now: new Date('2026-11-25T10:00:00.000Z') });
    if (outcome.kind !== 'detected') throw new Error(outcome.reason);
    const stopLogging = outcome.findings[0]!.finding;
    const open = incidentOf(stopLogging, { playbook: 'defense-tampering' });
    const restored = incidentOf(stopLogging, { playbook: 'defense-tampering', status: 'closed', containedAt: '2026-11-25T10:02:00.000Z', rootCause: 'admin stopped the trail during a migration', remediation: 'trail restarted; SCP denies cloudtrail:StopLogging' });

    // Act
    const controlFailureOf = (incident: typeof open) => assessCompliance('pci-dss-4', incident, [], []).requirements.find((requirement) => requirement.ref === '10.7.2, 10.7.3')!;
    const before = controlFailureOf(open);
    const after = controlFailureOf(restored);

    // Assert
    expect(before).toMatchObject({
      status: 'incomplete',
      evidence: ['failure of a security control detected: cloudtrail-logging-stopped at 2019-01-01T00:00:00.000Z'],
      missing: ['security function not restored (incident not contained)', 'cause of the failure not documented'],
    });
    expect(after).toMatchObject({
      status: 'evidenced',
      evidence: [
        'failure of a security control detected: cloudtrail-logging-stopped at 2019-01-01T00:00:00.000Z',
        'security function restored (contained) after 2m',
        'cause documented: admin stopped the trail during a migration',
      ],
      missing: [],
    });
  });

  it('NIST 3.1 flags a finding no containment playbook covers', () => {
    // Prepare
    const incident = incidentOf(finding, { playbook: 'notify-only', mode: 'notify' });

    // Act
    const preparation = assessCompliance('nist-800-61', incident, [], []).requirements[0]!;

    // Assert
    expect(preparation).toEqual({
      ref: '3.1',
      title: 'Preparation',
      status: 'incomplete',
      evidence: ['predefined playbook notify-only (mode notify)'],
      missing: ['no containment playbook covers this finding type: the response is manual'],
    });
  });
});
