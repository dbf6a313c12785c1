import './promise-with-resolvers.js';
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { FirebreakError } from '../../lambdas/core/errors.js';
import { allStates, type AslDefinition, type AslState, type ResolvedStateMachine } from './state-machine-definitions.js';

/**
 * Step Functions on a laptop: runs resolved (synthesized) state machine definitions with aws-local-stepfunctions, every Task
 * bound to an in-process function, and emulates the pieces the library leaves out:
 *
 * - `.waitForTaskToken`: each such task gets its own opaque token (the library only supports one static `$$.Task.Token` per
 *   run, so the static placeholder is swapped for a fresh token in the payload) and is held until `sendTaskSuccess` /
 *   `sendTaskFailure`; a failure rejects with `error.name` = the given error so Catch clauses match as in AWS.
 * - The Lambda service integration's result envelope (`{ Payload, StatusCode, ... }`) for `arn:aws:states:::lambda:invoke`.
 * - StartExecution idempotency by name: the same name with the same input returns the running execution; a different input
 *   is an ExecutionAlreadyExists conflict.
 * - No real waiting: Wait states and Retry intervals are overridden to 0 ms.
 */

/** Invokes the function a Task names (ARN, name or partial ARN) with its payload, in-process. */
export type FunctionInvoker = (functionName: string, payload: unknown) => Promise<unknown>;
/** Answers a non-Lambda service integration (`arn:aws:states:::sns:publish`, `arn:aws:states:::aws-sdk:...`). */
export type ServiceIntegration = (service: string, operation: string, params: unknown) => Promise<unknown>;

export interface PendingTask {
  readonly token: string;
  readonly executionArn: string;
  readonly stateName: string;
  /** What the waiting task sent to its function (e.g. the approval request). */
  readonly payload: unknown;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly startDate: Date;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  /** State names in the order they were entered. */
  readonly path: string[];
}

export interface LocalStepFunctionsOptions {
  readonly invokeFunction: FunctionInvoker;
  readonly callService?: ServiceIntegration;
}

interface HeldTask extends PendingTask {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface RunningExecution {
  readonly record: ExecutionRecord;
  readonly done: Promise<ExecutionRecord>;
  readonly abort: () => void;
}

/** An error named as the Step Functions API names it (ExecutionAlreadyExists, InvalidToken ...), so callers branch as on AWS. */
export class StepFunctionsLocalError extends FirebreakError {
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

const TOKEN_PLACEHOLDER = 'firebreak-local-task-token-placeholder';

export class LocalStepFunctions {
  private readonly machines = new Map<string, { resolved: ResolvedStateMachine; machine: StateMachine }>();
  private readonly executions = new Map<string, RunningExecution>();
  private readonly held = new Map<string, HeldTask>();
  private readonly listeners = new Set<() => void>();
  /** Task answers queued while a caller defers resumption (see deferResumptions). */
  private deferred: (() => void)[] | undefined;
  /** Answers that came through the Step Functions API, applied at the next settle() (or shortly after, see answerLater). */
  private answered: (() => void)[] = [];
  private answeredTimer: NodeJS.Timeout | undefined;

  constructor(
    stateMachines: readonly ResolvedStateMachine[],
    private readonly options: LocalStepFunctionsOptions,
  ) {
    for (const resolved of stateMachines) {
      // Validated with asl-validator when resolved (resolveStateMachineDefinitions, cached by content); the library would
      // validate again on every construction (~200 ms of schema compilation per machine).
      const machine = new StateMachine(resolved.definition as never, { validationOptions: { noValidate: true } });
      this.machines.set(resolved.arn, { resolved, machine });
    }
  }

  stateMachineArns(): string[] {
    return [...this.machines.keys()];
  }

  /** StartExecution: starts the run in the background and returns its ARN at once, as the service does. */
  startExecution(request: { stateMachineArn: string; input?: string; name?: string }): { executionArn: string; startDate: Date } {
    const entry = this.machines.get(request.stateMachineArn);
    if (!entry) throw new StepFunctionsLocalError('StateMachineDoesNotExist', request.stateMachineArn);
    const name = request.name ?? randomUUID();
    const executionArn = `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const inputText = request.input ?? '{}';
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (JSON.stringify(existing.record.input) === JSON.stringify(parseInput(inputText))) {
        return { executionArn, startDate: existing.record.startDate };
      }
      throw new StepFunctionsLocalError('ExecutionAlreadyExists', `${executionArn} was started with another input`);
    }
    const input = parseInput(inputText);
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: request.stateMachineArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      path: [],
    };
    const run = entry.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(entry.resolved.definition, record),
        waitTimeOverrides: zeroFor(entry.resolved.definition, (state) => state.Type === 'Wait'),
        retryIntervalOverrides: zeroFor(entry.resolved.definition, (state) => Array.isArray(state.Retry) && state.Retry.length > 0),
      },
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: record.startDate.toISOString() },
        StateMachine: { Id: request.stateMachineArn, Name: entry.resolved.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      } as never,
    });
    void this.followPath(run.eventLogs, record);
    const done = run.result.then(
      (output) => {
        record.status = 'SUCCEEDED';
        record.output = output;
        return record;
      },
      (error: unknown) => {
        const failure = error as Error & { cause?: { name?: string; message?: string } };
        if (failure.name === 'ExecutionAbortedError') record.status = 'ABORTED';
        else if (failure.name === 'ExecutionTimeoutError') record.status = 'TIMED_OUT';
        else record.status = 'FAILED';
        record.error = failure.cause?.name ?? failure.name;
        record.cause = failure.cause?.message ?? failure.message;
        return record;
      },
    );
    const running: RunningExecution = { record, done, abort: run.abort };
    this.executions.set(executionArn, running);
    void done.then(() => this.notify());
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const running = this.executions.get(executionArn);
    if (!running) throw new StepFunctionsLocalError('ExecutionDoesNotExist', executionArn);
    return running.record;
  }

  listExecutions(): ExecutionRecord[] {
    return [...this.executions.values()].map((running) => running.record);
  }

  /** Tasks waiting for a token, oldest first. */
  pendingTasks(executionArn?: string): PendingTask[] {
    return [...this.held.values()]
      .filter((task) => executionArn === undefined || task.executionArn === executionArn)
      .map(({ token, executionArn: arn, stateName, payload }) => ({ token, executionArn: arn, stateName, payload }));
  }

  sendTaskSuccess(token: string, output: unknown): void {
    const task = this.take(token);
    const value = typeof output === 'string' ? parseInput(output) : output;
    this.resume(() => task.resolve(value));
  }

  sendTaskFailure(token: string, error = 'States.TaskFailed', cause = ''): void {
    const task = this.take(token);
    this.resume(() => task.reject(Object.assign(new Error(cause), { name: error })));
  }

  /**
   * SendTaskSuccess/SendTaskFailure as the API receives them: the answer is taken at once (a second answer with the same
   * token fails) but the execution moves on only at the next settle() — in AWS the caller's request returns, and its own
   * follow-up writes land, long before the next state's Lambda runs. A fallback timer applies it if nobody settles.
   */
  answerTask(token: string, answer: { output: unknown } | { error?: string; cause?: string }): void {
    const task = this.take(token);
    const apply =
      'output' in answer
        ? () => task.resolve(typeof answer.output === 'string' ? parseInput(answer.output) : answer.output)
        : () => task.reject(Object.assign(new Error(answer.cause ?? ''), { name: answer.error ?? 'States.TaskFailed' }));
    this.answered.push(() => this.resume(apply));
    this.answeredTimer ??= setTimeout(() => this.applyAnswers(), 250);
  }

  private applyAnswers(): void {
    clearTimeout(this.answeredTimer);
    this.answeredTimer = undefined;
    const queued = this.answered;
    this.answered = [];
    for (const apply of queued) apply();
  }

  /**
   * Runs `work` (e.g. an approval decision that answers a task and then writes the incident) and lets answered tasks move
   * on only when it is done. In AWS, SendTaskSuccess returns long before the next state's Lambda runs; in-process the
   * execution would otherwise continue in the middle of the caller's remaining writes.
   */
  async deferResumptions<T>(work: () => Promise<T>): Promise<T> {
    const outer = this.deferred;
    this.deferred = outer ?? [];
    try {
      return await work();
    } finally {
      if (!outer) {
        const queued = this.deferred ?? [];
        this.deferred = undefined;
        for (const resumeTask of queued) resumeTask();
      }
    }
  }

  private resume(resumeTask: () => void): void {
    if (this.deferred) this.deferred.push(resumeTask);
    else resumeTask();
  }

  sendTaskHeartbeat(token: string): void {
    if (!this.held.has(token)) throw new StepFunctionsLocalError('TaskDoesNotExist', 'the task token is unknown or already answered');
  }

  stopExecution(executionArn: string): void {
    const running = this.executions.get(executionArn);
    if (!running) throw new StepFunctionsLocalError('ExecutionDoesNotExist', executionArn);
    running.abort();
    // Release tasks of the stopped run so their timeout timers end with it.
    for (const task of this.pendingTasks(executionArn)) this.sendTaskFailure(task.token, 'States.Aborted', 'execution stopped');
  }

  /** Resolves when the execution has finished, or when it is blocked on a task token and nothing else runs. */
  async settle(executionArn: string): Promise<ExecutionRecord> {
    const running = this.executions.get(executionArn);
    if (!running) throw new StepFunctionsLocalError('ExecutionDoesNotExist', executionArn);
    this.applyAnswers();
    const waiting = () => running.record.status !== 'RUNNING' || this.pendingTasks(executionArn).length > 0;
    if (!waiting()) {
      await new Promise<void>((resolve) => {
        const listener = () => {
          if (waiting()) {
            this.listeners.delete(listener);
            resolve();
          }
        };
        this.listeners.add(listener);
      });
    }
    return running.record;
  }

  /** Stops every running execution (a CLI run ends while an approval is still pending). */
  async shutdown(): Promise<void> {
    this.applyAnswers();
    const running = [...this.executions.values()].filter((execution) => execution.record.status === 'RUNNING');
    for (const execution of running) this.stopExecution(execution.record.executionArn);
    await Promise.all(running.map((execution) => execution.done));
  }

  private take(token: string): HeldTask {
    const task = this.held.get(token);
    if (!task) throw new StepFunctionsLocalError('InvalidToken', 'the task token is unknown or already answered');
    this.held.delete(token);
    return task;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private taskHandlers(definition: AslDefinition, record: ExecutionRecord) {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of allStates(definition)) {
      if (state.Type === 'Task') handlers[stateName] = (input) => this.runTask(stateName, state, input, record);
    }
    return handlers as never;
  }

  private async runTask(stateName: string, state: AslState, input: unknown, record: ExecutionRecord): Promise<unknown> {
    const resource = state.Resource ?? '';
    const waitForToken = resource.endsWith('.waitForTaskToken');
    const integration = resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
    let token: string | undefined;
    let payload = input;
    if (waitForToken) {
      token = `local-${randomUUID()}`;
      payload = replaceDeep(input, TOKEN_PLACEHOLDER, token);
    }
    let result: unknown;
    if (integration === 'arn:aws:states:::lambda:invoke') {
      const { FunctionName, Payload } = (payload ?? {}) as { FunctionName?: string; Payload?: unknown };
      if (!FunctionName) throw taskError('States.Runtime', `state ${stateName}: lambda:invoke without FunctionName`);
      const functionResult = await this.invoke(FunctionName, Payload);
      result = { ExecutedVersion: '$LATEST', Payload: functionResult ?? null, StatusCode: 200 };
    } else if (/^arn:aws:lambda:/.test(integration)) {
      result = await this.invoke(integration, payload);
    } else {
      const match = /^arn:aws:states:::(?:aws-sdk:)?([^:]+):(.+)$/.exec(integration);
      if (!match || !this.options.callService) throw taskError('States.Runtime', `state ${stateName}: no local binding for ${resource}`);
      result = await this.options.callService(match[1] as string, match[2] as string, payload);
    }
    if (!token) return result;
    let resolve!: (output: unknown) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.held.set(token, { token, executionArn: record.executionArn, stateName, payload, resolve, reject });
    this.notify();
    return promise;
  }

  private async invoke(functionName: string, payload: unknown): Promise<unknown> {
    try {
      return await this.options.invokeFunction(functionName, payload);
    } catch (error) {
      // Lambda reports a function error by its name (errorType); Step Functions matches Retry/Catch on it.
      const failure = error instanceof Error ? error : new Error(String(error));
      throw taskError(failure.name || 'Error', failure.message);
    }
  }

  private async followPath(events: AsyncGenerator<{ type: string; state?: { name: string } }>, record: ExecutionRecord) {
    try {
      for await (const event of events) {
        if (event.type === 'StateEntered' && event.state) record.path.push(event.state.name);
      }
    } catch {
      // The event log ends with the run; a failing run is reported through `done`.
    }
  }
}

function taskError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(new StepFunctionsLocalError('InvalidExecutionInput', 'input is not JSON'), { cause: error });
  }
}

function zeroFor(definition: AslDefinition, when: (state: AslState) => boolean): Record<string, number> {
  return Object.fromEntries(allStates(definition).filter(([, state]) => when(state)).map(([name]) => [name, 0]));
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((item) => replaceDeep(item, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceDeep(item, from, to)]));
  }
  return value;
}
