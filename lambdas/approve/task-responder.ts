import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { FirebreakError } from '../core/errors.js';

/** The Step Functions error a rejection raises in the playbook (its Catch routes to RecordRejected). */
export const APPROVAL_REJECTED_ERROR = 'Firebreak.ApprovalRejected';

/** Answers a waiting waitForTaskToken task: Step Functions in AWS, the local runtime's harness on a laptop. */
export interface TaskResponder {
  succeed(taskToken: string, output: Record<string, unknown>): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/** The execution is no longer waiting for this token (timed out, stopped, or answered): the decision cannot apply. */
export class TaskNoLongerWaitingError extends FirebreakError {}

const NO_LONGER_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export function sfnTaskResponder(sfn: SFNClient): TaskResponder {
  const translate = (error: unknown): never => {
    const name = (error as { name?: string }).name ?? '';
    if (NO_LONGER_WAITING.has(name)) {
      throw new TaskNoLongerWaitingError(`the playbook is no longer waiting for this approval (${name})`, { cause: error });
    }
    throw error;
  };
  return {
    async succeed(taskToken, output) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })).catch(translate);
    },
    async fail(taskToken, error, cause) {
      await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, 32_768) })).catch(translate);
    },
  };
}
