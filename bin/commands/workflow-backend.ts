import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sfnTaskResponder, type TaskResponder } from '../../lambdas/approve/task-responder.js';
import { createAwsClients, type AwsClients } from '../../lambdas/aws/clients.js';
import { FirebreakError, NotFoundError } from '../../lambdas/core/errors.js';
import { SecurityHubWorkflowSync } from '../../lambdas/securityhub-sync/securityhub-workflow.js';
import { ApprovalStore } from '../../lambdas/store/approval-store.js';
import { IncidentRepository } from '../../lambdas/store/incident-repository.js';
import type { CloudFormationTemplate } from '../../lib/local/template-intrinsics.js';
import { UsageError } from './command.js';

/**
 * Where the workflow commands (incidents, approve, reject, report) read and write: a deployed stack, with the responder's own
 * AWS credentials and resource names from the stack outputs, or the local runtime (in-memory: it replays the given events first).
 */
export interface WorkflowBackend {
  readonly description: string;
  readonly repository: IncidentRepository;
  readonly approvals: ApprovalStore;
  readonly responder: TaskResponder;
  readonly securityHub?: SecurityHubWorkflowSync;
  /** AWS clients for containment and rollback calls (the caller's credentials; dry-run intercepted ones locally). */
  readonly clients?: AwsClients;
  /** Who is acting: the caller's IAM ARN (STS), or the local user. */
  actor(): Promise<string>;
  /**
   * A deployed stack only: the account the caller's credentials act in, and the stack's rollback state machine (which
   * acts in member accounts through their Firebreak role). Direct calls with the caller's credentials can only undo
   * containment in that one account.
   */
  readonly direct?: { callerAccountId(): Promise<string>; rollbackStateMachineArn?: string };
  /** After a decision: lets a local playbook run on to its next stop. */
  afterDecision(incidentId: string): Promise<void>;
  close(): Promise<void>;
}

export interface BackendOptions {
  readonly stack?: string;
  readonly region?: string;
  /** Events to replay into a local runtime before the command runs. */
  readonly local?: readonly string[];
  /** firebreak.config.json for the local runtime. */
  readonly config?: string;
}

/** The SDK clients a deployed-stack backend uses; tests inject DynamoDB on dynalite and mocked CloudFormation/STS. */
export interface BackendEnvironment {
  awsClients(region: string): AwsClients;
  cloudFormation(region: string): CloudFormationClient;
  sts(region: string): STSClient;
}

export const DEFAULT_STACK_NAME = 'Firebreak';
/** Output names of lib/firebreak-stack.ts STACK_OUTPUTS that the workflow commands need. */
const TABLE_OUTPUT = 'IncidentTableName';
const ROLLBACK_OUTPUT = 'RollbackStateMachineArn';

export const defaultBackendEnvironment: BackendEnvironment = {
  awsClients: (region) => createAwsClients({ homeRegion: region }),
  cloudFormation: (region) => new CloudFormationClient({ region }),
  sts: (region) => new STSClient({ region }),
};

/** Common options of the workflow commands, for parseArgs. */
export const BACKEND_OPTIONS = {
  stack: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'string', multiple: true },
  config: { type: 'string' },
} as const;

/** parseArgs with the workflow commands' conventions: positionals allowed, strict, and a bad flag is a usage error (exit 2). */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const BACKEND_USAGE = '[--stack NAME] [--region REGION] | [--local EVENT.json ...] [--config FILE]';

/** Shown under each workflow command's usage. */
export const BACKEND_NOTE = [
  '--stack/--region: a deployed stack (default stack Firebreak), with your own AWS credentials; names come from the stack outputs.',
  '--local: the local runtime, in memory: the events are replayed first and nothing persists between commands.',
].join('\n');

export async function openWorkflowBackend(options: BackendOptions, env: BackendEnvironment = defaultBackendEnvironment): Promise<WorkflowBackend> {
  if (options.local && options.local.length > 0) {
    if (options.stack) throw new UsageError('choose --stack (a deployed stack) or --local (the local runtime), not both');
    return openLocalBackend(options.local, options.config);
  }
  return openStackBackend(options, env);
}

async function openStackBackend(options: BackendOptions, env: BackendEnvironment): Promise<WorkflowBackend> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  const cloudFormation = env.cloudFormation(region);
  let outputs: Record<string, string>;
  try {
    const result = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = result.Stacks?.[0];
    if (!stack) throw new NotFoundError(`stack ${stackName} not found in ${region}`);
    outputs = Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    if (error instanceof FirebreakError) throw error;
    const err = error as Error;
    if (/does not exist/.test(err.message)) throw new NotFoundError(`stack ${stackName} not found in ${region} (deployed with cdk deploy? right --region?)`, { cause: error });
    throw new FirebreakError(`cannot read stack ${stackName} in ${region}: ${err.name}: ${err.message}`, { cause: error });
  }
  const tableName = outputs[TABLE_OUTPUT];
  if (!tableName) throw new FirebreakError(`stack ${stackName} has no ${TABLE_OUTPUT} output (is it a Firebreak stack?)`);
  const clients = env.awsClients(region);
  const doc = clients.documentClient();
  const home = { accountId: 'self', region };
  let actor: Promise<string> | undefined;
  const actorArn = (): Promise<string> =>
    (actor ??= env
      .sts(region)
      .send(new GetCallerIdentityCommand({}))
      .then((identity) => {
        if (!identity.Arn) throw new FirebreakError('STS returned no caller ARN');
        return identity.Arn;
      }));
  return {
    description: `stack ${stackName} (${region})`,
    repository: new IncidentRepository(doc, tableName),
    approvals: new ApprovalStore(doc, tableName),
    responder: sfnTaskResponder(clients.get('sfn', home)),
    securityHub: new SecurityHubWorkflowSync(clients),
    clients,
    direct: {
      // arn:aws:sts::<account>:assumed-role/...: the account is the ARN's fifth field.
      callerAccountId: async () => (await actorArn()).split(':')[4] ?? '',
      ...(outputs[ROLLBACK_OUTPUT] ? { rollbackStateMachineArn: outputs[ROLLBACK_OUTPUT] } : {}),
    },
    actor: () => actorArn(),
    afterDecision: async () => undefined,
    close: async () => undefined,
  };
}

const templateCache = new Map<string, CloudFormationTemplate>();

async function openLocalBackend(events: readonly string[], configPath: string | undefined): Promise<WorkflowBackend> {
  // Read and parse every event first: a typo in a path should not cost a synth.
  const inputs = events.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new FirebreakError(`--local ${path}: cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new FirebreakError(`--local ${path}: invalid JSON (${(error as Error).message})`, { cause: error });
    }
  });
  // Loaded lazily: the local runtime synthesizes the stack, which a deployed-stack command never needs.
  const [{ createLocalRuntime }, { loadConfigFile }] = await Promise.all([import('../../lib/local/local-runtime.js'), import('../../lib/config.js')]);
  const config = configPath ? loadConfigFile(configPath) : undefined;
  // One synth per config and process: the template depends on nothing else (in-process callers, e.g. tests, reuse it).
  const cacheKey = config?.json ?? '{}';
  const runtime = await createLocalRuntime({
    ...(config ? { config } : {}),
    ...(templateCache.get(cacheKey) ? { template: templateCache.get(cacheKey) } : {}),
  });
  templateCache.set(cacheKey, runtime.template);
  try {
    for (const input of inputs) await runtime.replay(input);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const user = process.env.USER ?? process.env.USERNAME ?? 'responder';
  return {
    description: `local runtime (replayed ${events.join(', ')})`,
    repository: runtime.repository,
    approvals: runtime.approvals,
    responder: sfnTaskResponder(runtime.clients.get('sfn', { accountId: 'local', region: 'us-east-1' })),
    securityHub: new SecurityHubWorkflowSync(runtime.clients),
    clients: runtime.clients,
    actor: async () => `local:${user}`,
    afterDecision: async (incidentId) => {
      const incident = await runtime.repository.get(incidentId);
      if (incident?.executionArn) await runtime.stepFunctions.settle(incident.executionArn);
    },
    close: () => runtime.close(),
  };
}
