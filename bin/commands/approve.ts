import { decideApproval } from '../../lambdas/approve/decide-approval.js';
import { NotFoundError } from '../../lambdas/core/errors.js';
import { UsageError, type CliCommand } from './command.js';
import { BACKEND_NOTE, BACKEND_OPTIONS, BACKEND_USAGE, parseCommandArgs, defaultBackendEnvironment, openWorkflowBackend, type BackendEnvironment } from './workflow-backend.js';

/**
 * `firebreak approve|reject <incident> [--step S] [--reason R]`: the same decision as the approval page, authorised by the
 * responder's own AWS credentials (DynamoDB + states:SendTask*) instead of a signed link; the caller's ARN goes on the timeline.
 */
export function createDecisionCommand(
  decision: 'approve' | 'reject',
  env: BackendEnvironment = defaultBackendEnvironment,
): CliCommand {
  const usage = `firebreak ${decision} <incident> [--step STEP] [--reason TEXT] [--json] ${BACKEND_USAGE}\n${BACKEND_NOTE}`;
  return {
    name: decision,
    summary: decision === 'approve' ? 'approve a pending playbook step of an incident' : 'reject a pending playbook step of an incident',
    usage,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...BACKEND_OPTIONS, step: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean', default: false } });
      const [incidentId, ...extra] = positionals;
      if (!incidentId) throw new UsageError('missing incident id');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const backend = await openWorkflowBackend(values, env);
      try {
        await backend.repository.getOrThrow(incidentId);
        const pending = await backend.approvals.pendingForIncident(incidentId, values.step);
        if (pending.length === 0) {
          const all = await backend.approvals.forIncident(incidentId);
          const steps = all.map((approval) => `${approval.step}: ${approval.status}`).join(', ');
          throw new NotFoundError(
            `incident ${incidentId} has no pending approval${values.step ? ` for step ${values.step}` : ''}${steps ? ` (requested: ${steps})` : ' (none was requested)'}`,
          );
        }
        if (pending.length > 1) {
          throw new UsageError(`incident ${incidentId} waits on several steps (${pending.map((approval) => approval.step).join(', ')}): pick one with --step`);
        }
        const approval = pending[0]!;
        const actor = await backend.actor();
        const decided = await decideApproval(
          { repository: backend.repository, approvals: backend.approvals, responder: backend.responder },
          { approvalKey: approval.approvalKey, decision, approver: actor, ...(values.reason ? { reason: values.reason } : {}), channel: 'cli' },
        );
        await backend.afterDecision(incidentId);
        const incident = await backend.repository.getOrThrow(incidentId);
        // The playbook may stop at its next gate (a step with its own approval): say so, it is the responder's next decision.
        const next = (await backend.approvals.pendingForIncident(incidentId)).map((approval) => approval.step);
        if (values.json) {
          io.stdout(JSON.stringify({ decision: decided, incident, pendingApprovals: next }, null, 2));
        } else {
          io.stdout(
            `${decided.decision} step ${decided.step} of ${incidentId} as ${actor}${values.reason ? `: ${values.reason}` : ''} (incident now ${incident.status})` +
              (next.length > 0 ? `\nnow waiting for approval of step ${next.join(', ')}` : ''),
          );
        }
        return 0;
      } finally {
        await backend.close();
      }
    },
  };
}

export const command: CliCommand = createDecisionCommand('approve');
