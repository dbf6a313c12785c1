import type { ActionRecord, Incident, TimelineEntry } from '../incidents/incident.js';
import { FRAMEWORK_MAPPINGS, type MappedFramework } from './compliance-framework.js';
import { aspectEvidence } from './incident-evidence.js';

/** evidenced: the record shows everything the requirement asks of one incident; incomplete: something is missing. */
export type RequirementStatus = 'evidenced' | 'incomplete' | 'not applicable';

export interface RequirementAssessment {
  readonly ref: string;
  readonly title: string;
  readonly status: RequirementStatus;
  readonly evidence: readonly string[];
  readonly missing: readonly string[];
}

export interface ComplianceAssessment {
  readonly framework: MappedFramework;
  readonly name: string;
  readonly units: string;
  readonly requirements: readonly RequirementAssessment[];
}

/** Maps one incident's record (incident, actions, timeline) onto the framework's requirements. Pure. */
export function assessCompliance(
  framework: MappedFramework,
  incident: Incident,
  actions: readonly ActionRecord[],
  timeline: readonly TimelineEntry[],
): ComplianceAssessment {
  const mapping = FRAMEWORK_MAPPINGS[framework];
  const record = { incident, actions, timeline };
  return {
    framework,
    name: mapping.name,
    units: mapping.units,
    requirements: mapping.requirements.map((requirement) => {
      const parts = requirement.aspects.map((aspect) => aspectEvidence(aspect, record)).filter((part) => part.applicable);
      const evidence = parts.flatMap((part) => part.evidence);
      const missing = parts.flatMap((part) => part.missing);
      const status: RequirementStatus = parts.length === 0 ? 'not applicable' : missing.length > 0 ? 'incomplete' : 'evidenced';
      return { ref: requirement.ref, title: requirement.title, status, evidence, missing };
    }),
  };
}
