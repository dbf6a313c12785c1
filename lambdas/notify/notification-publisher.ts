import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { RenderedNotification } from '../core/notifications/render-notification.js';
import type { ComplianceFramework } from '../core/compliance/compliance-framework.js';
import { notificationComplianceReferences } from '../core/compliance/notification-references.js';
import { formatForSiem, type SiemPlatform } from '../core/siem/siem-platform.js';

/** Where rendered notifications go: SNS in AWS, a recorder in the local runtime and tests. */
export interface NotificationPublisher {
  publish(notification: RenderedNotification): Promise<{ messageId: string }>;
}

/**
 * The SNS message body per protocol: people (email, SMS, default) get the summary followed by the JSON; programs (SQS, Lambda,
 * HTTPS) get one JSON document — in the configured SIEM format (`siemPlatform`: OCSF, Splunk HEC) when one is set. With a
 * `complianceFramework`, the document names the requirements the message evidences. Severity, playbook and event are message
 * attributes for subscription filter policies.
 */
export function snsMessageOf(
  notification: RenderedNotification,
  siemPlatform: SiemPlatform = 'none',
  complianceFramework: ComplianceFramework = 'none',
): { Subject: string; Message: string; MessageStructure: 'json'; MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }> } {
  const document =
    complianceFramework === 'none' ? notification.json : { ...notification.json, compliance: notificationComplianceReferences(complianceFramework, notification.json.event) };
  const json = JSON.stringify(document);
  const human = `${notification.text}\n\n--- incident (JSON) ---\n${json}`;
  const machine = JSON.stringify(siemPlatform === 'none' ? { subject: notification.subject, text: notification.text, ...document } : formatForSiem(siemPlatform, document));
  return {
    Subject: notification.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: human, email: human, 'email-json': machine, sms: notification.subject, sqs: machine, lambda: machine, https: machine, http: machine }),
    MessageAttributes: {
      severity: { DataType: 'String', StringValue: notification.attributes.severity },
      playbook: { DataType: 'String', StringValue: notification.attributes.playbook },
      event: { DataType: 'String', StringValue: notification.attributes.event },
    },
  };
}

export function snsPublisher(
  sns: SNSClient,
  topicArn: string,
  siemPlatform: SiemPlatform = 'none',
  complianceFramework: ComplianceFramework = 'none',
): NotificationPublisher {
  return {
    async publish(notification) {
      const result = await sns.send(new PublishCommand({ TopicArn: topicArn, ...snsMessageOf(notification, siemPlatform, complianceFramework) }));
      return { messageId: result.MessageId ?? 'unknown' };
    },
  };
}
