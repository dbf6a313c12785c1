import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterAlarmsProps {
  /** Each dead-letter queue, by a name responders recognise (`detect`, `ingestion` ...). */
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  /** Where the alarms go: the notifications topic (subscriptions without a filter policy receive them). */
  readonly topic: sns.ITopic;
  /** The topic's key: CloudWatch must be allowed to encrypt with it, or its alarm messages are dropped. */
  readonly topicKey: kms.IKey;
}

/**
 * An alarm per dead-letter queue: an event that Firebreak could not process (a finding that never became an incident, a
 * notification never sent) is kept in a DLQ, and this makes sure a human hears about it instead of it waiting silently.
 */
export class DeadLetterAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: DeadLetterAlarmsProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.topic);
    for (const [name, queue] of Object.entries(props.queues)) {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmDescription: `Firebreak: events are waiting in the ${name} dead-letter queue; inspect and redrive them`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    }
    props.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}
