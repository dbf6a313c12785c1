import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { command } from '../../../bin/commands/detect.js';
import { runCli } from '../../support/cli-harness.js';
import { FIXTURES } from '../findings/fixture-loader.js';
import { cloudTrailFixture } from '../rules/cloudtrail-fixtures.js';

const fixture = (p: string) => join(FIXTURES, p);

describe('firebreak detect', () => {
  it('GuardDuty EventBridge event → one JSON line with rule, severity, ATT&CK, subject, source event id; summary on stderr', async () => {
    // Act
    const run = await runCli(command, [fixture('guardduty/cloud-custodian/iam-duty-event.json')]);
    // Assert
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        rule: 'UnauthorizedAccess:IAMUser/TorIPCaller',
        severity: 'MEDIUM',
        attack: ['TA0001'],
        subject: 'arn:aws:iam::883606788610:user/GeneratedFindingUserName',
        sourceEventId: '36b01b60fc22bb4edb19d62d9899e953',
        sample: true,
      }),
    ]);
    expect(run.stderr).toBe('detect: 1 event, 1 finding (0 at or above HIGH), 0 suppressed, 0 rejected');
  });

  it('a {"Records": [...]} log file: every matching record, through the same engine', async () => {
    // Prepare
    const records = ['panther:aws_cloudtrail_stopped#0', 'panther:aws_cloudtrail_stopped#1', 'panther:aws_iam_attach_admin_user_policy#0'].map(cloudTrailFixture);
    // Act
    const run = await runCli(command, ['-'], JSON.stringify({ Records: records }));
    // Assert
    expect(run.code).toBe(0);
    const rules = run.stdout.split('\n').map((l) => JSON.parse(l).rule);
    expect(rules).toEqual(['cloudtrail-logging-stopped', 'iam-admin-policy-attached']);
    expect(run.stderr).toMatch(/^detect: 1 event, 2 findings \(2 at or above HIGH\), 0 suppressed, 0 rejected$/);
  });

  it('NDJSON of failed logins: the brute-force correlation fires across lines', async () => {
    // Prepare
    const base = cloudTrailFixture('panther:aws_console_root_login_failed#0') as Record<string, unknown>;
    const lines = Array.from({ length: 10 }, (_, n) => JSON.stringify({ ...base, eventID: `f${n}`, eventTime: `2026-03-01T10:0${n}:00Z` }));
    // Act
    const run = await runCli(command, ['-'], lines.join('\n'));
    // Assert
    expect(run.code).toBe(0);
    // The real record is a failed root login: both the per-address and the per-user (root) counts reach 10.
    expect(run.stdout.split('\n').map((l) => JSON.parse(l).rule)).toEqual(['console-brute-force-by-ip', 'console-brute-force-by-user']);
    expect(run.stderr).toContain('detect: 10 events, 2 findings');
  });

  it('a JSON array, with suppressions from --config logged on stderr and counted', async () => {
    // Prepare
    const events = JSON.parse(readFileSync(fixture('guardduty/panther-analysis-tests/aws_guardduty_high_sev_findings.tests.json'), 'utf8')).Tests.map((t: { Log: unknown }) => t.Log);
    const configPath = join(FIXTURES, '..', '..', 'node_modules', '.firebreak-detect-test-config.json');
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(configPath, JSON.stringify({ suppressions: [{ id: 'cfn-policy-updates', reason: 'CloudFormation deploys role policies', match: { type: ['PrivilegeEscalation:IAMUser/*'], severity: ['HIGH'] } }] }));
    try {
      // Act
      const run = await runCli(command, ['-', '--config', configPath], JSON.stringify(events));
      // Assert
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toEqual([
        expect.stringMatching(/^suppressed guardduty:123456789012:us-east-1:eeb88ab56556eb7771b266670dddee5a \(PrivilegeEscalation:IAMUser\/AdministrativePermissions\) by cfn-policy-updates: CloudFormation deploys role policies$/),
        expect.stringMatching(/^suppressed .* by cfn-policy-updates/),
        'detect: 2 events, 0 findings (0 at or above HIGH), 2 suppressed, 0 rejected',
      ]);
    } finally {
      rmSync(configPath, { force: true });
    }
  });

  it.each([
    [['/no/such/file.json'], '', 'cannot read /no/such/file.json: no such file'],
    [['-'], '', 'stdin is empty: expected JSON events'],
    [['-'], '{"a":', 'stdin is not valid JSON'],
    [['-'], '{"a":1}\n{"b":', 'stdin line 2: not valid JSON'],
    [['-'], '{"hello":"world"}', 'stdin: unrecognized event shape (keys: hello)'],
    [[], '', 'expected exactly one events file'],
  ])('bad input %j → one line, exit 2', async (args, stdin, message) => {
    // Act
    const run = await runCli(command, args, stdin);
    // Assert
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});
