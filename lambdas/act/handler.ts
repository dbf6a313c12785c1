import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { createActHandler, type ActHandler } from './create-act-handler.js';

export { createActHandler, type ActHandlerDeps, type ActRepository } from './create-act-handler.js';

const EnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  /** The validated config as written (lib/config.ts), parsed with the same schema here. */
  FIREBREAK_CONFIG: z.string().min(2),
});

let cached: ActHandler | undefined;

/** Built on the first invocation (module import stays side-effect free, so the local runtime can import the factory). */
function coldStart(): ActHandler {
  const env = readEnvironment(EnvironmentSchema);
  const clients = createAwsClients();
  const logger = createLogger('firebreak-act');
  return createActHandler({
    clients,
    repository: new IncidentRepository(clients.documentClient(), env.INCIDENT_TABLE_NAME),
    config: parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG)),
    logger,
  });
}

export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
