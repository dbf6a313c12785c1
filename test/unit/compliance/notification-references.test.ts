import { beforeAll, describe, expect, it } from 'vitest';
import { notificationComplianceReferences } from '../../../lambdas/core/compliance/notification-references.js';
import { renderNotification, type RenderedNotification } from '../../../lambdas/core/notifications/render-notification.js';
import { snsMessageOf } from '../../../lambdas/notify/notification-publisher.js';
import { detectedCredentialFinding, incidentOf } from '../siem/siem-incident.js';

let contained: RenderedNotification;
beforeAll(async () => {
  const incident = incidentOf(await detectedCredentialFinding(), { status: 'contained', containedAt: '2026-11-25T10:07:30.000Z', updatedAt: '2026-11-25T10:07:30.000Z', version: 3 });
  contained = renderNotification({ incident, event: 'contained' });
});

const sqsBody = (message: string) => JSON.parse((JSON.parse(message) as Record<string, string>).sqs!) as Record<string, unknown>;

describe('notificationComplianceReferences', () => {
  it.each([
    ['nist-800-61', 'opened', ['3.2']],
    ['nist-800-61', 'approval_requested', ['3.1', '3.2']],
    ['nist-800-61', 'contained', ['3.2', '3.3']],
    ['nist-800-61', 'escalation', ['3.2']],
    ['pci-dss-4', 'opened', ['12.10.1', '12.10.5']],
    ['pci-dss-4', 'contained', ['12.10.1', '12.10.5']],
    ['pci-dss-4', 'escalation', ['12.10.1', '12.10.3']],
    ['soc2', 'opened', ['CC7.3', 'CC7.4']],
    ['soc2', 'containment_failed', ['CC7.4']],
    ['soc2', 'approval_timeout', ['CC7.3', 'CC7.4']],
  ] as const)('%s: a %s notification evidences %j', (framework, event, refs) => {
    // Act
    const references = notificationComplianceReferences(framework, event);

    // Assert
    expect(references.framework).toBe(framework);
    expect(references.references.map((reference) => reference.ref)).toEqual(refs);
  });
});

describe('snsMessageOf with a complianceFramework', () => {
  const PCI_CONTAINED = {
    framework: 'pci-dss-4',
    name: 'PCI DSS v4.0',
    references: [
      { ref: '12.10.1', title: 'Incident response plan exists and is activated for a suspected or confirmed incident' },
      { ref: '12.10.5', title: 'Plan covers monitoring and responding to alerts from security monitoring systems' },
    ],
  };

  it("adds the references to Firebreak's document (machine and human bodies)", () => {
    // Act
    const message = snsMessageOf(contained, 'none', 'pci-dss-4');

    // Assert
    expect(sqsBody(message.Message).compliance).toEqual(PCI_CONTAINED);
    expect((JSON.parse(message.Message) as Record<string, string>).email).toContain('"compliance":{"framework":"pci-dss-4"');
  });

  it('carries them in OCSF unmapped and in the Splunk event', () => {
    // Act
    const ocsf = sqsBody(snsMessageOf(contained, 'ocsf', 'pci-dss-4').Message);
    const hec = sqsBody(snsMessageOf(contained, 'splunk', 'pci-dss-4').Message);

    // Assert
    expect((ocsf.unmapped as Record<string, unknown>).compliance).toEqual(PCI_CONTAINED);
    expect((hec.event as Record<string, unknown>).compliance).toEqual(PCI_CONTAINED);
  });

  it("framework 'none' leaves the document as rendered", () => {
    // Act
    const message = snsMessageOf(contained, 'none', 'none');

    // Assert
    expect(sqsBody(message.Message)).not.toHaveProperty('compliance');
    expect(message).toEqual(snsMessageOf(contained));
  });
});
