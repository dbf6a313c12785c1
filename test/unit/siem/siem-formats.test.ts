import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import type { Incident } from '../../../lambdas/core/incidents/incident.js';
import type { NotificationEvent } from '../../../lambdas/core/notifications/notification-event.js';
import { renderNotification } from '../../../lambdas/core/notifications/render-notification.js';
import { ocsfAttacks } from '../../../lambdas/core/siem/ocsf-incident-finding.js';
import { formatForSiem } from '../../../lambdas/core/siem/siem-platform.js';
import { detectedCredentialFinding, incidentOf } from './siem-incident.js';

let finding: Finding;
beforeAll(async () => {
  finding = await detectedCredentialFinding();
});

const ASFF_ID = 'arn:aws:guardduty:us-east-1:883606788610:detector/883606788610/finding/36b01b60fc22bb4edb19d62d9899e953';
const FIRST_SEEN_MS = 1_512_747_169_000; // 2017-12-08T15:32:49Z, the finding's eventFirstSeen/eventLastSeen
const OPENED_MS = 1_795_600_800_000; // 2026-11-25T10:00:00Z

describe('formatForSiem ocsf: OCSF 1.1.0 Incident Finding', () => {
  it('maps a newly opened incident from the real GuardDuty finding to the exact Incident Finding: Create document', () => {
    // Prepare
    const incident = incidentOf(finding);
    const document = renderNotification({ incident, event: 'opened', links: { finding: 'https://console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?fId=36b01b60fc22bb4edb19d62d9899e953' } }).json;

    // Act
    const ocsf = formatForSiem('ocsf', document);

    // Assert
    expect(ocsf).toEqual({
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2005,
      class_name: 'Incident Finding',
      type_uid: 200501,
      type_name: 'Incident Finding: Create',
      severity_id: 4,
      severity: 'High',
      status_id: 1,
      status: 'New',
      priority_id: 3,
      priority: 'High',
      time: OPENED_MS,
      start_time: FIRST_SEEN_MS,
      end_time: FIRST_SEEN_MS,
      message: document.summary,
      desc: 'API GeneratedFindingAPIName was invoked from a Tor exit node.',
      metadata: {
        version: '1.1.0',
        uid: 'inc-7f3a9c2e5b1d4e8fa0c6:1:opened',
        correlation_uid: 'inc-7f3a9c2e5b1d4e8fa0c6',
        product: { name: 'Firebreak', vendor_name: 'Firebreak', feature: { name: 'credential-compromise' } },
        profiles: ['cloud'],
      },
      finding_info_list: [
        {
          uid: ASFF_ID,
          title: 'API GeneratedFindingAPIName was invoked from a Tor exit node.',
          desc: 'API GeneratedFindingAPIName was invoked from a Tor exit node IP address 198.51.100.0.',
          types: ['UnauthorizedAccess:IAMUser/TorIPCaller'],
          data_sources: ['GuardDuty'],
          first_seen_time: FIRST_SEEN_MS,
          last_seen_time: FIRST_SEEN_MS,
          src_url: 'https://console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?fId=36b01b60fc22bb4edb19d62d9899e953',
          attacks: [{ tactic: { uid: 'TA0001', name: 'Initial Access' } }],
        },
      ],
      attacks: [{ tactic: { uid: 'TA0001', name: 'Initial Access' } }],
      cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '883606788610', type: 'AWS Account', type_id: 10 } },
      unmapped: {
        firebreak_event: 'opened',
        incident_id: 'inc-7f3a9c2e5b1d4e8fa0c6',
        risk_score: 80,
        playbook: 'credential-compromise',
        mode: 'approve',
        occurrences: 1,
        resources: [{ uid: 'AKIAIOSFODNN7EXAMPLE', type: 'AWS::IAM::AccessKey', region: 'us-east-1' }],
        durations: { timeToAcknowledge: undefined, timeToContain: undefined, timeToResolve: undefined },
        actions: [],
      },
    });
  });

  it('reports a closed incident as Incident Finding: Close with its root cause, assignee, actions and correlated findings', () => {
    // Prepare
    const incident = incidentOf(finding, {
      status: 'closed',
      version: 6,
      updatedAt: '2026-11-25T14:00:00.000Z',
      acknowledgedAt: '2026-11-25T10:05:00.000Z',
      acknowledgedBy: 'arn:aws:sts::883606788610:assumed-role/SecOps/alice',
      containedAt: '2026-11-25T10:07:30.000Z',
      resolvedAt: '2026-11-25T13:00:00.000Z',
      closedAt: '2026-11-25T14:00:00.000Z',
      rootCause: 'CI access key committed to a public repository',
      remediation: 'key deleted, CI moved to OIDC role',
      findingKeys: [finding.dedupKey, 'cloudtrail:883606788610:us-east-1:firebreak.iam-access-key-created:ev-1'],
    });
    const actions = [
      { actionId: 'iam.deactivate-access-key', target: 'AKIAIOSFODNN7EXAMPLE', status: 'done' as const, dryRun: false, at: '2026-11-25T10:07:29.000Z', priorState: { Status: 'Active' }, appliedState: { Status: 'Inactive' } },
    ];
    const document = renderNotification({ incident, event: 'contained', actions, links: { execution: 'https://console.aws.amazon.com/states/home#/v2/executions/details/arn:x' } }).json;

    // Act
    const ocsf = formatForSiem('ocsf', document) as Record<string, unknown>;

    // Assert
    expect(ocsf).toMatchObject({
      activity_id: 3,
      activity_name: 'Close',
      type_uid: 200503,
      type_name: 'Incident Finding: Close',
      status_id: 5,
      status: 'Closed',
      time: Date.parse('2026-11-25T14:00:00.000Z'),
      src_url: 'https://console.aws.amazon.com/states/home#/v2/executions/details/arn:x',
      comment: 'Root cause: CI access key committed to a public repository Remediation: key deleted, CI moved to OIDC role',
      assignee: { uid: 'arn:aws:sts::883606788610:assumed-role/SecOps/alice', name: 'arn:aws:sts::883606788610:assumed-role/SecOps/alice' },
      metadata: { uid: 'inc-7f3a9c2e5b1d4e8fa0c6:6:contained' },
    });
    expect(ocsf.finding_info_list).toEqual([
      expect.objectContaining({ uid: ASFF_ID }),
      { uid: 'cloudtrail:883606788610:us-east-1:firebreak.iam-access-key-created:ev-1', title: 'Correlated finding cloudtrail:883606788610:us-east-1:firebreak.iam-access-key-created:ev-1' },
    ]);
    expect(ocsf.unmapped).toEqual({
      firebreak_event: 'contained',
      incident_id: 'inc-7f3a9c2e5b1d4e8fa0c6',
      risk_score: 80,
      playbook: 'credential-compromise',
      mode: 'approve',
      occurrences: 1,
      resources: [{ uid: 'AKIAIOSFODNN7EXAMPLE', type: 'AWS::IAM::AccessKey', region: 'us-east-1' }],
      durations: { timeToAcknowledge: 300, timeToContain: 450, timeToResolve: 10_800 },
      actions,
      root_cause: 'CI access key committed to a public repository',
      remediation: 'key deleted, CI moved to OIDC role',
    });
  });

  it.each<[NotificationEvent, Incident['status'], number, number, string]>([
    ['opened', 'open', 1, 1, 'New'],
    ['notify_only', 'open', 1, 1, 'New'],
    ['approval_requested', 'open', 1, 1, 'New'],
    ['approval_requested', 'acknowledged', 2, 2, 'In Progress'],
    ['updated', 'acknowledged', 2, 2, 'In Progress'],
    ['contained', 'contained', 2, 2, 'In Progress'],
    ['containment_failed', 'containment_failed', 2, 2, 'In Progress'],
    ['rejected', 'acknowledged', 2, 2, 'In Progress'],
    ['escalation', 'open', 2, 1, 'New'],
    ['approval_timeout', 'open', 2, 1, 'New'],
    ['updated', 'resolved', 3, 4, 'Resolved'],
    ['updated', 'closed', 3, 5, 'Closed'],
  ])('event %s on a %s incident → activity_id %i, status_id %i (%s)', (event, status, activityId, statusId, statusName) => {
    // Prepare
    const document = renderNotification({ incident: incidentOf(finding, { status }), event }).json;

    // Act
    const ocsf = formatForSiem('ocsf', document) as Record<string, unknown>;

    // Assert
    expect(ocsf).toMatchObject({ activity_id: activityId, type_uid: 2005 * 100 + activityId, status_id: statusId, status: statusName });
  });

  it('an approval request after containment actions already ran (a later gate) is an Update', () => {
    // Prepare
    const actions = [{ actionId: 'iam.deactivate-access-key', target: 'AKIAIOSFODNN7EXAMPLE', status: 'done' as const, dryRun: true, at: '2026-11-25T10:01:00.000Z' }];
    const document = renderNotification({ incident: incidentOf(finding), event: 'approval_requested', actions, step: 'RevokeSessionsGate' }).json;

    // Act
    const ocsf = formatForSiem('ocsf', document) as Record<string, unknown>;

    // Assert
    expect(ocsf).toMatchObject({ activity_id: 2, activity_name: 'Update', type_uid: 200502, type_name: 'Incident Finding: Update' });
  });

  it.each<[Incident['severity'], number, string, number]>([
    ['INFORMATIONAL', 1, 'Informational', 1],
    ['LOW', 2, 'Low', 1],
    ['MEDIUM', 3, 'Medium', 2],
    ['HIGH', 4, 'High', 3],
    ['CRITICAL', 5, 'Critical', 4],
  ])('severity %s → severity_id %i (%s), priority_id %i', (severity, severityId, severityName, priorityId) => {
    // Prepare
    const document = renderNotification({ incident: incidentOf(finding, { severity }), event: 'opened' }).json;

    // Act
    const ocsf = formatForSiem('ocsf', document) as Record<string, unknown>;

    // Assert
    expect(ocsf).toMatchObject({ severity_id: severityId, severity: severityName, priority_id: priorityId });
  });

  it('names the parent technique of a sub-technique and pairs a tactic only when it is the only one', () => {
    // Prepare
    const one = { attack: { tactics: ['TA0006'], techniques: ['T1078.004', 'T1552'] } };
    const two = { attack: { tactics: ['TA0001', 'TA0005'], techniques: ['T1078.004'] } };

    // Act
    const [single, several] = [ocsfAttacks(one), ocsfAttacks(two)];

    // Assert
    expect(single).toEqual([
      { tactic: { uid: 'TA0006', name: 'Credential Access' }, technique: { uid: 'T1078' }, sub_technique: { uid: 'T1078.004' } },
      { tactic: { uid: 'TA0006', name: 'Credential Access' }, technique: { uid: 'T1552' } },
    ]);
    expect(several).toEqual([
      { technique: { uid: 'T1078' }, sub_technique: { uid: 'T1078.004' } },
      { tactic: { uid: 'TA0001', name: 'Initial Access' } },
      { tactic: { uid: 'TA0005', name: 'Defense Evasion' } },
    ]);
  });
});

describe('formatForSiem splunk: HTTP Event Collector event', () => {
  it('wraps the notification document in the exact HEC envelope with index-time fields', () => {
    // Prepare
    const incident = incidentOf(finding, { status: 'acknowledged', updatedAt: '2026-11-25T10:05:00.250Z', acknowledgedAt: '2026-11-25T10:05:00.250Z', version: 2 });
    const document = renderNotification({ incident, event: 'approval_requested', step: 'DeactivateAccessKey' }).json;

    // Act
    const hec = formatForSiem('splunk', document);

    // Assert
    expect(hec).toEqual({
      time: 1_795_601_100.25,
      host: '883606788610.us-east-1',
      source: 'firebreak',
      sourcetype: 'aws:firebreak:incident',
      event: document,
      fields: {
        incident_id: 'inc-7f3a9c2e5b1d4e8fa0c6',
        firebreak_event: 'approval_requested',
        severity: 'HIGH',
        status: 'acknowledged',
        playbook: 'credential-compromise',
        account_id: '883606788610',
        region: 'us-east-1',
        finding_type: 'UnauthorizedAccess:IAMUser/TorIPCaller',
      },
    });
  });
});

describe('formatForSiem none', () => {
  it("returns Firebreak's own notification document unchanged", () => {
    // Prepare
    const document = renderNotification({ incident: incidentOf(finding), event: 'opened' }).json;

    // Act
    const result = formatForSiem('none', document);

    // Assert
    expect(result).toBe(document);
  });
});
