import { describe, expect, it } from 'vitest';
import { IncidentSchema, type ActionRecord } from '../../../lambdas/core/incidents/incident.js';
import { incidentReport } from '../../../lambdas/core/incidents/incident-report.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';

const finding = guardDutyIamFinding();
const incident = IncidentSchema.parse({
  incidentId: 'inc-0123456789abcdef0123',
  accountId: finding.accountId,
  region: finding.region,
  status: 'open',
  severity: 'HIGH',
  riskScore: 82,
  title: finding.title,
  playbook: 'credential-compromise',
  mode: 'auto',
  correlationKey: `principal:${finding.principal?.arn}`,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:01:00.000Z',
  findingKeys: [finding.dedupKey],
  primaryFinding: finding,
  version: 1,
  expiresAt: 1_800_000_000,
});
const key = (dryRun: boolean): ActionRecord => ({ actionId: 'iam/deactivate-access-key', target: 'user/u/access-key/k', status: 'done', dryRun, at: '2026-11-25T10:00:30.000Z' });
const NOTE = '_Every action that ran was a dry run: nothing was changed, Firebreak did not contain this incident._';

describe('incident report', () => {
  it('says plainly when every action was a dry run, and not when one was real', () => {
    // Act
    const rehearsed = incidentReport(incident, [key(true)], []);
    const real = incidentReport(incident, [key(false), { ...key(true), actionId: 'iam/revoke-user-sessions' }], []);
    // Assert
    expect(rehearsed).toContain('| iam/deactivate-access-key | user/u/access-key/k | done | yes | 2026-11-25T10:00:30.000Z |');
    expect(rehearsed).toContain(NOTE);
    expect(rehearsed).toContain('| Time to contain | not reached |');
    expect(real).not.toContain(NOTE);
  });
});
