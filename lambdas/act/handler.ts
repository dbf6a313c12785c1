import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { FirebreakError } from '../core/errors.js';
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

/** What the Lambda context tells about the function itself (the rest of the context is not used). */
export interface InvocationContext {
  readonly invokedFunctionArn?: string;
}

/**
 * The account and partition this function runs in, read from its own ARN (`arn:<partition>:lambda:<region>:<account>:
 * function:<name>[:alias]`): no STS GetCallerIdentity call on cold start.
 */
export function homeFromFunctionArn(arn: string | undefined): { homeAccountId: string; partition: string } {
  const [prefix, partition, service, , account] = (arn ?? '').split(':');
  if (prefix !== 'arn' || !partition || service !== 'lambda' || !/^\d{12}$/.test(account ?? '')) {
    throw new FirebreakError(`cannot tell the home account from the invoked function ARN '${arn ?? ''}'`);
  }
  return { homeAccountId: account!, partition };
}

/** Built on the first invocation (module import stays side-effect free, so the local runtime can import the factory). */
function coldStart(context: InvocationContext | undefined): { act: ActHandler; rollback: RollbackHandler } {
  const env = readEnvironment(EnvironmentSchema);
  const config = parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG));
  // Containment acts in the finding's account: the home one with the function's own credentials, a member one through
  // config.memberAccounts' role, any other refused (skipped) rather than touched with the wrong account's credentials.
  const clients = createAwsClients({ crossAccount: { ...homeFromFunctionArn(context?.invokedFunctionArn), memberAccounts: config.memberAccounts } });
  const logger = createLogger('firebreak-act');
  const repository = new IncidentRepository(clients.documentClient(), env.INCIDENT_TABLE_NAME);
  return { act: createActHandler({ clients, repository, config, logger }), rollback: createRollbackHandler({ clients, repository, config }) };
}

/** One action of a playbook step, or (`operation: 'rollback'`, from the rollback state machine) the undo of an incident. */
export async function handler(event: unknown, context?: InvocationContext) {
  cached ??= coldStart(context);
  return (event as { operation?: unknown } | null)?.operation === 'rollback' ? cached.rollback(event) : cached.act(event);
}
