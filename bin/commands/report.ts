import { incidentReport } from '../../lambdas/core/incidents/incident-report.js';
import { incidentDurations } from '../../lambdas/core/incidents/lifecycle.js';
import { UsageError, type CliCommand } from './command.js';
import { BACKEND_NOTE, BACKEND_OPTIONS, BACKEND_USAGE, parseCommandArgs, defaultBackendEnvironment, openWorkflowBackend, type BackendEnvironment } from './workflow-backend.js';

/** `firebreak report <incident>`: the incident report (Markdown; `--json` for the same facts as data). */
export function createReportCommand(env: BackendEnvironment = defaultBackendEnvironment): CliCommand {
  return {
    name: 'report',
    summary: 'the incident report: severity, title, status, actions, timeline, root cause',
    usage: `firebreak report <incident> [--json] ${BACKEND_USAGE}\n${BACKEND_NOTE}`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...BACKEND_OPTIONS, json: { type: 'boolean', default: false } });
      const [incidentId, ...extra] = positionals;
      if (!incidentId) throw new UsageError('missing incident id');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const backend = await openWorkflowBackend(values, env);
      try {
        const incident = await backend.repository.getOrThrow(incidentId);
        const [actions, timeline] = await Promise.all([backend.repository.actions(incidentId), backend.repository.timeline(incidentId)]);
        if (values.json) {
          io.stdout(
            JSON.stringify(
              {
                incidentId: incident.incidentId,
                title: incident.title,
                severity: incident.severity,
                riskScore: incident.riskScore,
                status: incident.status,
                accountId: incident.accountId,
                region: incident.region,
                playbook: incident.playbook,
                mode: incident.mode,
                createdAt: incident.createdAt,
                durations: incidentDurations(incident),
                rootCause: incident.rootCause ?? null,
                remediation: incident.remediation ?? null,
                finding: incident.primaryFinding,
                actions,
                timeline,
              },
              null,
              2,
            ),
          );
        } else {
          io.stdout(incidentReport(incident, actions, timeline));
        }
        return 0;
      } finally {
        await backend.close();
      }
    },
  };
}

export const command: CliCommand = createReportCommand();
