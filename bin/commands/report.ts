import { existsSync } from 'node:fs';
import { assessCompliance } from '../../lambdas/core/compliance/compliance-assessment.js';
import { COMPLIANCE_FRAMEWORKS, type ComplianceFramework } from '../../lambdas/core/compliance/compliance-framework.js';
import { incidentReport } from '../../lambdas/core/incidents/incident-report.js';
import { incidentDurations } from '../../lambdas/core/incidents/lifecycle.js';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../lib/config.js';
import { UsageError, type CliCommand } from './command.js';
import { BACKEND_NOTE, BACKEND_OPTIONS, BACKEND_USAGE, parseCommandArgs, defaultBackendEnvironment, openWorkflowBackend, type BackendEnvironment } from './workflow-backend.js';

/** `firebreak report <incident>`: the incident report (Markdown; `--json` for the same facts as data). */
export function createReportCommand(env: BackendEnvironment = defaultBackendEnvironment): CliCommand {
  return {
    name: 'report',
    summary: 'the incident report: severity, title, status, actions, timeline, root cause',
    usage: `firebreak report <incident> [--json] [--compliance ${COMPLIANCE_FRAMEWORKS.join('|')}] ${BACKEND_USAGE}\n${BACKEND_NOTE}\n${COMPLIANCE_NOTE}`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...BACKEND_OPTIONS, json: { type: 'boolean', default: false }, compliance: { type: 'string' } });
      const [incidentId, ...extra] = positionals;
      if (!incidentId) throw new UsageError('missing incident id');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const framework = complianceFrameworkOf(values.compliance, values.config);
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
                ...(framework !== 'none' ? { compliance: assessCompliance(framework, incident, actions, timeline) } : {}),
              },
              null,
              2,
            ),
          );
        } else {
          io.stdout(incidentReport(incident, actions, timeline, { complianceFramework: framework }));
        }
        return 0;
      } finally {
        await backend.close();
      }
    },
  };
}

const COMPLIANCE_NOTE =
  '--compliance: add the compliance section for this framework; default: complianceFramework of --config FILE, else of ./firebreak.config.json when present.';

/** The framework the report maps evidence to: the flag, else the config the stack was deployed from (config `complianceFramework`). */
function complianceFrameworkOf(flag: string | undefined, configPath: string | undefined): ComplianceFramework {
  if (flag !== undefined) {
    if (!(COMPLIANCE_FRAMEWORKS as readonly string[]).includes(flag)) {
      throw new UsageError(`--compliance '${flag}' is not supported (supported: ${COMPLIANCE_FRAMEWORKS.join(', ')})`);
    }
    return flag as ComplianceFramework;
  }
  const path = configPath ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  return path ? loadConfigFile(path).config.complianceFramework : 'none';
}

export const command: CliCommand = createReportCommand();
