import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderNotification, type RenderedNotification } from '../../../lambdas/core/notifications/render-notification.js';
import { formatForSiem } from '../../../lambdas/core/siem/siem-platform.js';
import { snsMessageOf, snsPublisher } from '../../../lambdas/notify/notification-publisher.js';
import { detectedCredentialFinding, incidentOf } from './siem-incident.js';

const TOPIC = 'arn:aws:sns:us-east-1:883606788610:firebreak-incidents';
const MACHINE_PROTOCOLS = ['sqs', 'lambda', 'https', 'http', 'email-json'] as const;
const HUMAN_PROTOCOLS = ['default', 'email'] as const;
const snsMock = mockClient(SNSClient);

let notification: RenderedNotification;
beforeAll(async () => {
  const incident = incidentOf(await detectedCredentialFinding());
  notification = renderNotification({ incident, event: 'opened', responseTimeTargetSeconds: 3600 });
});
beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterAll(() => snsMock.restore());

function bodies(message: string): Record<string, string> {
  return JSON.parse(message) as Record<string, string>;
}

describe('snsMessageOf per protocol', () => {
  it("without a SIEM platform: programs get Firebreak's document with subject and text, people the summary and the JSON", () => {
    // Act
    const message = snsMessageOf(notification);

    // Assert
    const perProtocol = bodies(message.Message);
    expect(Object.keys(perProtocol).sort()).toEqual(['default', 'email', 'email-json', 'http', 'https', 'lambda', 'sms', 'sqs']);
    for (const protocol of MACHINE_PROTOCOLS) {
      expect(JSON.parse(perProtocol[protocol]!)).toEqual(JSON.parse(JSON.stringify({ subject: notification.subject, text: notification.text, ...notification.json })));
    }
    for (const protocol of HUMAN_PROTOCOLS) {
      expect(perProtocol[protocol]).toBe(`${notification.text}\n\n--- incident (JSON) ---\n${JSON.stringify(notification.json)}`);
    }
    expect(perProtocol.sms).toBe(notification.subject);
    expect(snsMessageOf(notification, 'none')).toEqual(message);
  });

  it.each(['ocsf', 'splunk'] as const)('with siemPlatform %s: every machine-readable body is the SIEM document, human bodies unchanged', (platform) => {
    // Prepare
    const plain = bodies(snsMessageOf(notification).Message);

    // Act
    const message = snsMessageOf(notification, platform);

    // Assert
    const perProtocol = bodies(message.Message);
    const expected = JSON.parse(JSON.stringify(formatForSiem(platform, notification.json))) as unknown;
    for (const protocol of MACHINE_PROTOCOLS) expect(JSON.parse(perProtocol[protocol]!)).toEqual(expected);
    for (const protocol of [...HUMAN_PROTOCOLS, 'sms'] as const) expect(perProtocol[protocol]).toBe(plain[protocol]);
    expect(message.Subject).toBe(notification.subject);
    expect(message.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      playbook: { DataType: 'String', StringValue: 'credential-compromise' },
      event: { DataType: 'String', StringValue: 'opened' },
    });
  });

  it('the OCSF SQS body is an Incident Finding and the Splunk SQS body a HEC event', () => {
    // Act
    const ocsf = JSON.parse(bodies(snsMessageOf(notification, 'ocsf').Message).sqs!) as Record<string, unknown>;
    const hec = JSON.parse(bodies(snsMessageOf(notification, 'splunk').Message).sqs!) as Record<string, unknown>;

    // Assert
    expect(ocsf).toMatchObject({ class_uid: 2005, category_uid: 2, type_uid: 200501, metadata: { version: '1.1.0' }, cloud: { provider: 'AWS', account: { uid: '883606788610' } } });
    expect(hec).toMatchObject({ source: 'firebreak', sourcetype: 'aws:firebreak:incident', time: 1_795_600_800, event: { version: 1, event: 'opened' } });
  });
});

describe('snsPublisher', () => {
  it('publishes the SIEM-formatted message it was created with', async () => {
    // Prepare
    const publisher = snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC, 'splunk');

    // Act
    const result = await publisher.publish(notification);

    // Assert
    expect(result).toEqual({ messageId: 'm-1' });
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ TopicArn: TOPIC, ...snsMessageOf(notification, 'splunk') });
  });

  it("defaults to Firebreak's own document (existing callers unchanged)", async () => {
    // Prepare
    const publisher = snsPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC);

    // Act
    await publisher.publish(notification);

    // Assert
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({ TopicArn: TOPIC, ...snsMessageOf(notification, 'none') });
  });
});
