import { rollbackIncident, type RollbackOutcome } from '../../lambdas/actions/rollback/rollback-incident.js';
import { FirebreakError, RefusedError } from '../../lambdas/core/errors.js';
import { PLAYBOOKS } from '../../lib/playbooks/index.js';
import { UsageError, type CliCommand } from './command.js';
import { BACKEND_NOTE, BACKEND_OPTIONS, BACKEND_USAGE, defaultBackendEnvironment, openWorkflowBackend, parseCommandArgs, type BackendEnvironment } from './workflow-backend.js';

const USAGE = `firebreak rollback <incident> [--dry-run] [--json] ${BACKEND_USAGE}\n${BACKEND_NOTE}\n--dry-run: print the calls a rollback would make, change nothing.`;

function render(outcome: RollbackOutcome): string {
  const lines = outcome.steps.map(({ actionId, target, result }) => {
    const head = `${result.status.padEnd(8)} ${actionId} on ${target}`;
    const detail = result.status === 'done' ? result.summary : result.status === 'skipped' ? result.reason : `${result.errorName}: ${result.cause}`;
    const calls = result.calls.map((c) => `           ${c.service}:${c.operation} ${JSON.stringify(c.params)}`);
    return [`${head}: ${detail}`, ...(result.status === 'skipped' && result.escalation ? [`           → needs a human: ${result.escalation}`] : []), ...calls].join('\n');
  });
  if (lines.length === 0) lines.push('nothing to roll back: no action of this incident changed anything (dry-run actions change nothing)');
  const { done, skipped, failed } = outcome.counts;
  lines.push(outcome.dryRun ? `dry run — would restore ${done}, leave ${skipped} as they are; nothing was changed` : `${done} restored, ${skipped} left as they are, ${failed} failed`);
  return lines.join('\n');
}

export function createRollbackCommand(env: BackendEnvironment = defaultBackendEnvironment, clock: () => Date = () => new Date()): CliCommand {
  return {
    name: 'rollback',
    summary: 'undo what containment changed on an incident, where nobody changed it since',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { ...BACKEND_OPTIONS, json: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false } });
      const [incidentId, ...extra] = positionals;
      if (!incidentId) throw new UsageError('rollback needs an incident id');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const backend = await openWorkflowBackend(
        { ...(values.stack ? { stack: values.stack } : {}), ...(values.region ? { region: values.region } : {}), ...(values.local ? { local: values.local } : {}), ...(values.config ? { config: values.config } : {}) },
        env,
      );
      try {
        if (!backend.clients) throw new FirebreakError(`${backend.description} offers no AWS clients for rollback`);
        const incident = await backend.repository.getOrThrow(incidentId);
        if (backend.direct) {
          // The caller's credentials reach one account; containment in another (a member account, contained through
          // its Firebreak role) must not be "undone" against the wrong account.
          const callerAccount = await backend.direct.callerAccountId();
          if (incident.accountId !== callerAccount) {
            const stateMachine = backend.direct.rollbackStateMachineArn;
            throw new RefusedError(
              `incident ${incidentId} was contained in account ${incident.accountId}, your credentials act in ${callerAccount}: ` +
                (stateMachine
                  ? `start the stack's rollback state machine, which acts there through the member role: aws stepfunctions start-execution --state-machine-arn ${stateMachine} --input '{"incidentId":"${incidentId}","dryRun":${values['dry-run']},"actor":"${await backend.actor()}"}'`
                  : `use credentials for account ${incident.accountId}`),
            );
          }
        }
        const outcome = await rollbackIncident({
          clients: backend.clients,
          repository: backend.repository,
          incident,
          ...(PLAYBOOKS.find((p) => p.id === incident.playbook) ? { playbook: PLAYBOOKS.find((p) => p.id === incident.playbook)! } : {}),
          actor: await backend.actor(),
          dryRun: values['dry-run'],
          now: clock,
        });
        io.stdout(values.json ? JSON.stringify(outcome, null, 2) : render(outcome));
        return outcome.counts.failed > 0 ? 1 : 0;
      } finally {
        await backend.close();
      }
    },
  };
}

export const command: CliCommand = createRollbackCommand();
