import { InvokeCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../aws/clients.js';
import { playbookMode, type FirebreakConfig, type PlaybookMode } from '../core/config/firebreak-config.js';
import { detectEvents } from '../core/detection/detect-events.js';
import type { ScoredFinding } from '../core/detection/detection-types.js';
import { FirebreakError } from '../core/errors.js';
import type { Finding } from '../core/findings/finding.js';
import type { Incident, TimelineEntry } from '../core/incidents/incident.js';
import { NOTIFY_ONLY_PLAYBOOK, type PlaybookTakeover } from '../core/incidents/playbook-takeover.js';
import { PlaybookInputSchema, type PlaybookInput } from '../core/playbook-contract.js';
import { modeAfterBreaker, type BreakerAdmission, type CircuitBreaker } from '../core/routing/circuit-breaker-policy.js';
import { routeFinding, type Route } from '../core/routing/route-finding.js';
import type { CorrelationWindowStore } from '../core/rules/correlation-window.js';
import { incidentIdFor, type OpenOrJoinInput, type OpenOrJoinOutcome, type TakeoverOutcome } from '../store/incident-repository.js';

/** The part of IncidentRepository the detect handler uses (structural, so tests and the local runtime pass the real one). */
export interface DetectRepository {
  openOrJoin(input: OpenOrJoinInput): Promise<{ outcome: OpenOrJoinOutcome; incident: Incident }>;
  setExecution(incidentId: string, executionArn: string): Promise<void>;
  /** Hands a notify-only incident to a joining finding's playbook; exactly one of concurrent callers gets `taken: true`. */
  takeOverPlaybook(incidentId: string, takeover: PlaybookTakeover): Promise<TakeoverOutcome>;
  appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
}

/** Structured logging (Powertools Logger satisfies it). */
export interface DetectLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface DetectHandlerDeps {
  readonly clients: AwsClients;
  readonly repository: DetectRepository;
  readonly config: FirebreakConfig;
  /** Playbook id → state machine ARN (env PLAYBOOK_ARNS). */
  readonly playbookArns: Readonly<Record<string, string>>;
  readonly windowStore?: CorrelationWindowStore;
  readonly now?: () => Date;
  readonly logger?: DetectLogger;
  /** How long a new finding about the same principal/resource joins an open incident instead of opening another. */
  readonly correlationWindowSeconds?: number;
  /**
   * The notify function (env NOTIFY_FUNCTION_NAME): incidents routed to no playbook (`notify-only`) are announced by invoking
   * it asynchronously with `{incidentId, event: 'notify_only'}`; playbooks notify for themselves.
   */
  readonly notifyFunctionName?: string;
  /** Blast-radius limit (contain): beyond N automatic containments per account and window, playbooks start in approve mode. */
  readonly circuitBreaker?: CircuitBreaker;
}

/** One finding's fate. */
export interface FindingOutcome {
  readonly dedupKey: string;
  readonly type: string;
  readonly riskScore: number;
  readonly route: Route;
  /** `below-threshold`: recorded in logs only; `suppressed`: a configured suppression matched. */
  readonly outcome: OpenOrJoinOutcome | 'below-threshold' | 'suppressed';
  readonly incidentId?: string;
  readonly mode?: PlaybookMode;
  readonly executionArn?: string;
  readonly reason?: string;
}

export interface DetectFailure {
  /** Index of the event in the batch (0 for a single event). */
  readonly index: number;
  readonly reason: string;
  readonly dedupKey?: string;
}

export interface DetectReport {
  readonly events: number;
  readonly findings: FindingOutcome[];
  readonly failures: DetectFailure[];
}

/**
 * Some events of the invocation could not be processed. Thrown after every other event was handled, so Lambda's async
 * retry and the DLQ keep the bad event while the good ones around it are done (a retry re-processes them as duplicates:
 * no second incident, no second playbook).
 */
export class DetectBatchError extends FirebreakError {
  constructor(readonly report: DetectReport) {
    super(
      `${report.failures.length} of ${report.events} event(s) failed: ${report.failures
        .map((failure) => `#${failure.index}${failure.dedupKey ? ` (${failure.dedupKey})` : ''}: ${failure.reason}`)
        .join('; ')}`,
    );
  }
}

export type DetectHandler = (event: unknown) => Promise<DetectReport>;

/** Default correlation window: findings about one principal/resource within an hour make one incident. */
export const DEFAULT_CORRELATION_WINDOW_SECONDS = 3600;

const NO_LOGGER: DetectLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The detect Lambda: event → detectEvents → for each finding that opens an incident: openOrJoin → if created, start the
 * routed playbook (execution name = incident id, so a retried start never runs it twice) and store the execution ARN.
 *
 * Input is one EventBridge event (as a rule target delivers it) or an array of them. Every event is processed; failures are
 * collected and thrown at the end as one DetectBatchError (see there). A duplicate of an incident whose playbook never
 * started (a crash between open and start) starts it then, with the same deterministic input.
 */
export function createDetectHandler(deps: DetectHandlerDeps): DetectHandler {
  const clock = deps.now ?? (() => new Date());
  const logger = deps.logger ?? NO_LOGGER;
  const windowSeconds = deps.correlationWindowSeconds ?? DEFAULT_CORRELATION_WINDOW_SECONDS;

  const startPlaybook = async (incident: Incident): Promise<string | undefined> => {
    if (incident.playbook === 'notify-only' || incident.mode === 'off') return undefined;
    const stateMachineArn = deps.playbookArns[incident.playbook];
    if (!stateMachineArn) throw new FirebreakError(`no state machine for playbook '${incident.playbook}' (PLAYBOOK_ARNS)`);
    // Built from the stored incident, not the delivery at hand: a retried start sends byte-identical input.
    const input: PlaybookInput = PlaybookInputSchema.parse({
      incidentId: incident.incidentId,
      accountId: incident.accountId,
      region: incident.region,
      playbook: incident.playbook,
      mode: incident.mode,
      dryRun: deps.config.dryRun,
      finding: incident.primaryFinding,
    });
    const [, , , region = 'us-east-1', accountId = 'self'] = stateMachineArn.split(':');
    const sfn = deps.clients.get('sfn', { accountId, region });
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: incident.incidentId, input: JSON.stringify(input) }),
    );
    const executionArn = started.executionArn ?? `${stateMachineArn}:${incident.incidentId}`;
    await deps.repository.setExecution(incident.incidentId, executionArn);
    await deps.repository.appendTimeline(incident.incidentId, {
      actor: 'firebreak',
      kind: 'playbook_started',
      message: `started playbook ${incident.playbook} in ${incident.mode} mode${deps.config.dryRun ? ' (dry run)' : ''}`,
      data: { executionArn, playbook: incident.playbook, mode: incident.mode, dryRun: deps.config.dryRun },
    });
    return executionArn;
  };

  const routedEntry = (incident: Incident, route: Route, mode: PlaybookMode, scored: ScoredFinding, breaker?: BreakerAdmission) =>
    deps.repository.appendTimeline(incident.incidentId, {
      actor: 'firebreak',
      kind: 'routed',
      message:
        `routed to ${route.playbook} (${mode}): ${route.reason}` +
        (breaker && !breaker.admitted ? ` — circuit breaker open: ${breaker.count} automatic containments in this account since ${breaker.windowStart} (limit ${breaker.limit}), approval required` : ''),
      data: { playbook: route.playbook, mode, matchedBy: route.matchedBy, riskScore: scored.riskScore, scoreReasons: scored.scoreReasons, ...(breaker ? { circuitBreaker: breaker } : {}) },
    });

  /** Invoked once per notify-only incident; the timeline entry makes a retried delivery notify only if the first did not. */
  const notifyOnly = async (incident: Incident, outcome: OpenOrJoinOutcome): Promise<boolean> => {
    if (!deps.notifyFunctionName) {
      logger.warn('notify-only incident not announced: no notify function configured', { incidentId: incident.incidentId });
      return false;
    }
    if (outcome !== 'created') {
      const timeline = await deps.repository.timeline(incident.incidentId);
      if (timeline.some((entry) => entry.kind === 'notify_requested')) return false;
    }
    // The notify function lives next to this one (same account and region).
    const lambda = deps.clients.get('lambda', { accountId: 'self', region: homeRegion() });
    await lambda.send(
      new InvokeCommand({
        FunctionName: deps.notifyFunctionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ incidentId: incident.incidentId, event: 'notify_only' })),
      }),
    );
    await deps.repository.appendTimeline(incident.incidentId, {
      actor: 'firebreak',
      kind: 'notify_requested',
      message: `no containment playbook for this finding (${incident.playbook}): responders notified`,
    });
    return true;
  };

  /**
   * A finding joined an open incident (same principal, key or resource within the window): responders hear about the new
   * activity. The notify function aggregates bursts per incident, so a flood of joins is one digest, not one message each.
   */
  const notifyJoined = async (incident: Incident, finding: Finding, playbookStarted?: Record<string, unknown>): Promise<void> => {
    if (!deps.notifyFunctionName || incident.mode === 'off') return;
    const lambda = deps.clients.get('lambda', { accountId: 'self', region: homeRegion() });
    await lambda.send(
      new InvokeCommand({
        FunctionName: deps.notifyFunctionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(
          JSON.stringify({
            incidentId: incident.incidentId,
            event: 'updated',
            detail: { joined: { dedupKey: finding.dedupKey, type: finding.type, title: finding.title }, ...(playbookStarted ? { playbookStarted } : {}) },
            // Containment starting late is news responders need now, not in the next digest.
            ...(playbookStarted ? { aggregate: false } : {}),
          }),
        ),
      }),
    );
  };

  /**
   * A finding routed to a containment playbook joined (or, on a retry, already belongs to) an incident that a notify-only
   * finding opened: the stronger route takes over and its playbook starts — once, whoever else joins at the same time
   * (takeOverPlaybook is a conditional write). Nothing starts when the incident already has a playbook, is resolved or
   * closed, or the playbook is off; a first join says so on the timeline, a re-delivery only in the log.
   */
  const takeOver = async (
    incident: Incident,
    finding: Finding,
    route: Route,
    mode: PlaybookMode,
    scored: ScoredFinding,
    outcome: OpenOrJoinOutcome,
    breaker?: BreakerAdmission,
  ): Promise<{ incident: Incident; executionArn?: string; playbookStarted?: Record<string, unknown> }> => {
    const log = { incidentId: incident.incidentId, dedupKey: finding.dedupKey, route: route.playbook, incidentPlaybook: incident.playbook };
    const notStarted = async (reason: string) => {
      logger.info('joining finding routes to a containment playbook: not started', { ...log, reason });
      if (outcome !== 'joined') return;
      await deps.repository.appendTimeline(incident.incidentId, {
        actor: 'firebreak',
        kind: 'playbook_not_started',
        message: `${finding.type} routes to playbook ${route.playbook} (${route.reason}); not started: ${reason}`,
        data: { dedupKey: finding.dedupKey, playbook: route.playbook, mode, reason },
      });
    };
    if (incident.playbook !== NOTIFY_ONLY_PLAYBOOK) {
      // The incident's own playbook handles it; a different one is worth a line on the timeline, the same one only a log line.
      if (incident.playbook === route.playbook) {
        logger.info('joined an incident that already has this playbook: not started again', { ...log, executionArn: incident.executionArn });
        return { incident };
      }
      await notStarted(`the incident already has playbook ${incident.playbook} (${incident.mode} mode${incident.executionArn ? `, ${incident.executionArn}` : ''})`);
      return { incident };
    }
    if (mode === 'off' || mode === 'notify') {
      // notify mode (a sample finding, or the configured mode) would contain nothing: responders hear of the join as usual.
      await notStarted(mode === 'off' ? `playbook ${route.playbook} is off in the configuration` : `playbook ${route.playbook} would run in notify mode: nothing to contain`);
      return { incident };
    }
    const result = await deps.repository.takeOverPlaybook(incident.incidentId, {
      finding,
      playbook: route.playbook,
      mode,
      riskScore: scored.riskScore,
      routeReason: route.reason,
    });
    if (!result.taken) {
      await notStarted(result.reason);
      return { incident: result.incident };
    }
    await routedEntry(result.incident, route, mode, scored, breaker);
    const executionArn = await startPlaybook(result.incident);
    logger.info('containment playbook took over a notify-only incident', { ...log, playbook: route.playbook, mode, executionArn });
    return {
      incident: result.incident,
      ...(executionArn ? { executionArn } : {}),
      playbookStarted: { playbook: route.playbook, mode, dryRun: deps.config.dryRun, reason: route.reason, ...(executionArn ? { executionArn } : {}) },
    };
  };

  const handleFinding = async (scored: ScoredFinding): Promise<FindingOutcome> => {
    const route = routeFinding(scored.finding);
    const base = { dedupKey: scored.finding.dedupKey, type: scored.finding.type, riskScore: scored.riskScore, route };
    if (!scored.opensIncident) {
      logger.info('finding below the severity threshold: no incident', { ...base, scoreReasons: scored.scoreReasons });
      return { ...base, outcome: 'below-threshold' };
    }
    let mode = modeFor(deps.config, scored.finding, route);
    // Dry-run changes nothing, so it does not count against the blast-radius limit.
    const breakerKey = incidentIdFor(scored.finding.dedupKey);
    const breaker =
      mode === 'auto' && !deps.config.dryRun && deps.circuitBreaker ? await deps.circuitBreaker.admit(scored.finding.accountId, breakerKey) : undefined;
    mode = modeAfterBreaker(mode, breaker);
    const finding = route.escalate ? escalated(scored.finding, route.escalate) : scored.finding;
    const opened = await deps.repository.openOrJoin({
      finding,
      riskScore: scored.riskScore,
      correlationKey: scored.correlationKey,
      playbook: route.playbook,
      mode,
      retentionDays: deps.config.retentionDays,
      correlationWindowSeconds: windowSeconds,
    });
    const { outcome } = opened;
    let { incident } = opened;
    let executionArn = incident.executionArn;
    const isPrimary = incident.primaryFinding.dedupKey === finding.dedupKey;
    const startsHere = outcome === 'created' || (outcome === 'duplicate' && !executionArn && isPrimary);
    // A join, or a re-delivery of one into a still notify-only incident (the first delivery failed before the takeover).
    const joinsToContain =
      route.playbook !== NOTIFY_ONLY_PLAYBOOK && (outcome === 'joined' || (outcome === 'duplicate' && !isPrimary && incident.playbook === NOTIFY_ONLY_PLAYBOOK));
    let tookOver = false;
    if (joinsToContain) {
      const taken = await takeOver(incident, finding, route, mode, scored, outcome, breaker);
      incident = taken.incident;
      tookOver = Boolean(taken.playbookStarted);
      if (taken.executionArn) executionArn = taken.executionArn;
      if (outcome === 'joined' || taken.playbookStarted) await notifyJoined(incident, finding, taken.playbookStarted);
    } else if (outcome === 'joined') {
      await notifyJoined(incident, finding);
    }
    // The breaker limits containments, not findings: a finding that starts none gives its slot back (a credential
    // compromise is one containment however many findings join it).
    const containmentStarts = tookOver || (startsHere && incident.playbook !== NOTIFY_ONLY_PLAYBOOK);
    if (breaker && !containmentStarts && deps.circuitBreaker?.release) {
      await deps.circuitBreaker.release(scored.finding.accountId, breakerKey, breaker);
    }
    const log = { ...base, incidentId: incident.incidentId, outcome, playbook: incident.playbook, mode: incident.mode };
    if (startsHere && incident.playbook === 'notify-only' && incident.mode !== 'off') {
      if (outcome === 'created') await routedEntry(incident, route, mode, scored);
      await notifyOnly(incident, outcome);
    } else if (startsHere) {
      if (outcome === 'created') await routedEntry(incident, route, mode, scored, breaker);
      executionArn = await startPlaybook(incident);
    }
    logger.info(outcome === 'created' ? 'incident opened' : `finding ${outcome}`, { ...log, executionArn });
    return { ...base, outcome, incidentId: incident.incidentId, mode: incident.mode, ...(executionArn ? { executionArn } : {}) };
  };

  return async (event) => {
    const events = Array.isArray(event) ? event : [event];
    const report: DetectReport = { events: events.length, findings: [], failures: [] };
    for (const [index, one] of events.entries()) {
      const detection = await detectEvents(one, { config: deps.config, now: clock(), ...(deps.windowStore ? { windowStore: deps.windowStore } : {}) });
      if (detection.kind === 'rejected') {
        logger.error('event rejected', { index, reason: detection.reason, eventId: eventIdOf(one) });
        report.failures.push({ index, reason: detection.reason });
        continue;
      }
      for (const rejected of detection.rejectedRecords ?? []) {
        logger.error('record rejected', { index, record: rejected.index, reason: rejected.reason });
        report.failures.push({ index, reason: `record ${rejected.index}: ${rejected.reason}` });
      }
      for (const hit of detection.suppressed) {
        logger.info('finding suppressed', { dedupKey: hit.finding.dedupKey, suppressionId: hit.suppressionId, reason: hit.reason });
        report.findings.push({
          dedupKey: hit.finding.dedupKey,
          type: hit.finding.type,
          riskScore: 0,
          route: routeFinding(hit.finding),
          outcome: 'suppressed',
          reason: `${hit.suppressionId}: ${hit.reason}`,
        });
      }
      for (const scored of detection.findings) {
        try {
          report.findings.push(await handleFinding(scored));
        } catch (error) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          logger.error('finding failed', { index, dedupKey: scored.finding.dedupKey, reason });
          report.failures.push({ index, dedupKey: scored.finding.dedupKey, reason });
        }
      }
    }
    if (report.failures.length > 0) throw new DetectBatchError(report);
    return report;
  };
}

/** Sample findings never contain anything: they only notify. Notify-only routes notify. Otherwise the configured mode. */
function modeFor(config: FirebreakConfig, finding: Finding, route: Route): PlaybookMode {
  if (route.playbook === 'notify-only') return 'notify';
  const configured = playbookMode(config, route.playbook);
  if (configured === 'off') return 'off';
  return finding.sample ? 'notify' : configured;
}

function homeRegion(): string {
  return process.env.AWS_REGION ?? 'us-east-1';
}

function escalated(finding: Finding, label: 'CRITICAL'): Finding {
  return { ...finding, severity: { ...finding.severity, label, normalized: Math.max(finding.severity.normalized, 90) } };
}

function eventIdOf(event: unknown): string | undefined {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
