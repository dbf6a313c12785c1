import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { FirebreakConfig } from '../lambdas/core/config/firebreak-config.js';
import type { ResponderFunction } from './responder-function.js';

/**
 * How often the SLA sweep runs: a third of the tightest response-time target, between 1 and 5 minutes, so an incident that
 * breaches its target is escalated at most a third of that target late.
 */
export function slaSweepInterval(targets: FirebreakConfig['responseTimeTarget']): Duration {
  const tightestSeconds = Math.min(targets.critical, targets.high, targets.medium, targets.low);
  const minutes = Math.min(5, Math.max(1, Math.floor(tightestSeconds / 60 / 3)));
  return Duration.minutes(minutes);
}

export interface SlaScheduleProps {
  readonly sla: ResponderFunction;
  readonly responseTimeTarget: FirebreakConfig['responseTimeTarget'];
}

/** An EventBridge schedule that runs the SLA sweep (unacknowledged incidents past their target → escalation + metric). */
export class SlaSchedule extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SlaScheduleProps) {
    super(scope, id);
    const interval = slaSweepInterval(props.responseTimeTarget);
    this.rule = new events.Rule(this, 'Rule', {
      description: `Firebreak: SLA sweep every ${interval.toMinutes()} minute(s)`,
      schedule: events.Schedule.rate(interval),
      targets: [
        new targets.LambdaFunction(props.sla.function, {
          retryAttempts: 2,
          // A sweep older than one interval is superseded by the next one.
          maxEventAge: interval,
          deadLetterQueue: props.sla.deadLetterQueue,
        }),
      ],
    });
  }
}
