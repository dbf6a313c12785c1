import { Logger } from '@aws-lambda-powertools/logger';
import { createActHandler } from '../../lambdas/act/create-act-handler.js';
import { createRollbackHandler } from '../../lambdas/act/create-rollback-handler.js';
import { secretsManagerSigningKey } from '../../lambdas/approve/signing-key.js';
import { createApprovalRequestHandler } from '../../lambdas/approval-request/create-approval-request-handler.js';
import type { AwsTarget } from '../../lambdas/aws/clients.js';
import type { FirebreakConfig } from '../../lambdas/core/config/firebreak-config.js';
import { FirebreakError } from '../../lambdas/core/errors.js';
import type { FunctionKind } from '../../lambdas/core/playbook-contract.js';
import { createDetectHandler } from '../../lambdas/detect/create-detect-handler.js';
import { createNotifyHandler } from '../../lambdas/notify/create-notify-handler.js';
import { IncidentNotifier } from '../../lambdas/notify/incident-notifier.js';
import { snsPublisher } from '../../lambdas/notify/notification-publisher.js';
import { createRecordHandler } from '../../lambdas/record/create-record-handler.js';
import { SecurityHubWorkflowSync } from '../../lambdas/securityhub-sync/securityhub-workflow.js';
import { ApprovalStore } from '../../lambdas/store/approval-store.js';
import { CircuitBreakerStore } from '../../lambdas/store/circuit-breaker-store.js';
import { DynamoCorrelationWindowStore } from '../../lambdas/store/correlation-window-store.js';
import { IncidentRepository } from '../../lambdas/store/incident-repository.js';
import { NotificationDigestStore } from '../../lambdas/store/notification-digest-store.js';
import type { DryRunAwsClients } from './dry-run-aws-clients.js';
import type { TemplateFunction } from './template-functions.js';

/**
 * Builds the in-process handler of each Firebreak function kind with the same factories the Lambda entry points use, wired
 * like their cold start but with the local stand-ins: the dry-run AwsClients (DynamoDB on dynalite, everything else
 * intercepted), the runtime's config and clock, and the function's environment *as synthesized* (table name, topic ARN,
 * PLAYBOOK_ARNS pointing at the local state machines).
 *
 * Containment always runs in dry-run here: the local runtime never changes anything, whatever `dryRun` says.
 */
export type LocalHandler = (payload: unknown) => Promise<unknown>;

export interface LocalHandlerDeps {
  readonly clients: DryRunAwsClients;
  readonly config: FirebreakConfig;
  readonly clock: () => Date;
  /** The account/region the local stack runs in. */
  readonly home: AwsTarget;
  /** Every act result (an action's result, or a rollback's outcome), so replay can show the calls it would make. */
  readonly onActionResult?: (payload: unknown, result: unknown) => void;
  readonly logger?: Logger;
}

/** Powertools logger that stays quiet unless FIREBREAK_LOG_LEVEL asks (replay output must stay readable). */
export function localLogger(serviceName: string): Logger {
  const level = (process.env.FIREBREAK_LOG_LEVEL ?? 'SILENT') as 'SILENT';
  return new Logger({ serviceName, logLevel: level });
}

export function createLocalHandler(fn: TemplateFunction, deps: LocalHandlerDeps): LocalHandler {
  if (fn.kind === 'approve' || fn.kind === 'sla') {
    // Not invoked by any rule or playbook Task; the local runtime reaches them through their own paths (CLI approve, SLA sweep).
    return async () => {
      throw new FirebreakError(`the ${fn.kind} function is not invoked by rules or state machines in the local runtime`);
    };
  }
  const env = fn.environment;
  const tableName = required(fn, 'INCIDENT_TABLE_NAME');
  const doc = deps.clients.documentClient();
  const repository = new IncidentRepository(doc, tableName, deps.clock);
  const logger = deps.logger ?? localLogger(`firebreak-${fn.kind}`);
  const securityHub = env.SECURITY_HUB_SYNC === 'false' ? undefined : new SecurityHubWorkflowSync(deps.clients);
  const publisher = () => snsPublisher(deps.clients.get('sns', deps.home), required(fn, 'NOTIFICATION_TOPIC_ARN'), deps.config.siemPlatform, deps.config.complianceFramework);
  const kind: FunctionKind = fn.kind;

  switch (kind) {
    case 'detect':
      return createDetectHandler({
        clients: deps.clients,
        repository,
        config: deps.config,
        playbookArns: JSON.parse(required(fn, 'PLAYBOOK_ARNS')) as Record<string, string>,
        windowStore: new DynamoCorrelationWindowStore(doc, tableName),
        circuitBreaker: new CircuitBreakerStore(doc, tableName, deps.config.circuitBreaker),
        now: deps.clock,
        logger,
        ...(env.NOTIFY_FUNCTION_NAME ? { notifyFunctionName: env.NOTIFY_FUNCTION_NAME } : {}),
      });
    case 'act': {
      // As lambdas/act/handler.ts: one function, two operations (a playbook step, or the rollback state machine's task).
      const localConfig = { ...deps.config, dryRun: true };
      const clients = deps.clients.forAct(deps.config.memberAccounts);
      const act = createActHandler({ clients, repository, config: localConfig, now: deps.clock, logger });
      const rollback = createRollbackHandler({ clients, repository, config: localConfig, now: deps.clock });
      return async (payload) => {
        const isRollback = (payload as { operation?: unknown } | null)?.operation === 'rollback';
        const result = isRollback ? await rollback(payload) : await act(payload);
        deps.onActionResult?.(payload, result);
        return result;
      };
    }
    case 'record':
      return createRecordHandler({ repository, logger });
    case 'notify':
      return createNotifyHandler({
        repository,
        publisher: publisher(),
        digests: new NotificationDigestStore(doc, tableName, deps.clock),
        digestWindowSeconds: Number(env.NOTIFY_DIGEST_SECONDS ?? 300),
        securityHub,
        responseTimeTargets: deps.config.responseTimeTarget,
        logger,
      });
    case 'approval-request':
      return createApprovalRequestHandler({
        repository,
        approvals: new ApprovalStore(doc, tableName, deps.clock),
        notifier: new IncidentNotifier({ repository, publisher: publisher(), securityHub, responseTimeTargets: deps.config.responseTimeTarget, logger }),
        signingKey: secretsManagerSigningKey(deps.clients.get('secretsManager', deps.home), env.APPROVAL_SIGNING_SECRET_ARN ?? 'local-approval-signing-key'),
        ...(env.APPROVAL_URL ? { approvalBaseUrl: env.APPROVAL_URL } : {}),
        defaultTimeoutSeconds: Number(env.APPROVAL_TIMEOUT_SECONDS ?? 3600),
        clock: deps.clock,
        logger,
      });
    default:
      throw new FirebreakError(`no local handler for function kind '${kind}'`);
  }
}

function required(fn: TemplateFunction, name: string): string {
  const value = fn.environment[name];
  if (!value) throw new FirebreakError(`function ${fn.logicalId} (${fn.kind}) has no ${name} in the synthesized template`);
  return value;
}
