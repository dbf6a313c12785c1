import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { createRecordHandler, type RecordHandler } from './create-record-handler.js';

export { createRecordHandler, type RecordHandlerDeps, RecordRequestSchema } from './create-record-handler.js';

const EnvironmentSchema = z.object({ INCIDENT_TABLE_NAME: z.string().min(1) });

let cached: RecordHandler | undefined;

function coldStart(): RecordHandler {
  const env = readEnvironment(EnvironmentSchema);
  const clients = createAwsClients();
  return createRecordHandler({
    repository: new IncidentRepository(clients.documentClient(), env.INCIDENT_TABLE_NAME),
    logger: createLogger('firebreak-record'),
  });
}

export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
