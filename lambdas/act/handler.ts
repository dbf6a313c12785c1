import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { createActHandler, type ActHandler } from './create-act-handler.js';
import { createRollbackHandler, type RollbackHandler } from './create-rollback-handler.js';

export { createActHandler, type ActHandlerDeps, type ActRepository } from './create-act-handler.js';
export { createRollbackHandler, type RollbackHandlerDeps } from './create-rollback-handler.js';

const EnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  /** The validated config as written (lib/config.ts), parsed with the same schema here. */
  FIREBREAK_CONFIG: z.string().min(2),
});

let cached: { act: ActHandler; rollback: RollbackHandler } | undefined;

/** Built on the first invocation (module import stays side-effect free, so the local runtime can import the factory). */
function coldStart(): { act: ActHandler; rollback: RollbackHandler } {
  const env = readEnvironment(EnvironmentSchema);
  const clients = createAwsClients();
  const logger = createLogger('firebreak-act');
  const repository = new IncidentRepository(clients.documentClient(), env.INCIDENT_TABLE_NAME);
  const config = parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG));
  return { act: createActHandler({ clients, repository, config, logger }), rollback: createRollbackHandler({ clients, repository, config }) };
}

/** One action of a playbook step, or (`operation: 'rollback'`, from the rollback state machine) the undo of an incident. */
export async function handler(event: unknown) {
  cached ??= coldStart();
  return (event as { operation?: unknown } | null)?.operation === 'rollback' ? cached.rollback(event) : cached.act(event);
}
