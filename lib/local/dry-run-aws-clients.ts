import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AccountRefusedError,
  CLIENT_NAMES,
  createAwsClients,
  targetAccess,
  type AwsClients,
  type AwsTarget,
  type ClientName,
  type ClientOf,
  type TargetAccess,
} from '../../lambdas/aws/clients.js';
import type { MemberAccountsConfig } from '../../lambdas/core/config/member-accounts-config.js';
import { localCredentials } from './embedded-dynamodb.js';

/**
 * AwsClients for the local runtime. DynamoDB goes to the embedded dynalite; every other client's `send` is intercepted: the
 * call is recorded as `{service, operation, params}` and answered locally — by a responder registered for the service (Step
 * Functions → the local state machines) or with a benign empty response. Nothing ever reaches AWS. SNS Publish is also kept
 * as a notification, so replay can show what a responder would have received.
 *
 * In dry-run, containment actions make no calls at all (they return their plan); anything that does call shows up here.
 */
export interface InterceptedCall {
  readonly service: ClientName;
  readonly operation: string;
  readonly params: Record<string, unknown>;
  readonly target: AwsTarget;
  readonly at: string;
}

export interface LocalNotification {
  readonly topicArn?: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly at: string;
}

/** Answers one intercepted call; `undefined` falls through to the default (benign empty) answer. */
export type ServiceResponder = (operation: string, params: Record<string, unknown>, target: AwsTarget) => unknown | Promise<unknown>;

export interface DryRunAwsClientsOptions {
  readonly dynamoDb: { readonly endpoint: string; readonly region: string };
  readonly homeRegion: string;
  /** The account the local stack "runs in" (STS GetCallerIdentity, default ARNs). */
  readonly accountId: string;
  readonly clock?: () => Date;
}

export class DryRunAwsClients implements AwsClients {
  readonly calls: InterceptedCall[] = [];
  readonly notifications: LocalNotification[] = [];
  private readonly responders = new Map<ClientName, ServiceResponder>();
  private readonly real: AwsClients;
  private readonly wrapped = new Map<string, unknown>();
  private readonly clock: () => Date;
  /** A per-runtime secret, e.g. for approval-link signing keys read from Secrets Manager. */
  private readonly localSecret = randomBytes(32).toString('hex');

  constructor(private readonly options: DryRunAwsClientsOptions) {
    this.clock = options.clock ?? (() => new Date());
    // Every client gets local credentials so the SDK never walks the credential chain (no ~/.aws, no IMDS) on a laptop.
    const overrides = Object.fromEntries(CLIENT_NAMES.map((name) => [name, { credentials: localCredentials(), maxAttempts: 1 }]));
    this.real = createAwsClients({
      homeRegion: options.homeRegion,
      overrides: { ...overrides, dynamoDb: { credentials: localCredentials(), maxAttempts: 1, endpoint: options.dynamoDb.endpoint, region: options.dynamoDb.region } },
    });
  }

  /** Routes a service's calls to a local implementation (e.g. `sfn` → LocalStepFunctions). */
  respond(service: ClientName, responder: ServiceResponder): void {
    this.responders.set(service, responder);
  }

  documentClient(): DynamoDBDocumentClient {
    return this.real.documentClient();
  }

  /** Like the Lambdas other than act: every target with the function's own credentials. */
  access(_target: AwsTarget): TargetAccess {
    return { via: 'home' };
  }

  /**
   * The act function's view (lambdas/act/handler.ts). With memberAccounts, targets outside the local stack's account are
   * reached through the member role (`access` says which AssumeRole, so a dry run shows it) or refused, as deployed. Without
   * it, the local stack's invented account cannot stand for yours, so every account is served as its own and a replay of
   * your events still shows their plan. Calls stay intercepted either way: no credentials are ever resolved.
   */
  forAct(memberAccounts: MemberAccountsConfig | undefined): AwsClients {
    if (!memberAccounts) return this;
    const cross = { homeAccountId: this.options.accountId, memberAccounts };
    return {
      access: (target) => targetAccess(target, cross),
      get: (name, target) => {
        const how = targetAccess(target, cross);
        if (how.via === 'refused') throw new AccountRefusedError(how.reason);
        return this.get(name, target);
      },
      documentClient: () => this.documentClient(),
    };
  }

  get<N extends ClientName>(name: N, target: AwsTarget): ClientOf<N> {
    const client = this.real.get(name, target);
    if (name === 'dynamoDb') return client;
    const key = `${name}|${target.accountId}|${target.region}`;
    let proxy = this.wrapped.get(key) as ClientOf<N> | undefined;
    if (!proxy) {
      proxy = new Proxy(client, {
        get: (object, property, receiver) => {
          if (property !== 'send') return Reflect.get(object, property, receiver);
          return (command: { input?: Record<string, unknown>; constructor: { name: string } }) => this.intercept(name, target, command);
        },
      });
      this.wrapped.set(key, proxy);
    }
    return proxy;
  }

  private async intercept(service: ClientName, target: AwsTarget, command: { input?: Record<string, unknown>; constructor: { name: string } }) {
    const operation = command.constructor.name.replace(/Command$/, '');
    const params = structuredClone(command.input ?? {});
    const at = this.clock().toISOString();
    this.calls.push({ service, operation, params: readable(params) as Record<string, unknown>, target, at });
    const answer = await this.responders.get(service)?.(operation, params, target);
    if (answer !== undefined) return answer;
    return this.defaultAnswer(service, operation, params, at);
  }

  private defaultAnswer(service: ClientName, operation: string, params: Record<string, unknown>, at: string): unknown {
    if (service === 'sns' && operation === 'Publish') {
      const attributes = Object.fromEntries(
        Object.entries((params.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>).map(([key, value]) => [key, value.StringValue ?? '']),
      );
      this.notifications.push({
        ...(typeof params.TopicArn === 'string' ? { topicArn: params.TopicArn } : {}),
        ...(typeof params.Subject === 'string' ? { subject: params.Subject } : {}),
        message: String(params.Message ?? ''),
        attributes,
        at,
      });
      return { MessageId: randomUUID(), $metadata: {} };
    }
    if (service === 'secretsManager' && operation === 'GetSecretValue') {
      const id = String(params.SecretId ?? 'local');
      return { ARN: id, Name: id, SecretString: this.localSecret, VersionId: 'local', $metadata: {} };
    }
    return { $metadata: {} };
  }
}

/** Binary parameters (Lambda Invoke payloads) are recorded as text, so a replay's call list reads as it was sent. */
function readable(value: unknown): unknown {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(readable);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, readable(item)]));
  }
  return value;
}
