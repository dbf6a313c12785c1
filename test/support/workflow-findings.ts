import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FindingSchema, type Finding } from '../../lambdas/core/findings/finding.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/workflow/${name}`, import.meta.url));

interface GuardDutyEnvelope {
  account: string;
  region: string;
  id: string;
  detail: {
    id: string;
    arn: string;
    type: string;
    title: string;
    description: string;
    severity: number;
    accountId: string;
    region: string;
    service: { count: number; eventFirstSeen: string; eventLastSeen: string; detectorId: string; additionalInfo?: { sample?: boolean } };
    resource: { accessKeyDetails: { userName: string; userType: string; principalId: string; accessKeyId: string } };
  };
}

/**
 * The real GuardDuty IAM finding of the corpus (cloud-custodian iam-duty-event.json, a Tor caller) as the workflow's
 * tests need it: a Finding. The mapping is the plain field copy the normalizer does for this shape, so the workflow tests
 * do not depend on the detection code.
 */
export function guardDutyIamFinding(overrides: Partial<Finding> = {}): Finding {
  const event = JSON.parse(readFileSync(fixture('guardduty-iam-tor-envelope.json'), 'utf8')) as GuardDutyEnvelope;
  const d = event.detail;
  const key = d.resource.accessKeyDetails;
  const userArn = `arn:aws:iam::${d.accountId}:user/${key.userName}`;
  return FindingSchema.parse({
    dedupKey: `guardduty:${d.accountId}:${d.region}:${d.id}`,
    source: 'guardduty',
    product: 'GuardDuty',
    type: d.type,
    title: d.title,
    description: d.description,
    severity: { label: 'HIGH', normalized: 75, original: d.severity },
    accountId: d.accountId,
    region: d.region,
    firstSeen: d.service.eventFirstSeen,
    lastSeen: d.service.eventLastSeen,
    count: d.service.count,
    resourceClass: 'AccessKey',
    principal: { type: 'IAMUser', arn: userArn, userName: key.userName, principalId: key.principalId, accessKeyId: key.accessKeyId },
    resources: [{ type: 'AWS::IAM::AccessKey', id: key.accessKeyId }],
    network: { remoteIp: '198.51.100.0', remoteCountry: 'United States' },
    attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
    sample: false,
    sourceEventIds: [event.id],
    productRefs: { asffId: d.arn, productArn: `arn:aws:securityhub:${d.region}::product/aws/guardduty`, guardDutyDetectorId: d.service.detectorId },
    ...overrides,
  });
}

export function principalCorrelationKey(finding: Finding): string {
  return `principal:${finding.principal?.arn ?? 'unknown'}`;
}
