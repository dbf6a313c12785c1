import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { CircuitBreakerStore } from '../store/circuit-breaker-store.js';
import { DynamoCorrelationWindowStore } from '../store/correlation-window-store.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { createDetectHandler, type DetectHandler } from './create-detect-handler.js';

export {
  createDetectHandler,
  DetectBatchError,
  type DetectHandlerDeps,
  type DetectReport,
  type FindingOutcome,
} from './create-detect-handler.js';

const EnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  /** The validated config as written at synth (lib/config.ts), parsed with the same schema here. */
  FIREBREAK_CONFIG: z.string().min(2),
  /** JSON object: playbook id → state machine ARN. */
  PLAYBOOK_ARNS: z.string().min(2),
  /** The notify function, for incidents routed to no playbook. */
  NOTIFY_FUNCTION_NAME: z.string().min(1).optional(),
});

let cached: DetectHandler | undefined;

/** Built on the first invocation, so importing this module (local runtime, tests) has no side effects. */
function coldStart(): DetectHandler {
  const env = readEnvironment(EnvironmentSchema);
  const clients = createAwsClients();
  const doc = clients.documentClient();
  const config = parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG));
  return createDetectHandler({
    clients,
    repository: new IncidentRepository(doc, env.INCIDENT_TABLE_NAME),
    config,
    // Sigma correlation rules (brute force, volume) count across invocations in the table.
    windowStore: new DynamoCorrelationWindowStore(doc, env.INCIDENT_TABLE_NAME),
    circuitBreaker: new CircuitBreakerStore(doc, env.INCIDENT_TABLE_NAME, config.circuitBreaker),
    playbookArns: z.record(z.string(), z.string()).parse(JSON.parse(env.PLAYBOOK_ARNS)),
    logger: createLogger('firebreak-detect'),
    ...(env.NOTIFY_FUNCTION_NAME ? { notifyFunctionName: env.NOTIFY_FUNCTION_NAME } : {}),
  });
}

/**
 * EventBridge → Lambda (async invocation). A malformed event is logged with its reason and the invocation fails after the
 * good events are processed, so Lambda's retries and then the DLQ keep it (see DetectBatchError).
 */
export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
