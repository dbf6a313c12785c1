import { Metrics } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { ApprovalStore } from '../store/approval-store.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { powertoolsApprovalMetrics } from './approval-metrics.js';
import { createApproveHandler, type ApproveHandler } from './create-approve-handler.js';
import { secretsManagerSigningKey } from './signing-key.js';
import { sfnTaskResponder } from './task-responder.js';

export { createApproveHandler, type ApproveHandlerDeps } from './create-approve-handler.js';

const EnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  APPROVAL_SIGNING_SECRET_ARN: z.string().startsWith('arn:'),
});

let cached: ApproveHandler | undefined;

function coldStart(): ApproveHandler {
  const env = readEnvironment(EnvironmentSchema);
  const clients = createAwsClients();
  const doc = clients.documentClient();
  const home = { accountId: 'self', region: process.env.AWS_REGION ?? 'us-east-1' };
  return createApproveHandler({
    repository: new IncidentRepository(doc, env.INCIDENT_TABLE_NAME),
    approvals: new ApprovalStore(doc, env.INCIDENT_TABLE_NAME),
    responder: sfnTaskResponder(clients.get('sfn', home)),
    signingKey: secretsManagerSigningKey(clients.get('secretsManager', home), env.APPROVAL_SIGNING_SECRET_ARN),
    logger: createLogger('firebreak-approve'),
    metrics: powertoolsApprovalMetrics(new Metrics({ namespace: 'Firebreak', serviceName: 'firebreak-approve' })),
  });
}

export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
