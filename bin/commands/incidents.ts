import { z } from 'zod';
import { SeverityLabelSchema } from '../../lambdas/core/findings/finding.js';
import { IncidentStatusSchema, type Incident } from '../../lambdas/core/incidents/incident.js';
import { incidentDurations } from '../../lambdas/core/incidents/lifecycle.js';
import { DurationSchema } from '../../lambdas/core/config/duration.js';
import { decideApproval } from '../../lambdas/approve/decide-approval.js';
import { ApprovalRefusedError } from '../../lambdas/store/approval-store.js';
import { UsageError, type CliCommand, type CliIo } from './command.js';
import { actionsTable, approvalsTable, incidentsTable, incidentSummary, timelineTable } from './incident-tables.js';
import { BACKEND_NOTE, BACKEND_OPTIONS, BACKEND_USAGE, parseCommandArgs, defaultBackendEnvironment, openWorkflowBackend, type BackendEnvironment, type WorkflowBackend } from './workflow-backend.js';

const USAGE = [
  `firebreak incidents list [--status S] [--severity L] [--since 24h|ISO] [--limit N] [--json] ${BACKEND_USAGE}`,
  `firebreak incidents show <incident> [--json] ${BACKEND_USAGE}`,
  `firebreak incidents ack <incident> [--reason R] [--json] ${BACKEND_USAGE}`,
  `firebreak incidents close <incident> --root-cause TEXT --remediation TEXT [--reason R] [--json] ${BACKEND_USAGE}`,
].join('\n       ') + `\n${BACKEND_NOTE}`;

/** Parses `--since`: a duration back from now (`24h`, `7d`) or an ISO timestamp. */
function sinceOf(value: string | undefined, now: Date): string | undefined {
  if (value === undefined) return undefined;
  const duration = DurationSchema.safeParse(value);
  if (duration.success) return new Date(now.getTime() - duration.data * 1000).toISOString();
  if (!Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value)) return new Date(value).toISOString();
  throw new UsageError(`--since '${value}': expected a duration like 24h or 7d, or an ISO time like 2026-11-25T00:00:00Z`);
}

function choice<S extends z.ZodEnum>(schema: S, value: string | undefined, flag: string): z.infer<S> | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(flag === '--severity' ? value.toUpperCase() : value);
  if (!parsed.success) throw new UsageError(`${flag} '${value}': expected one of ${schema.options.join(', ')}`);
  return parsed.data;
}

function print(io: CliIo, json: boolean, value: unknown, text: string): void {
  io.stdout(json ? JSON.stringify(value, null, 2) : text);
}

export function createIncidentsCommand(env: BackendEnvironment = defaultBackendEnvironment, clock: () => Date = () => new Date()): CliCommand {
  return {
    name: 'incidents',
    summary: 'list, show, acknowledge and close incidents (deployed stack or local runtime)',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, {
          ...BACKEND_OPTIONS,
          json: { type: 'boolean', default: false },
          status: { type: 'string' },
          severity: { type: 'string' },
          since: { type: 'string' },
          limit: { type: 'string' },
          reason: { type: 'string' },
          'root-cause': { type: 'string' },
          remediation: { type: 'string' },
        });
      const [sub, incidentId, ...extra] = positionals;
      if (!sub) throw new UsageError('missing subcommand (list, show, ack or close)');
      if (!['list', 'show', 'ack', 'close'].includes(sub)) throw new UsageError(`unknown subcommand '${sub}' (list, show, ack or close)`);
      if (sub !== 'list' && !incidentId) throw new UsageError(`incidents ${sub} needs an incident id`);
      if (extra.length > 0 || (sub === 'list' && incidentId)) throw new UsageError(`unexpected argument '${extra[0] ?? incidentId}'`);
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit '${values.limit}': expected a whole number 1..1000`);
      const status = choice(IncidentStatusSchema, values.status, '--status');
      const severity = choice(SeverityLabelSchema, values.severity, '--severity');
      const sinceIso = sinceOf(values.since, clock());
      if (sub === 'close' && (!values['root-cause']?.trim() || !values.remediation?.trim())) {
        throw new UsageError('closing requires --root-cause and --remediation');
      }

      const backend = await openWorkflowBackend(values, env);
      try {
        switch (sub) {
          case 'list': {
            const incidents = await backend.repository.list({ status, severity, since: sinceIso, limit });
            print(io, values.json, { incidents: incidents.map(listView) }, incidentsTable(incidents));
            return 0;
          }
          case 'show':
            return await show(backend, incidentId!, values.json, io);
          case 'ack': {
            const actor = await backend.actor();
            const incident = await backend.repository.acknowledge(incidentId!, { actor, ...(values.reason ? { reason: values.reason } : {}) });
            print(io, values.json, { incident }, `acknowledged ${incident.incidentId} as ${actor} (status ${incident.status})`);
            return 0;
          }
          case 'close':
            return await close(backend, incidentId!, { rootCause: values['root-cause']!, remediation: values.remediation!, reason: values.reason }, values.json, io);
        }
        return 2;
      } finally {
        await backend.close();
      }
    },
  };
}

function listView(incident: Incident) {
  const { primaryFinding: _finding, ...rest } = incident;
  return { ...rest, durations: incidentDurations(incident) };
}

async function show(backend: WorkflowBackend, incidentId: string, json: boolean, io: CliIo): Promise<number> {
  const incident = await backend.repository.getOrThrow(incidentId);
  const [timeline, actions, approvals] = await Promise.all([
    backend.repository.timeline(incidentId),
    backend.repository.actions(incidentId),
    backend.approvals.forIncident(incidentId),
  ]);
  const approvalViews = approvals.map(({ taskToken: _token, ...rest }) => rest);
  print(
    io,
    json,
    { incident, durations: incidentDurations(incident), actions, approvals: approvalViews, timeline },
    [incidentSummary(incident), '', 'Actions', actionsTable(actions), '', 'Approvals', approvalsTable(approvals), '', 'Timeline', timelineTable(timeline)].join('\n'),
  );
  return 0;
}

async function close(
  backend: WorkflowBackend,
  incidentId: string,
  request: { rootCause: string; remediation: string; reason?: string },
  json: boolean,
  io: CliIo,
): Promise<number> {
  const actor = await backend.actor();
  let incident = await backend.repository.getOrThrow(incidentId);
  // One command from any working state: resolve first (its own timeline entry), then close with the post-mortem facts.
  if (incident.status !== 'resolved') {
    incident = await backend.repository.transition(incidentId, 'resolved', { actor, reason: request.reason ?? 'closing' });
  }
  incident = await backend.repository.transition(incidentId, 'closed', { actor, rootCause: request.rootCause, remediation: request.remediation, ...(request.reason ? { reason: request.reason } : {}) });
  // A playbook still waiting for an approval must not contain a closed incident later: reject what is pending.
  const stopped: string[] = [];
  for (const approval of await backend.approvals.pendingForIncident(incidentId)) {
    try {
      await decideApproval(
        { repository: backend.repository, approvals: backend.approvals, responder: backend.responder },
        { approvalKey: approval.approvalKey, decision: 'reject', approver: actor, reason: 'incident closed', channel: 'cli' },
      );
      stopped.push(approval.step);
    } catch (error) {
      if (!(error instanceof ApprovalRefusedError)) throw error;
    }
  }
  if (stopped.length > 0) await backend.afterDecision(incidentId);
  const securityHub = backend.securityHub
    ? await backend.securityHub.sync(incident, await backend.repository.findingRefs(incident), 'RESOLVED', actor)
    : ({ status: 'skipped', reason: 'no Security Hub in this backend' } as const);
  const hubLine =
    securityHub.status === 'done'
      ? `Security Hub: ${securityHub.updated} finding(s) set to RESOLVED${securityHub.unprocessed.length ? `, ${securityHub.unprocessed.length} not updated` : ''}`
      : securityHub.status === 'skipped'
        ? `Security Hub: skipped (${securityHub.reason})`
        : `Security Hub: FAILED (${securityHub.cause}); set the findings' workflow status by hand`;
  await backend.repository.appendTimeline(incidentId, {
    actor,
    kind: 'securityhub_sync',
    message: hubLine,
    data: { status: securityHub.status },
  });
  print(
    io,
    json,
    { incident, securityHub, rejectedPendingApprovals: stopped },
    `closed ${incident.incidentId} as ${actor}\n${hubLine}${stopped.length > 0 ? `\nrejected the pending approval of step ${stopped.join(', ')}` : ''}`,
  );
  return 0;
}

export const command: CliCommand = createIncidentsCommand();
