import type { Logger } from '@aws-lambda-powertools/logger';
import { NotifyRequestSchema } from '../core/notifications/notification-event.js';
import { parseOrThrow } from '../core/zod-issues.js';
import { IncidentNotifier, type IncidentNotifierDeps, type NotifyResult } from './incident-notifier.js';

export type NotifyHandler = (event: unknown) => Promise<NotifyResult>;

export type NotifyHandlerDeps = IncidentNotifierDeps & { readonly logger?: Logger };

/**
 * The notify Lambda: `{ incidentId, event, detail? }` from a playbook (Notify, Escalate states) → one SNS message, or a
 * count in the incident's digest when the same kind of message went out moments ago.
 */
export function createNotifyHandler(deps: NotifyHandlerDeps): NotifyHandler {
  const notifier = new IncidentNotifier(deps);
  return async (event) => {
    const request = parseOrThrow(NotifyRequestSchema, event, 'notify request');
    deps.logger?.appendKeys({ incidentId: request.incidentId });
    const result = await notifier.notify({
      incidentId: request.incidentId,
      event: request.event,
      detail: request.detail,
      ...(request.aggregate === false ? { aggregate: false } : {}),
    });
    deps.logger?.info('notify', { ...result });
    return result;
  };
}
