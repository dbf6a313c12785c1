import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { IncidentSchema, type Incident } from '../../../lambdas/core/incidents/incident.js';

/**
 * The demo GuardDuty finding (test/fixtures/integration/guardduty-iam-credential-finding.json, the corpus TorIPCaller envelope
 * with a concrete IAM user and key; provenance in test/fixtures/SOURCES.md) run through the real detection path.
 */
export async function detectedCredentialFinding(): Promise<Finding> {
  const path = fileURLToPath(new URL('../../fixtures/integration/guardduty-iam-credential-finding.json', import.meta.url));
  const outcome = await detectEvents(JSON.parse(readFileSync(path, 'utf8')), { config: parseFirebreakConfig({}), now: new Date('2026-11-25T10:00:00.000Z') });
  if (outcome.kind !== 'detected' || outcome.findings.length !== 1) throw new Error(`fixture not detected as one finding: ${JSON.stringify(outcome)}`);
  return outcome.findings[0]!.finding;
}

/** An incident as the repository stores it for that finding (fields as openOrJoin writes them). */
export function incidentOf(finding: Finding, overrides: Partial<Incident> = {}): Incident {
  return IncidentSchema.parse({
    incidentId: 'inc-7f3a9c2e5b1d4e8fa0c6',
    accountId: finding.accountId,
    region: finding.region,
    status: 'open',
    severity: finding.severity.label,
    riskScore: 80,
    title: finding.title,
    playbook: 'credential-compromise',
    mode: 'approve',
    correlationKey: 'accesskey:AKIAIOSFODNN7EXAMPLE',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    findingKeys: [finding.dedupKey],
    primaryFinding: finding,
    lastSeenAt: finding.lastSeen,
    occurrences: 1,
    version: 1,
    // retentionDays 365 from createdAt (2027-11-25T10:00:00Z).
    expiresAt: 1_827_136_800,
    ...overrides,
  });
}
