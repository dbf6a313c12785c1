import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { secretsManagerSigningKey } from '../approve/signing-key.js';
import { IncidentNotifier } from '../notify/incident-notifier.js';
import { snsPublisher } from '../notify/notification-publisher.js';
import { SecurityHubWorkflowSync } from '../securityhub-sync/securityhub-workflow.js';
import { ApprovalStore } from '../store/approval-store.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { createApprovalRequestHandler, type ApprovalRequestHandler } from './create-approval-request-handler.js';

export { createApprovalRequestHandler, type ApprovalRequestHandlerDeps, ApprovalRequestSchema } from './create-approval-request-handler.js';

const EnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  FIREBREAK_CONFIG: z.string().min(2),
  NOTIFICATION_TOPIC_ARN: z.string().startsWith('arn:'),
  /** Base URL of the approval endpoint (lib/approvals.ts sets both); without them messages point at the CLI only. */
  APPROVAL_URL: z.string().url().optional(),
  APPROVAL_SIGNING_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** Link lifetime when the state machine passes no timeout. */
  APPROVAL_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(3600),
  SECURITY_HUB_SYNC: z.enum(['true', 'false']).default('true'),
});

let cached: ApprovalRequestHandler | undefined;

function coldStart(): ApprovalRequestHandler {
  const env = readEnvironment(EnvironmentSchema);
  const config = parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG));
  const clients = createAwsClients();
  const doc = clients.documentClient();
  const home = { accountId: 'self', region: process.env.AWS_REGION ?? 'us-east-1' };
  const repository = new IncidentRepository(doc, env.INCIDENT_TABLE_NAME);
  return createApprovalRequestHandler({
    repository,
    approvals: new ApprovalStore(doc, env.INCIDENT_TABLE_NAME),
    notifier: new IncidentNotifier({
      repository,
      publisher: snsPublisher(clients.get('sns', home), env.NOTIFICATION_TOPIC_ARN, config.siemPlatform, config.complianceFramework),
      securityHub: env.SECURITY_HUB_SYNC === 'true' ? new SecurityHubWorkflowSync(clients) : undefined,
      responseTimeTargets: config.responseTimeTarget,
    }),
    signingKey: env.APPROVAL_SIGNING_SECRET_ARN
      ? secretsManagerSigningKey(clients.get('secretsManager', home), env.APPROVAL_SIGNING_SECRET_ARN)
      : async () => {
          throw new Error('no APPROVAL_SIGNING_SECRET_ARN: approval links are off');
        },
    approvalBaseUrl: env.APPROVAL_URL && env.APPROVAL_SIGNING_SECRET_ARN ? env.APPROVAL_URL : undefined,
    defaultTimeoutSeconds: env.APPROVAL_TIMEOUT_SECONDS,
    logger: createLogger('firebreak-approval-request'),
  });
}

export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
