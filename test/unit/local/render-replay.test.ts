import { describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../../lib/local/local-runtime.js';
import { renderReplay } from '../../../lib/local/render-replay.js';

// The "N rules match ... duplicates" note of `firebreak replay` is about one event delivered once per matching rule, not
// about several events (a {"Records": [...]} file) that match one rule each.
const rule = (name: string) => ({ logicalId: name, name, state: 'ENABLED', targets: ['DetectFunction'] });
const input = (eventId: string) => ({ recognizedAs: 'cloudtrail-record', eventId });

function result(inputs: ReplayResult['inputs'], matchedRules: readonly ReturnType<typeof rule>[], findings: unknown[] = []): ReplayResult {
  return {
    inputs,
    matchedRules,
    deliveries: [{ events: inputs.length, findings, failures: [] }],
    incidents: [],
    timeline: [],
    actions: [],
    calls: [],
    notifications: [],
    pendingApprovals: [],
    executions: [],
  } as unknown as ReplayResult;
}

describe('renderReplay: the several-rules note', () => {
  it('says nothing about duplicates when two events match one rule each', () => {
    // Prepare
    const twoEvents = result([input('a'), input('b')], [rule('IngestionCloudTrailWrite1'), rule('IngestionCloudTrailWrite1')]);

    // Act
    const text = renderReplay(twoEvents, 'Records.json');

    // Assert
    expect(text).toContain('Rules:    IngestionCloudTrailWrite1 [ENABLED], IngestionCloudTrailWrite1 [ENABLED]');
    expect(text).not.toContain('duplicates');
  });

  it('names the count when one event matches two rules', () => {
    const text = renderReplay(result([input('a')], [rule('IngestionGuardDutyFindings'), rule('IngestionSecurityHubFindings')]), 'event.json');

    expect(text).toContain('2 rules match: EventBridge invokes the detector once per rule; the repeats are duplicates.');
  });

  it('says an event matches several rules when some event of several does', () => {
    const text = renderReplay(result([input('a'), input('b')], [rule('R1'), rule('R2'), rule('R1')]), 'Records.json');

    expect(text).toContain('an event matches several rules: EventBridge invokes the detector once per rule; the repeats are duplicates.');
  });
});

describe('renderReplay: no incident', () => {
  it('says no detection rule matched when the delivered event produced no finding', () => {
    const text = renderReplay(result([input('a')], [rule('IngestionCloudTrailReadOnly2')]), 'event.json');

    expect(text).toContain('No incident: no detection rule matched the event.');
  });

  it('says the finding stayed below the threshold or was suppressed when there was one', () => {
    const below = { type: 'ec2-instance-connect-key-pushed', riskScore: 30, outcome: 'below-threshold' };

    const text = renderReplay(result([input('a')], [rule('IngestionCloudTrailWrite1')], [below]), 'event.json');

    expect(text).toContain('Finding:  ec2-instance-connect-key-pushed risk 30: below-threshold');
    expect(text).toContain('No incident: the finding stays below the severity threshold or was suppressed.');
  });
});
