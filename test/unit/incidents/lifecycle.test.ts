import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors.js';
import { IncidentSchema, IncidentStatusSchema, type Incident, type IncidentStatus } from '../../../lambdas/core/incidents/incident.js';
import { ALLOWED_TRANSITIONS, canTransition, incidentDurations, isActive, planTransition } from '../../../lambdas/core/incidents/lifecycle.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';

function incident(status: IncidentStatus, overrides: Partial<Incident> = {}): Incident {
  const finding = guardDutyIamFinding();
  return IncidentSchema.parse({
    incidentId: 'inc-1',
    accountId: finding.accountId,
    region: finding.region,
    status,
    severity: 'HIGH',
    riskScore: 80,
    title: finding.title,
    playbook: 'credential-compromise',
    mode: 'approve',
    correlationKey: 'k',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    findingKeys: [finding.dedupKey],
    primaryFinding: finding,
    version: 1,
    expiresAt: 1,
    ...overrides,
  });
}

describe('incident lifecycle', () => {
  it('allows the documented path and the containment_failed detour', () => {
    const path: IncidentStatus[] = ['open', 'acknowledged', 'contained', 'resolved', 'closed'];
    for (let index = 0; index < path.length - 1; index++) expect(canTransition(path[index]!, path[index + 1]!)).toBe(true);
    expect(canTransition('open', 'containment_failed')).toBe(true);
    expect(canTransition('acknowledged', 'containment_failed')).toBe(true);
    expect(canTransition('containment_failed', 'contained')).toBe(true);
  });

  it('forbids going backwards, skipping resolve before close, and leaving closed', () => {
    expect(canTransition('contained', 'open')).toBe(false);
    expect(canTransition('contained', 'containment_failed')).toBe(false);
    expect(canTransition('acknowledged', 'closed')).toBe(false);
    expect(canTransition('resolved', 'open')).toBe(false);
    for (const to of IncidentStatusSchema.options) expect(canTransition('closed', to)).toBe(false);
    expect(ALLOWED_TRANSITIONS.closed).toEqual([]);
  });

  it('plans the milestone timestamp the first time a status is reached', () => {
    expect(planTransition(incident('open'), { to: 'acknowledged', actor: 'a' }, 'T1').set).toEqual({ acknowledgedAt: 'T1' });
    expect(planTransition(incident('containment_failed', { containedAt: 'T0' }), { to: 'contained', actor: 'a' }, 'T2').set).toEqual({});
  });

  it('names the allowed moves when refusing one', () => {
    expect(() => planTransition(incident('contained'), { to: 'open', actor: 'a' }, 'T')).toThrow(
      new ConflictError('incident inc-1 is contained: cannot move to open (allowed: resolved)'),
    );
    expect(() => planTransition(incident('closed'), { to: 'resolved', actor: 'a' }, 'T')).toThrow('(allowed: none)');
  });

  it('requires a root cause and the remediation to close', () => {
    expect(() => planTransition(incident('resolved'), { to: 'closed', actor: 'a', rootCause: ' ' }, 'T')).toThrow(
      new ValidationError('closing incident inc-1 requires rootCause and remediation', ['rootCause', 'remediation']),
    );
    expect(planTransition(incident('resolved'), { to: 'closed', actor: 'a', rootCause: ' phished ', remediation: 'MFA enforced' }, 'T').set).toEqual({
      rootCause: 'phished',
      remediation: 'MFA enforced',
      closedAt: 'T',
    });
  });

  it('treats resolved and closed as inactive', () => {
    expect(IncidentStatusSchema.options.filter(isActive)).toEqual(['open', 'acknowledged', 'contained', 'containment_failed']);
  });

  it('measures time to acknowledge, contain and resolve from creation', () => {
    expect(incidentDurations(incident('resolved', { acknowledgedAt: '2026-11-25T10:01:00.000Z', resolvedAt: '2026-11-25T12:00:00.000Z' }))).toEqual({
      timeToAcknowledge: 60,
      timeToContain: undefined,
      timeToResolve: 7200,
    });
  });
});
