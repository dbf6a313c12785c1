import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { configFromObject, loadConfigFile, loadConfigFromContext } from '../../lib/config.js';
import { durationToSeconds } from '../../lambdas/core/config/duration.js';
import { PLAYBOOK_IDS } from '../../lambdas/core/config/firebreak-config.js';

function writeConfig(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-config-'));
  const path = join(dir, 'firebreak.config.json');
  writeFileSync(path, content);
  return path;
}

describe('firebreak config at synth', () => {
  it('loads the shipped example config with its safe defaults', () => {
    // Act
    const loaded = loadConfigFile('firebreak.config.json');

    // Assert
    expect(loaded.config.dryRun).toBe(true);
    expect(loaded.config.severityThreshold).toBe('HIGH');
    expect(loaded.config.responseTimeTarget.critical).toBe(durationToSeconds('15m'));
    expect(loaded.config.playbooks['credential-compromise']?.mode).toBe('approve');
    expect(JSON.parse(loaded.json)).toEqual(JSON.parse(readFileSync('firebreak.config.json', 'utf8')));
  });

  it('fills every default from an empty object: dry-run on, HIGH threshold, 365 days', () => {
    const loaded = configFromObject({});

    expect(loaded.config).toMatchObject({ dryRun: true, severityThreshold: 'HIGH', retentionDays: 365, complianceFramework: 'none' });
    expect(loaded.json).toBe('{}');
  });

  it('reads the file named by context firebreakConfig', () => {
    const path = writeConfig(JSON.stringify({ retentionDays: 30 }));
    const app = new App({ context: { firebreakConfig: path } });

    const loaded = loadConfigFromContext(app.node);

    expect(loaded.config.retentionDays).toBe(30);
    expect(loaded.source).toBe(path);
  });

  it.each([
    [{ playbooks: { 'credential-compromize': { mode: 'auto' } } }, `playbooks: unrecognized key 'credential-compromize' (allowed: ${PLAYBOOK_IDS.join(', ')})`],
    [{ playbooks: { 'credential-compromise': { mode: 'yolo' } } }, 'playbooks.credential-compromise.mode: Invalid option: expected one of "auto"|"approve"|"notify"|"off"'],
    [{ severityThreshold: 'SEVERE' }, 'severityThreshold: Invalid option: expected one of "INFORMATIONAL"|"LOW"|"MEDIUM"|"HIGH"|"CRITICAL"'],
    [{ responseTimeTarget: { urgent: '5m' } }, "responseTimeTarget: unrecognized key 'urgent' (allowed: critical, high, medium, low)"],
    [{ responseTimeTarget: { high: 'an hour' } }, 'responseTimeTarget.high: expected a duration like 30s, 15m, 1h or 2d'],
    [{ retentionDays: 0 }, 'retentionDays: Too small: expected number to be >=1'],
    [{ dryRun: 'no' }, 'dryRun: Invalid input: expected boolean, received string'],
    [{ siemPlatform: 'sentinel' }, "siemPlatform: siemPlatform 'sentinel' is not supported yet (supported: none, ocsf, splunk)"],
    [{ allowlists: { cidrs: ['10.0.0.0'] } }, 'allowlists.cidrs.0: expected a CIDR like 10.0.0.0/8'],
    [{ notifications: { subscriptions: [{ protocol: 'email', endpoint: 'secops' }] } }, 'notifications.subscriptions.0.endpoint: expected an email address for protocol email'],
    [{ notifications: { subscriptions: [{ protocol: 'https', endpoint: 'https://x.example', filter: { sev: ['HIGH'] } }] } }, "notifications.subscriptions.0.filter: unrecognized key 'sev' (allowed: severity, playbook, event)"],
    [{ detection: { pack: ['builtin'] } }, "detection: unrecognized key 'pack' (allowed: packs, disabledRules, correlations)"],
    [{ circuitBreaker: { max: 3 } }, "circuitBreaker: unrecognized key 'max' (allowed: "],
    [{ notifications: { subscriptions: [{ protocol: 'sms', endpoint: '+15555550100', filter: { event: ['paged'] } }] } }, 'notifications.subscriptions.0.filter.event.0: Invalid option: expected one of "opened"|'],
    [{ escalation: {} }, "(root): unrecognized key 'escalation' (allowed: severityThreshold, responseTimeTarget, retentionDays, dryRun"],
  ])('rejects %j naming the key and what is allowed', (input, expected) => {
    expect(() => configFromObject(input, 'firebreak.config.json')).toThrow(expected);
  });

  it('prefixes the message with the file it came from', () => {
    const path = writeConfig(JSON.stringify({ retentionDays: 'forever' }));

    expect(() => loadConfigFile(path)).toThrow(`${path}: invalid firebreak config: retentionDays: Invalid input: expected number, received string`);
  });

  it('fails on a missing file and on invalid JSON with one line naming the file', () => {
    const badJson = writeConfig('{ "dryRun": true,, }');

    expect(() => loadConfigFile('/nonexistent/firebreak.config.json')).toThrow(
      'firebreak config /nonexistent/firebreak.config.json: cannot read file (ENOENT)',
    );
    expect(() => loadConfigFile(badJson)).toThrow(new RegExp(`^firebreak config ${badJson}: invalid JSON \\(`));
  });

  it('rejects a context value that is not a path', () => {
    const app = new App({ context: { firebreakConfig: 42 } });

    expect(() => loadConfigFromContext(app.node)).toThrow('context firebreakConfig: expected a file path, got 42');
  });
});
