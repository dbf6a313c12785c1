import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { createLogger } from '../observability/logger.js';
import { SecurityHubWorkflowSync } from '../securityhub-sync/securityhub-workflow.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { NotificationDigestStore } from '../store/notification-digest-store.js';
import { createNotifyHandler, type NotifyHandler } from './create-notify-handler.js';
import { snsPublisher } from './notification-publisher.js';

export { createNotifyHandler, type NotifyHandlerDeps } from './create-notify-handler.js';

export const NotifyEnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  FIREBREAK_CONFIG: z.string().min(2),
  NOTIFICATION_TOPIC_ARN: z.string().startsWith('arn:'),
  /** Burst aggregation window per incident and event kind. */
  NOTIFY_DIGEST_SECONDS: z.coerce.number().int().min(0).default(300),
  /** `false` turns the Security Hub workflow sync off (accounts without Security Hub). */
  SECURITY_HUB_SYNC: z.enum(['true', 'false']).default('true'),
});

let cached: NotifyHandler | undefined;

function coldStart(): NotifyHandler {
  const env = readEnvironment(NotifyEnvironmentSchema);
  const config = parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG));
  const clients = createAwsClients();
  const doc = clients.documentClient();
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return createNotifyHandler({
    repository: new IncidentRepository(doc, env.INCIDENT_TABLE_NAME),
    publisher: snsPublisher(clients.get('sns', { accountId: 'self', region }), env.NOTIFICATION_TOPIC_ARN, config.siemPlatform, config.complianceFramework),
    digests: new NotificationDigestStore(doc, env.INCIDENT_TABLE_NAME),
    digestWindowSeconds: env.NOTIFY_DIGEST_SECONDS,
    securityHub: env.SECURITY_HUB_SYNC === 'true' ? new SecurityHubWorkflowSync(clients) : undefined,
    responseTimeTargets: config.responseTimeTarget,
    logger: createLogger('firebreak-notify'),
  });
}

export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
