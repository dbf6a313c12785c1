import { describe, expect, it } from 'vitest';
import { PLAYBOOK_IDS } from '../../../lambdas/core/config/firebreak-config.js';
import { IncidentSchema, type Incident } from '../../../lambdas/core/incidents/incident.js';
import { NotificationEventSchema } from '../../../lambdas/core/notifications/notification-event.js';
import { renderNotification } from '../../../lambdas/core/notifications/render-notification.js';
import { consoleLinks } from '../../../lambdas/core/notifications/console-links.js';
import { guardDutyIamFinding } from '../../support/workflow-findings.js';

function incidentFor(playbook: string, overrides: Partial<Incident> = {}): Incident {
  const finding = guardDutyIamFinding();
  return IncidentSchema.parse({
    incidentId: 'inc-0123456789abcdef0123',
    accountId: finding.accountId,
    region: finding.region,
    status: 'open',
    severity: 'HIGH',
    riskScore: 82,
    title: finding.title,
    playbook,
    mode: 'approve',
    correlationKey: `principal:${finding.principal!.arn}`,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    findingKeys: [finding.dedupKey],
    primaryFinding: finding,
    version: 1,
    expiresAt: 1_800_000_000,
    ...overrides,
  });
}

const PLAYBOOKS = [...PLAYBOOK_IDS, 'notify-only'];

describe('renderNotification', () => {
  for (const playbook of PLAYBOOKS) {
    for (const event of NotificationEventSchema.options) {
      it(`renders ${event} for ${playbook} with the five parts, attributes and the incident JSON`, () => {
        const incident = incidentFor(playbook);

        const rendered = renderNotification({ incident, event, step: 'DeactivateAccessKey', approvalValidUntil: '2026-11-25T11:00:00.000Z' });

        expect(rendered.subject.length).toBeLessThanOrEqual(100);
        expect(rendered.subject).toMatch(/^\[Firebreak HIGH\] /);
        expect(rendered.subject).toMatch(/^[\x20-\x7e]+$/);
        expect(rendered.attributes).toEqual({ severity: 'HIGH', playbook, event });
        const text = rendered.text;
        expect(text).toContain(`incident ${incident.incidentId}`);
        expect(text).toContain('What happened: GuardDuty reported UnauthorizedAccess:IAMUser/TorIPCaller');
        expect(text).toContain('Where: account 883606788610, us-east-1; principal arn:aws:iam::883606788610:user/GeneratedFindingUserName');
        expect(text).toMatch(/What Firebreak did: \S/);
        expect(text).toMatch(/What it needs from you: \S/);
        expect(text).toContain(`firebreak incidents show ${incident.incidentId}`);
        expect(rendered.json).toMatchObject({ version: 1, event, incident: { incidentId: incident.incidentId, playbook } });
      });
    }
  }

  it('says what the credential playbook does and what the approver must do, with the approval link', () => {
    const rendered = renderNotification({
      incident: incidentFor('credential-compromise'),
      event: 'approval_requested',
      step: 'DeactivateAccessKey',
      approvalValidUntil: '2026-11-25T11:00:00.000Z',
      links: { approval: 'https://approve.example/?id=abc&exp=1&sig=x' },
    });

    expect(rendered.subject).toBe('[Firebreak HIGH] Approval needed: API GeneratedFindingAPIName was invoked from a Tor exit node.');
    expect(rendered.text).toContain(
      "What Firebreak did: paused the credential-compromise playbook before step DeactivateAccessKey; it deactivates the exposed access key and revokes the role's sessions issued before now once approved.",
    );
    expect(rendered.text).toContain('approve or reject step DeactivateAccessKey before 2026-11-25T11:00:00.000Z');
    expect(rendered.text).toContain('firebreak approve|reject inc-0123456789abcdef0123 --step DeactivateAccessKey');
    expect(rendered.text).toContain('Approve or reject: https://approve.example/?id=abc&exp=1&sig=x');
  });

  it('lists what containment did (and that a dry run changed nothing), and the error of a failure', () => {
    const incident = incidentFor('credential-compromise', { status: 'containment_failed' });
    const actions = [
      { actionId: 'iam.deactivate-access-key', target: 'AKIA1', status: 'done' as const, dryRun: true, at: '2026-11-25T10:01:00.000Z' },
      { actionId: 'iam.revoke-role-sessions', target: 'role/app', status: 'failed' as const, dryRun: false, at: '2026-11-25T10:01:01.000Z' },
    ];

    const failed = renderNotification({ incident, event: 'containment_failed', actions, detail: { Error: 'Firebreak.ActionFailed', Cause: 'AccessDenied' } });
    const contained = renderNotification({ incident, event: 'contained', actions: actions.slice(0, 1) });

    expect(failed.subject).toBe('[Firebreak HIGH] CONTAINMENT FAILED: API GeneratedFindingAPIName was invoked from a Tor exit node.');
    expect(failed.text).toContain(
      'What Firebreak did: tried to contain it and failed at iam.revoke-role-sessions on role/app (Firebreak.ActionFailed: AccessDenied). Already done: iam.deactivate-access-key on AKIA1 (dry run: nothing changed).',
    );
    expect(contained.text).toContain('What Firebreak did: contained it: iam.deactivate-access-key on AKIA1 (dry run: nothing changed).');
  });

  it('a dry run says nothing changed, what a real run would do, and that the incident is not contained', () => {
    // Prepare: a dry run after an earlier real run deactivated the key.
    const incident = incidentFor('credential-compromise', { status: 'open' });
    const actions = [
      { actionId: 'iam/deactivate-access-key', target: 'user/ci-deployer/access-key/AKIAIOSFODNN7EXAMPLE', status: 'done' as const, dryRun: false, at: '2026-11-25T10:01:00.000Z' },
      { actionId: 'iam/revoke-user-sessions', target: 'user/ci-deployer/sessions', status: 'done' as const, dryRun: true, at: '2026-11-25T10:01:01.000Z' },
    ];
    // Act
    const rendered = renderNotification({ incident, event: 'dry_run_completed', actions, responseTimeTargetSeconds: 3600 });
    // Assert
    expect(rendered.subject).toMatch(/^\[Firebreak HIGH\] Dry run, nothing changed: API GeneratedFindingAPIName was invoked from a Tor/);
    expect(rendered.attributes.event).toBe('dry_run_completed');
    expect(rendered.text).toContain(
      'What Firebreak did: dry run: nothing changed. The credential-compromise playbook ran in dry run and would have: iam/revoke-user-sessions on user/ci-deployer/sessions. Still in effect from an earlier real run: iam/deactivate-access-key on user/ci-deployer/access-key/AKIAIOSFODNN7EXAMPLE.',
    );
    expect(rendered.text).toContain(
      `What it needs from you: the incident is NOT contained (status open): contain it by hand, or turn dry run off (config dryRun: false) and run the playbook again; acknowledge it (firebreak incidents ack ${incident.incidentId}) within 1h (the HIGH response-time target).`,
    );
    expect(rendered.text).not.toMatch(/contained it/);
  });

  it('quotes the response-time target in an escalation and counts aggregated messages', () => {
    const rendered = renderNotification({
      incident: incidentFor('credential-compromise'),
      event: 'escalation',
      responseTimeTargetSeconds: 3600,
      suppressedSinceLast: 3,
    });
    expect(rendered.text).toContain('acknowledge it now (firebreak incidents ack inc-0123456789abcdef0123): the HIGH response-time target is 1h.');
    expect(rendered.text).toContain('(3 similar notification(s) about this incident were aggregated into this one.)');
    expect(rendered.json.suppressedSinceLast).toBe(3);
  });

  it('tells the responder the response-time target while nobody has acknowledged', () => {
    const open = renderNotification({ incident: incidentFor('credential-compromise'), event: 'opened', responseTimeTargetSeconds: 900 });
    const acked = renderNotification({
      incident: incidentFor('credential-compromise', { acknowledgedAt: '2026-11-25T10:05:00.000Z' }),
      event: 'opened',
      responseTimeTargetSeconds: 900,
    });
    expect(open.text).toContain('acknowledge (firebreak incidents ack inc-0123456789abcdef0123) within 15m (the HIGH response-time target);');
    expect(acked.text).not.toContain('response-time target');
  });

  it('shortens long titles to a 100-character ASCII subject', () => {
    const rendered = renderNotification({ incident: incidentFor('credential-compromise', { title: `Résumé ${'x'.repeat(200)}` }), event: 'opened' });
    expect(rendered.subject).toHaveLength(100);
    expect(rendered.subject).toMatch(/^\[Firebreak HIGH\] New incident: R\?sum\? x+\.\.\.$/);
  });

  it('links the GuardDuty finding and the playbook execution in the console', () => {
    const links = consoleLinks(incidentFor('credential-compromise', { executionArn: 'arn:aws:states:us-east-1:883606788610:execution:cred:inc-1' }));
    expect(links).toEqual({
      finding: 'https://us-east-1.console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?fId=36b01b60fc22bb4edb19d62d9899e953',
      execution:
        'https://us-east-1.console.aws.amazon.com/states/home#/v2/executions/details/arn%3Aaws%3Astates%3Aus-east-1%3A883606788610%3Aexecution%3Acred%3Ainc-1',
    });
  });
});
