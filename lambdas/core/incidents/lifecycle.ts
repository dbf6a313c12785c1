import { ConflictError, ValidationError } from '../errors.js';
import type { Incident, IncidentStatus } from './incident.js';

/**
 * The incident state machine. Containment may fail and be retried (containment_failed → contained); a responder may
 * acknowledge at any point before containment; resolving is possible from any working state (e.g. a false positive),
 * closing only after resolving and only with a root cause and the remediation taken.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  open: ['acknowledged', 'contained', 'containment_failed', 'resolved'],
  acknowledged: ['contained', 'containment_failed', 'resolved'],
  containment_failed: ['acknowledged', 'contained', 'resolved'],
  contained: ['resolved'],
  resolved: ['closed'],
  closed: [],
};

export interface TransitionRequest {
  readonly to: IncidentStatus;
  readonly actor: string;
  readonly reason?: string;
  readonly rootCause?: string;
  readonly remediation?: string;
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** The timestamp field a status sets the first time it is reached (time to acknowledge/contain/resolve). */
const MILESTONE_FIELD: Partial<Record<IncidentStatus, 'acknowledgedAt' | 'containedAt' | 'resolvedAt' | 'closedAt'>> = {
  acknowledged: 'acknowledgedAt',
  contained: 'containedAt',
  resolved: 'resolvedAt',
  closed: 'closedAt',
};

export interface TransitionPlan {
  readonly from: IncidentStatus;
  readonly to: IncidentStatus;
  /** Fields to set on the incident besides `status`, `updatedAt` and `version`. */
  readonly set: Partial<Pick<Incident, 'acknowledgedAt' | 'containedAt' | 'resolvedAt' | 'closedAt' | 'rootCause' | 'remediation'>>;
}

/**
 * Checks a transition against the current incident and says what to write. Throws ConflictError for a move the
 * lifecycle does not allow, ValidationError for a close without root cause/remediation.
 */
export function planTransition(incident: Incident, request: TransitionRequest, at: string): TransitionPlan {
  const from = incident.status;
  const { to } = request;
  if (!canTransition(from, to)) {
    const allowed = ALLOWED_TRANSITIONS[from];
    throw new ConflictError(
      `incident ${incident.incidentId} is ${from}: cannot move to ${to} (allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`,
    );
  }
  const set: { -readonly [K in keyof TransitionPlan['set']]: TransitionPlan['set'][K] } = {};
  if (to === 'closed') {
    const missing = [
      request.rootCause?.trim() ? undefined : 'rootCause',
      request.remediation?.trim() ? undefined : 'remediation',
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) {
      throw new ValidationError(`closing incident ${incident.incidentId} requires ${missing.join(' and ')}`, missing);
    }
    set.rootCause = request.rootCause!.trim();
    set.remediation = request.remediation!.trim();
  }
  const milestone = MILESTONE_FIELD[to];
  if (milestone && !incident[milestone]) set[milestone] = at;
  return { from, to, set };
}

/** Open statuses: the incident is still being worked on and new findings about the same subject join it. */
export function isActive(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}

export interface IncidentDurations {
  /** Seconds from creation, or undefined while the milestone is not reached. */
  readonly timeToAcknowledge?: number;
  readonly timeToContain?: number;
  readonly timeToResolve?: number;
}

export function incidentDurations(incident: Pick<Incident, 'createdAt' | 'acknowledgedAt' | 'containedAt' | 'resolvedAt'>): IncidentDurations {
  const created = Date.parse(incident.createdAt);
  const since = (at: string | undefined) => (at ? Math.max(0, Math.round((Date.parse(at) - created) / 1000)) : undefined);
  return {
    timeToAcknowledge: since(incident.acknowledgedAt),
    timeToContain: since(incident.containedAt),
    timeToResolve: since(incident.resolvedAt),
  };
}
