import type { ClientName, ClientOf } from '../aws/clients.js';
import type { ActionContext, AwsCall } from './action.js';

/** `UpdateAccessKeyCommand` → `UpdateAccessKey`. */
export function operationName(command: unknown): string {
  const name = (command as { constructor?: { name?: string } }).constructor?.name ?? 'Unknown';
  return name.endsWith('Command') ? name.slice(0, -'Command'.length) : name;
}

/**
 * Calls travel in Step Functions payloads and onto the incident timeline in DynamoDB: their params are kept JSON-safe
 * (dates as ISO strings, no undefined), exactly as they would be serialized for the API.
 */
function jsonSafe(params: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(params ?? {})) as Record<string, unknown>;
}

/** A call as it appears in results and dry-run plans. */
export function awsCall(service: ClientName, operation: string, params: Record<string, unknown>): AwsCall {
  return { service, operation, params: jsonSafe(params) };
}

/**
 * The clients an action uses during one run. Every `send` is recorded (before it is made, so a failed call is in the audit
 * trail too); the result of the run carries the list. Actions obtain clients only from here.
 */
export class AwsSession {
  readonly calls: AwsCall[] = [];

  constructor(private readonly ctx: ActionContext) {}

  client<N extends ClientName>(name: N): ClientOf<N> {
    const real = this.ctx.clients.get(name, this.ctx.target);
    const calls = this.calls;
    return new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { input?: Record<string, unknown> }, ...rest: unknown[]) => {
          calls.push({ service: name, operation: operationName(command), params: jsonSafe(command.input) });
          return (target.send as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest);
        };
      },
    });
  }
}
