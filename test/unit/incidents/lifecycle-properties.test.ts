import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors.js';
import { IncidentSchema, IncidentStatusSchema, type Incident } from '../../../lambdas/core/incidents/incident.js';
import { canTransition, planTransition } from '../../../lambdas/core/incidents/lifecycle.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';

const finding = guardDutyIamFinding();
const fresh = (): Incident =>
  IncidentSchema.parse({
    incidentId: 'inc-p',
    accountId: finding.accountId,
    region: finding.region,
    status: 'open',
    severity: 'HIGH',
    riskScore: 80,
    title: finding.title,
    playbook: 'credential-compromise',
    mode: 'auto',
    correlationKey: 'k',
    createdAt: '2026-11-25T00:00:00.000Z',
    updatedAt: '2026-11-25T00:00:00.000Z',
    findingKeys: [finding.dedupKey],
    primaryFinding: finding,
    version: 1,
    expiresAt: 1,
  });

describe('lifecycle properties', () => {
  it('any sequence of requested moves: refused ones change nothing, milestones are set once, closed is final and documented', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ to: fc.constantFrom(...IncidentStatusSchema.options), withPostMortem: fc.boolean() }), { maxLength: 30 }),
        (moves) => {
          let incident = fresh();
          moves.forEach((move, index) => {
            const at = new Date(Date.UTC(2026, 10, 25, 0, index + 1)).toISOString();
            const request = { to: move.to, actor: 'a', ...(move.withPostMortem ? { rootCause: 'rc', remediation: 'rm' } : {}) };
            let plan;
            try {
              plan = planTransition(incident, request, at);
            } catch (error) {
              expect(error instanceof ConflictError || error instanceof ValidationError).toBe(true);
              if (error instanceof ConflictError) expect(canTransition(incident.status, move.to)).toBe(false);
              return;
            }
            expect(canTransition(incident.status, move.to)).toBe(true);
            for (const field of ['acknowledgedAt', 'containedAt', 'resolvedAt', 'closedAt'] as const) {
              if (incident[field]) expect(plan.set[field]).toBeUndefined();
            }
            incident = { ...incident, ...plan.set, status: move.to, version: incident.version + 1 };
          });
          if (incident.status === 'closed') {
            expect(incident.rootCause).toBe('rc');
            expect(incident.remediation).toBe('rm');
            expect(incident.resolvedAt! <= incident.closedAt!).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
