import { Metrics } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { createAwsClients } from '../aws/clients.js';
import { parseFirebreakConfig } from '../core/config/firebreak-config.js';
import { readEnvironment } from '../core/environment.js';
import { IncidentNotifier } from '../notify/incident-notifier.js';
import { snsPublisher } from '../notify/notification-publisher.js';
import { createLogger } from '../observability/logger.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { createSlaHandler, type SlaHandler } from './create-sla-handler.js';
import { powertoolsSlaMetrics } from './sla-metrics.js';

export { createSlaHandler, type SlaHandlerDeps } from './create-sla-handler.js';

const EnvironmentSchema = z.object({
  INCIDENT_TABLE_NAME: z.string().min(1),
  FIREBREAK_CONFIG: z.string().min(2),
  NOTIFICATION_TOPIC_ARN: z.string().startsWith('arn:'),
});

let cached: SlaHandler | undefined;

function coldStart(): SlaHandler {
  const env = readEnvironment(EnvironmentSchema);
  const config = parseFirebreakConfig(JSON.parse(env.FIREBREAK_CONFIG));
  const clients = createAwsClients();
  const repository = new IncidentRepository(clients.documentClient(), env.INCIDENT_TABLE_NAME);
  const home = { accountId: 'self', region: process.env.AWS_REGION ?? 'us-east-1' };
  return createSlaHandler({
    repository,
    notifier: new IncidentNotifier({
      repository,
      publisher: snsPublisher(clients.get('sns', home), env.NOTIFICATION_TOPIC_ARN, config.siemPlatform, config.complianceFramework),
      responseTimeTargets: config.responseTimeTarget,
    }),
    metrics: powertoolsSlaMetrics(new Metrics({ namespace: 'Firebreak', serviceName: 'firebreak-sla' })),
    targets: config.responseTimeTarget,
    logger: createLogger('firebreak-sla'),
  });
}

/** Invoked by an EventBridge schedule (e.g. every 5 minutes); the event carries nothing the sweep needs. */
export async function handler(event: unknown) {
  cached ??= coldStart();
  return cached(event);
}
