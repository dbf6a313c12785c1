import './promise-with-resolvers.js';
import type { AwsCall } from '../../lambdas/actions/action.js';
import { decideApproval } from '../../lambdas/approve/decide-approval.js';
import { sfnTaskResponder } from '../../lambdas/approve/task-responder.js';
import type { AwsTarget } from '../../lambdas/aws/clients.js';
import { FirebreakError } from '../../lambdas/core/errors.js';
import type { ActionRecord, Incident, TimelineEntry } from '../../lambdas/core/incidents/incident.js';
import type { DetectReport } from '../../lambdas/detect/create-detect-handler.js';
import { DetectBatchError } from '../../lambdas/detect/create-detect-handler.js';
import { ApprovalStore } from '../../lambdas/store/approval-store.js';
import { IncidentRepository } from '../../lambdas/store/incident-repository.js';
import { configFromObject, type LoadedConfig } from '../config.js';
import { DryRunAwsClients, type LocalNotification } from './dry-run-aws-clients.js';
import { startEmbeddedDynamoDb, tableDefinitionsFromTemplate, type EmbeddedDynamoDb } from './embedded-dynamodb.js';
import { compileEventPattern, explainMismatch, type EventPatternMatcher } from './event-pattern-matcher.js';
import { createLocalHandler, type LocalHandler } from './local-handlers.js';
import { LocalStepFunctions, type ExecutionRecord } from './local-state-machine.js';
import { planAfterGate, type PlannedStep } from './pending-plan.js';
import { toReplayEnvelopes } from './replay-event.js';
import { PLAYBOOKS } from '../playbooks/index.js';
import { allStates, resolveStateMachineDefinitions, type ResolvedStateMachine } from './state-machine-definitions.js';
import { templateFor } from './template-cache.js';
import { TemplateFunctions, type TemplateFunction } from './template-functions.js';
import { TemplateIntrinsics, type CloudFormationTemplate } from './template-intrinsics.js';

/**
 * Firebreak on a laptop: the synthesized stack (rules, functions, table, state machines) run in-process on stand-ins —
 * dynalite for DynamoDB, aws-local-stepfunctions for the playbooks, dry-run AWS clients for everything else — with the real
 * handler code. `firebreak replay` and the end-to-end tests drive it.
 */
export interface LocalRuntimeOptions {
  /** A config object (validated like firebreak.config.json) or an already loaded one. Default: all defaults. */
  readonly config?: unknown;
  readonly now?: () => Date;
  /** The account and region the local stack "runs in". */
  readonly accountId?: string;
  readonly region?: string;
  /** A template synthesized earlier with the same config (tests reuse one synth across runtimes). */
  readonly template?: CloudFormationTemplate;
}

export interface ReplayOptions {
  /** Approve every approval the playbook asks for. */
  readonly approve?: boolean;
  /** Reject the first approval the playbook asks for. */
  readonly reject?: boolean;
  /** Let the first approval time out (nobody answered in time): the gate fails with States.Timeout. */
  readonly expire?: boolean;
  readonly reason?: string;
  /** Who decides (recorded on the timeline). */
  readonly approver?: string;
}

export interface MatchedRule {
  readonly logicalId: string;
  readonly name: string;
  readonly state: string;
  /** Logical ids of the Firebreak functions the rule targets. */
  readonly targets: readonly string[];
}

/** An AWS call: planned by a dry-run action (it would make it) or made by a handler and answered locally. */
export interface ReplayCall {
  readonly service: string;
  readonly operation: string;
  readonly params: Record<string, unknown>;
  readonly origin: 'planned' | 'intercepted';
  /** The action that plans it, or the region/account the call was addressed to. */
  readonly by: string;
}

export interface PendingApproval {
  readonly incidentId: string;
  readonly step: string;
  readonly stateName: string;
  readonly requestedAt?: string;
  readonly validUntil?: string;
  /** What approving would run: each remaining step with the exact calls it plans. */
  readonly wouldRun: readonly PlannedStep[];
}

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly stateMachine: string;
  readonly status: ExecutionRecord['status'];
  readonly path: readonly string[];
  readonly error?: string;
  readonly cause?: string;
}

export interface ReplayResult {
  /** How each input was recognized and wrapped. */
  readonly inputs: readonly { recognizedAs: string; eventId: string }[];
  readonly matchedRules: readonly MatchedRule[];
  /** One detect invocation per matched rule target, as EventBridge delivers. */
  readonly deliveries: readonly DetectReport[];
  /** The first incident the replay opened or touched. */
  readonly incident?: Incident;
  readonly incidents: readonly Incident[];
  readonly timeline: readonly TimelineEntry[];
  readonly actions: readonly ActionRecord[];
  readonly calls: readonly ReplayCall[];
  readonly notifications: readonly LocalNotification[];
  readonly pendingApprovals: readonly PendingApproval[];
  readonly executions: readonly ExecutionSummary[];
}

/** No synthesized rule selects the event: the bus would drop it. */
export class NoRuleMatchedError extends FirebreakError {}

interface CompiledRule extends MatchedRule {
  readonly pattern: unknown;
  readonly matches: EventPatternMatcher;
}

const MAX_APPROVAL_ROUNDS = 10;
/** A playbook that neither finishes nor waits for a token within this is reported, never waited on forever. */
const SETTLE_TIMEOUT_MS = 120_000;

export class LocalRuntime {
  private readonly handlers = new Map<string, LocalHandler>();
  private readonly planned: ReplayCall[] = [];

  private constructor(
    readonly config: LoadedConfig,
    readonly template: CloudFormationTemplate,
    readonly functions: TemplateFunctions,
    readonly stateMachines: readonly ResolvedStateMachine[],
    readonly stepFunctions: LocalStepFunctions,
    readonly clients: DryRunAwsClients,
    readonly repository: IncidentRepository,
    readonly approvals: ApprovalStore,
    private readonly rules: readonly CompiledRule[],
    private readonly dynamoDb: EmbeddedDynamoDb,
    private readonly home: AwsTarget,
    private readonly clock: () => Date,
  ) {}

  static async create(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    const clock = options.now ?? (() => new Date());
    const home: AwsTarget = { accountId: options.accountId ?? '123456789012', region: options.region ?? 'us-east-1' };
    const config = isLoadedConfig(options.config) ? options.config : configFromObject(options.config ?? {}, 'config');
    const template = options.template ?? (await templateFor(config, { ...home, stackName: 'Firebreak' }));
    const functions = new TemplateFunctions(template, home);
    const stateMachines = resolveStateMachineDefinitions(template, home);
    checkTaskBindings(stateMachines, functions);
    const rules = compileRules(template, home, functions);
    const tables = tableDefinitionsFromTemplate(template);
    const dynamoDb = await startEmbeddedDynamoDb({ region: home.region, definitions: Object.values(tables) });
    const clients = new DryRunAwsClients({ dynamoDb, homeRegion: home.region, accountId: home.accountId, clock });
    const tableName = Object.values(tables)[0]?.TableName;
    if (!tableName) throw new FirebreakError('the synthesized stack has no DynamoDB table');
    const doc = clients.documentClient();
    let runtime: LocalRuntime | undefined;
    const stepFunctions = new LocalStepFunctions(stateMachines, {
      invokeFunction: (functionName, payload) => runtime!.invoke(functions.find(functionName), payload),
      callService: async (service, operation, params) => {
        clients.calls.push({ service: service as never, operation, params: params as Record<string, unknown>, target: home, at: clock().toISOString() });
        return {};
      },
    });
    clients.respond('sfn', (operation, params) => answerStepFunctions(stepFunctions, operation, params));
    // Lambda-to-Lambda invocations (detect → notify for notify-only incidents) run the target in-process, awaited even when
    // asynchronous (InvocationType Event) so a replay reports everything it caused.
    clients.respond('lambda', async (operation, params) => {
      if (operation !== 'Invoke') return undefined;
      const payload = params.Payload instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(params.Payload)) : params.Payload;
      const result = await runtime!.invoke(functions.find(String(params.FunctionName)), payload);
      const asynchronous = params.InvocationType === 'Event';
      return { StatusCode: asynchronous ? 202 : 200, ...(asynchronous ? {} : { Payload: new TextEncoder().encode(JSON.stringify(result)) }), $metadata: {} };
    });
    runtime = new LocalRuntime(
      config,
      template,
      functions,
      stateMachines,
      stepFunctions,
      clients,
      new IncidentRepository(doc, tableName, clock),
      new ApprovalStore(doc, tableName, clock),
      rules,
      dynamoDb,
      home,
      clock,
    );
    for (const fn of functions.all) {
      runtime.handlers.set(
        fn.logicalId,
        createLocalHandler(fn, {
          clients,
          config: config.config,
          clock,
          home,
          onActionResult: (payload, result) => runtime!.recordPlan(payload, result),
        }),
      );
    }
    return runtime;
  }

  /** The rules of the synthesized stack, with their patterns. */
  ruleNames(): string[] {
    return this.rules.map((rule) => rule.name);
  }

  /** Rules whose pattern selects `event` (read-only CloudTrail calls only reach rules that ask for them, as on the bus). */
  matchRules(event: Record<string, unknown>): MatchedRule[] {
    const readOnly =
      event['detail-type'] === 'AWS API Call via CloudTrail' && (event.detail as { readOnly?: unknown } | undefined)?.readOnly === true;
    return this.rules
      .filter((rule) => rule.state !== 'DISABLED')
      .filter((rule) => !readOnly || rule.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')
      .filter((rule) => rule.matches(event))
      .map(({ matches: _matches, pattern: _pattern, ...rule }) => rule);
  }

  /** Why no rule selects `event`, from the rules that get furthest (same source and detail-type). */
  explainNoMatch(event: Record<string, unknown>): string {
    const readOnly =
      event['detail-type'] === 'AWS API Call via CloudTrail' && (event.detail as { readOnly?: unknown } | undefined)?.readOnly === true;
    const reasons = this.rules.flatMap((rule) => {
      if (rule.matches(event)) {
        return readOnly && rule.state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
          ? [`${rule.name} would match, but read-only CloudTrail events only reach rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`]
          : [];
      }
      const reason = explainMismatch(rule.pattern, event);
      return reason && !/^(source|detail-type):/.test(reason) ? [`${rule.name}: ${reason}`] : [];
    });
    return reasons.length > 0 ? `closest: ${reasons.slice(0, 2).join('; ')}` : `rules: ${this.ruleNames().join(', ')}`;
  }

  /**
   * Feeds one input (event, bare finding or CloudTrail record) through the synthesized rules, the detect handler and the
   * playbook it starts; stops at an approval unless told to approve or reject.
   */
  async replay(input: unknown, options: ReplayOptions = {}): Promise<ReplayResult> {
    if ([options.approve, options.reject, options.expire].filter(Boolean).length > 1) {
      throw new FirebreakError('choose one of --approve, --reject or --expire');
    }
    const callsBefore = this.clients.calls.length;
    const notificationsBefore = this.clients.notifications.length;
    const plannedBefore = this.planned.length;
    const envelopes = toReplayEnvelopes(input);
    const matchedRules: MatchedRule[] = [];
    const deliveries: DetectReport[] = [];
    for (const { event } of envelopes) {
      const matched = this.matchRules(event);
      if (matched.length === 0) {
        throw new NoRuleMatchedError(
          `no EventBridge rule of the stack matches this event (source '${String(event.source)}', detail-type '${String(event['detail-type'])}'${
            describeCloudTrail(event)
          }); ${this.explainNoMatch(event)}`,
        );
      }
      matchedRules.push(...matched);
      for (const rule of matched) {
        for (const target of rule.targets) deliveries.push(await this.deliver(target, event));
      }
    }

    const incidentIds = unique(deliveries.flatMap((report) => report.findings.map((finding) => finding.incidentId ?? '')).filter(Boolean));
    const executionArns = unique(deliveries.flatMap((report) => report.findings.map((finding) => finding.executionArn ?? '')).filter(Boolean));
    await this.runExecutions(executionArns, incidentIds, options);

    const incidents = (await Promise.all(incidentIds.map((id) => this.repository.get(id)))).filter((incident): incident is Incident => !!incident);
    const primary = incidents[0];
    const pendingApprovals = await this.pendingApprovals(incidents, executionArns);
    return {
      inputs: envelopes.map(({ recognizedAs, event }) => ({ recognizedAs, eventId: String(event.id) })),
      matchedRules,
      deliveries,
      ...(primary ? { incident: primary } : {}),
      incidents,
      timeline: primary ? await this.repository.timeline(primary.incidentId) : [],
      actions: primary ? await this.repository.actions(primary.incidentId) : [],
      calls: [
        ...this.planned.slice(plannedBefore),
        ...this.clients.calls.slice(callsBefore).map(
          (call): ReplayCall => ({
            service: call.service,
            operation: call.operation,
            params: call.params,
            origin: 'intercepted',
            by: `${call.target.accountId}/${call.target.region}`,
          }),
        ),
      ],
      notifications: this.clients.notifications.slice(notificationsBefore),
      pendingApprovals,
      executions: executionArns.map((arn) => summarize(this.stepFunctions.describeExecution(arn), this.stateMachines)),
    };
  }

  /** Stops running playbooks (a pending approval) and the embedded DynamoDB. */
  async close(): Promise<void> {
    await this.stepFunctions.shutdown();
    await this.dynamoDb.stop();
  }

  /** Runs one Firebreak function in-process with a JSON round trip, as Lambda would (de)serialize. */
  async invoke(fn: TemplateFunction, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(fn.logicalId);
    if (!handler) throw new FirebreakError(`no local handler for ${fn.logicalId}`);
    const result = await handler(JSON.parse(JSON.stringify(payload ?? null)));
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  }

  private async deliver(targetLogicalId: string, event: Record<string, unknown>): Promise<DetectReport> {
    const fn = this.functions.all.find((candidate) => candidate.logicalId === targetLogicalId);
    if (!fn) throw new FirebreakError(`rule target ${targetLogicalId} is not a Firebreak function`);
    try {
      return (await this.invoke(fn, event)) as DetectReport;
    } catch (error) {
      if (error instanceof DetectBatchError) {
        // One line naming the problem: the first failure's reason is what the user needs.
        throw new FirebreakError(`the detector rejected the event: ${error.report.failures.map((failure) => failure.reason).join('; ')}`, { cause: error });
      }
      throw error;
    }
  }

  private async runExecutions(executionArns: readonly string[], incidentIds: readonly string[], options: ReplayOptions): Promise<void> {
    for (let round = 0; round < MAX_APPROVAL_ROUNDS; round += 1) {
      await this.settleAll(executionArns);
      if (options.expire) {
        // The gate's TimeoutSeconds elapsing, without waiting for it: Step Functions fails the task with States.Timeout.
        const waiting = executionArns.flatMap((arn) => this.stepFunctions.pendingTasks(arn));
        if (round > 0 || waiting.length === 0) return;
        for (const task of waiting) this.stepFunctions.answerTask(task.token, { error: 'States.Timeout', cause: 'the approval was not answered in time' });
        continue;
      }
      if (!options.approve && !options.reject) return;
      const pending = (await Promise.all(incidentIds.map((id) => this.approvals.pendingForIncident(id)))).flat();
      const waiting = pending.filter((approval) => this.stepFunctions.pendingTasks().some((task) => task.token === approval.taskToken));
      if (waiting.length === 0) return;
      for (const approval of waiting) {
        await this.stepFunctions.deferResumptions(() => decideApproval(
          { repository: this.repository, approvals: this.approvals, responder: sfnTaskResponder(this.clients.get('sfn', this.home)) },
          {
            approvalKey: approval.approvalKey,
            decision: options.reject ? 'reject' : 'approve',
            approver: options.approver ?? 'local-replay',
            ...(options.reason ? { reason: options.reason } : {}),
            channel: 'cli',
          },
        ));
      }
    }
    throw new FirebreakError(`the playbook asked for more than ${MAX_APPROVAL_ROUNDS} approvals in one replay`);
  }

  private async settleAll(executionArns: readonly string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FirebreakError(`the playbook neither finished nor stopped at an approval within ${SETTLE_TIMEOUT_MS / 1000} s`)),
        SETTLE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([Promise.all(executionArns.map((arn) => this.stepFunctions.settle(arn))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async pendingApprovals(incidents: readonly Incident[], executionArns: readonly string[]): Promise<PendingApproval[]> {
    const waitingTasks = executionArns.flatMap((arn) => this.stepFunctions.pendingTasks(arn));
    const records = (await Promise.all(incidents.map((incident) => this.approvals.pendingForIncident(incident.incidentId)))).flat();
    return waitingTasks.map((task) => {
      const record = records.find((candidate) => candidate.taskToken === task.token);
      const payload = (task.payload ?? {}) as { incidentId?: string; Payload?: { incidentId?: string; step?: string } };
      const incidentId = record?.incidentId ?? payload.Payload?.incidentId ?? payload.incidentId ?? '';
      const incident = incidents.find((candidate) => candidate.incidentId === incidentId);
      const playbook = PLAYBOOKS.find((candidate) => candidate.id === incident?.playbook);
      return {
        incidentId,
        step: record?.step ?? payload.Payload?.step ?? task.stateName,
        stateName: task.stateName,
        ...(record ? { requestedAt: record.requestedAt, validUntil: new Date(record.validUntil * 1000).toISOString() } : {}),
        wouldRun:
          incident && playbook
            ? planAfterGate(playbook, task.stateName, incident, { clients: this.clients.forAct(this.config.config.memberAccounts), config: this.config.config, now: this.clock() })
            : [],
      };
    });
  }

  private recordPlan(payload: unknown, result: unknown): void {
    const actionId = String((payload as { actionId?: unknown } | null)?.actionId ?? 'rollback');
    for (const { by, call } of callsOf(result, actionId)) {
      this.planned.push({ service: call.service, operation: call.operation, params: call.params, origin: 'planned', by });
    }
  }

}

/** `createLocalRuntime` per INTERFACES.md. Call `close()` when done. */
export function createLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return LocalRuntime.create(options);
}

/** Every Lambda Task must name a Firebreak function of the template: found at start, not halfway through a replay. */
function checkTaskBindings(machines: readonly ResolvedStateMachine[], functions: TemplateFunctions): void {
  for (const machine of machines) {
    for (const [stateName, state] of allStates(machine.definition)) {
      if (state.Type !== 'Task') continue;
      const functionName = state.Resource?.startsWith('arn:aws:states:::lambda:invoke')
        ? (state.Parameters?.FunctionName as string | undefined)
        : state.Resource?.startsWith('arn:aws:lambda:')
          ? state.Resource
          : undefined;
      if (functionName === undefined) continue;
      try {
        functions.find(functionName);
      } catch (error) {
        throw new FirebreakError(`state machine ${machine.logicalId}, state ${stateName}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
}

function compileRules(template: CloudFormationTemplate, home: AwsTarget, functions: TemplateFunctions): CompiledRule[] {
  const intrinsics = new TemplateIntrinsics(template, home);
  const byArn = new Map(functions.all.map((fn) => [fn.arn, fn.logicalId]));
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.EventPattern !== undefined)
    .map(([logicalId, resource]) => {
      const properties = intrinsics.resolve(resource.Properties) as { EventPattern: unknown; State?: string; Targets?: { Arn?: string }[] };
      const targets = (properties.Targets ?? []).map((target) => byArn.get(String(target.Arn))).filter((id): id is string => !!id);
      return {
        logicalId,
        name: intrinsics.physicalName(logicalId),
        state: properties.State ?? 'ENABLED',
        targets,
        pattern: properties.EventPattern,
        matches: compileEventPattern(properties.EventPattern),
      };
    });
}

/** The Step Functions API as the handlers call it, answered by the local state machines. */
function answerStepFunctions(local: LocalStepFunctions, operation: string, params: Record<string, unknown>): unknown {
  switch (operation) {
    case 'StartExecution': {
      const started = local.startExecution({
        stateMachineArn: String(params.stateMachineArn),
        ...(typeof params.input === 'string' ? { input: params.input } : {}),
        ...(typeof params.name === 'string' ? { name: params.name } : {}),
      });
      return { ...started, $metadata: {} };
    }
    case 'SendTaskSuccess':
      local.answerTask(String(params.taskToken), { output: String(params.output ?? '{}') });
      return { $metadata: {} };
    case 'SendTaskFailure':
      local.answerTask(String(params.taskToken), {
        ...(typeof params.error === 'string' ? { error: params.error } : {}),
        ...(typeof params.cause === 'string' ? { cause: params.cause } : {}),
      });
      return { $metadata: {} };
    case 'SendTaskHeartbeat':
      local.sendTaskHeartbeat(String(params.taskToken));
      return { $metadata: {} };
    case 'StopExecution':
      local.stopExecution(String(params.executionArn));
      return { stopDate: new Date(), $metadata: {} };
    case 'DescribeExecution': {
      const record = local.describeExecution(String(params.executionArn));
      return {
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: record.startDate,
        input: JSON.stringify(record.input),
        ...(record.output !== undefined ? { output: JSON.stringify(record.output) } : {}),
        ...(record.error ? { error: record.error, cause: record.cause } : {}),
        $metadata: {},
      };
    }
    default:
      return undefined;
  }
}

function summarize(record: ExecutionRecord, machines: readonly ResolvedStateMachine[]): ExecutionSummary {
  const machine = machines.find((candidate) => candidate.arn === record.stateMachineArn);
  return {
    executionArn: record.executionArn,
    stateMachine: machine?.logicalId ?? record.stateMachineArn,
    status: record.status,
    path: [...record.path],
    ...(record.error ? { error: record.error } : {}),
    ...(record.cause ? { cause: record.cause } : {}),
  };
}

/** The calls in an act result: an action's own, or each step's inside a rollback outcome (`steps[].result`). */
function callsOf(result: unknown, by: string): { by: string; call: AwsCall }[] {
  if (!result || typeof result !== 'object') return [];
  const { calls, steps } = result as { calls?: unknown; steps?: unknown };
  const own = Array.isArray(calls) ? (calls as AwsCall[]).map((call) => ({ by, call })) : [];
  const nested = Array.isArray(steps)
    ? (steps as { actionId?: string; result?: unknown }[]).flatMap((step) => callsOf(step.result, `rollback ${step.actionId ?? by}`))
    : [];
  return [...own, ...nested];
}

function describeCloudTrail(event: Record<string, unknown>): string {
  const detail = event.detail as { eventName?: unknown; eventSource?: unknown } | undefined;
  return typeof detail?.eventName === 'string' ? `, eventName '${detail.eventName}'` : '';
}

function isLoadedConfig(value: unknown): value is LoadedConfig {
  return typeof value === 'object' && value !== null && 'config' in value && 'json' in value && 'source' in value;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
