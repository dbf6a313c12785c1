import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FirebreakConfig } from '../lambdas/core/config/firebreak-config.js';

/** Message attributes every Firebreak notification carries, so subscribers filter without parsing the body. */
export const NOTIFICATION_ATTRIBUTES = { severity: 'severity', playbook: 'playbook', event: 'event' } as const;

type Subscription = FirebreakConfig['notifications']['subscriptions'][number];

export interface NotificationsProps {
  readonly subscriptions: readonly Subscription[];
}

/**
 * One KMS-encrypted, TLS-only SNS topic for every notification. Teams route with filter policies on the message attributes
 * `severity`, `playbook` and `event` (e.g. CRITICAL and escalations to the pager, everything to the team channel) instead of
 * Firebreak running a topic per audience: one place to subscribe, and an escalation is a message with `event: escalation`.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Firebreak notifications topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Firebreak incidents',
      masterKey: this.key,
      enforceSSL: true,
    });
    props.subscriptions.forEach((subscription, index) => {
      this.topic.addSubscription(this.subscriptionFor(subscription, index));
    });
  }

  /**
   * Publish rights, including exactly the key operations SNS performs for a publisher (`topic.grantPublish` would add
   * `kms:GenerateDataKey*`, a wildcard).
   */
  grantPublish(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resourceArns: [this.key.keyArn] });
  }

  private subscriptionFor(subscription: Subscription, index: number): sns.ITopicSubscription {
    const filterPolicy = filterPolicyOf(subscription);
    switch (subscription.protocol) {
      case 'email':
        return new subscriptions.EmailSubscription(subscription.endpoint, { filterPolicy });
      case 'https':
        return new subscriptions.UrlSubscription(subscription.endpoint, { filterPolicy, protocol: sns.SubscriptionProtocol.HTTPS });
      case 'sms':
        return new subscriptions.SmsSubscription(subscription.endpoint, { filterPolicy });
      case 'sqs':
        // A queue Firebreak does not own: its policy must let this topic send (CDK cannot change an imported queue's policy).
        return new subscriptions.SqsSubscription(sqs.Queue.fromQueueArn(this, `Queue${index}`, subscription.endpoint), {
          filterPolicy,
          rawMessageDelivery: false,
        });
      case 'lambda':
        // The function is expected in the deploying account: the stack adds the permission for the topic to invoke it.
        return new subscriptions.LambdaSubscription(
          lambda.Function.fromFunctionAttributes(this, `Subscriber${index}`, { functionArn: subscription.endpoint, sameEnvironment: true }),
          { filterPolicy },
        );
    }
  }
}

/** The subscription's filter as an SNS filter policy on the message attributes (undefined = everything). */
export function filterPolicyOf(subscription: Subscription): Record<string, sns.SubscriptionFilter> | undefined {
  const filter = subscription.filter;
  if (!filter) return undefined;
  const policy: Record<string, sns.SubscriptionFilter> = {};
  if (filter.severity && filter.severity.length > 0) {
    policy[NOTIFICATION_ATTRIBUTES.severity] = sns.SubscriptionFilter.stringFilter({ allowlist: [...filter.severity] });
  }
  if (filter.playbook && filter.playbook.length > 0) {
    policy[NOTIFICATION_ATTRIBUTES.playbook] = sns.SubscriptionFilter.stringFilter({ allowlist: [...filter.playbook] });
  }
  if (filter.event && filter.event.length > 0) {
    policy[NOTIFICATION_ATTRIBUTES.event] = sns.SubscriptionFilter.stringFilter({ allowlist: [...filter.event] });
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}
