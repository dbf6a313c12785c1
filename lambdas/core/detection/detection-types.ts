import type { FirebreakConfig } from '../config/firebreak-config.js';
import type { Finding } from '../findings/finding.js';
import type { CorrelationWindowStore } from '../rules/correlation-window.js';

export interface DetectionOptions {
  config: FirebreakConfig;
  now: Date;
  /** Sigma correlation state (DynamoDB in Lambda, in-memory in the CLI). Without one, correlation rules are skipped. */
  windowStore?: CorrelationWindowStore;
}

export interface ScoredFinding {
  finding: Finding;
  riskScore: number;
  scoreReasons: string[];
  /** Risk, adjusted by context, is at or above `severityThreshold`. */
  opensIncident: boolean;
  correlationKey: string;
}

export interface SuppressedFinding {
  finding: Finding;
  suppressionId: string;
  reason: string;
}

export type DetectionOutcome =
  | { kind: 'rejected'; reason: string }
  | {
      kind: 'detected';
      findings: ScoredFinding[];
      suppressed: SuppressedFinding[];
      /** Records inside a batch (`{"Records": [...]}`, ASFF `findings[]`) that were rejected; the others still count. */
      rejectedRecords?: { index: number; reason: string }[];
      /** What the input was recognized as, e.g. `guardduty`, `securityhub`, `cloudtrail`. */
      inputKind?: string;
    };
