import type { ComplianceAssessment } from './compliance-assessment.js';

/**
 * The "Compliance (<framework>)" section of the incident report: per requirement, its status, the evidence from this incident
 * and what is missing, so an auditor reads the gaps first and a responder knows what to record before closing.
 */
export function complianceReportSection(assessment: ComplianceAssessment): string[] {
  const applicable = assessment.requirements.filter((requirement) => requirement.status !== 'not applicable');
  const incomplete = applicable.filter((requirement) => requirement.status === 'incomplete');
  const lines = [
    `## Compliance (${assessment.name})`,
    '',
    incomplete.length === 0
      ? `All ${applicable.length} applicable ${assessment.units} are evidenced by this incident's record.`
      : `${applicable.length - incomplete.length} of ${applicable.length} applicable ${assessment.units} evidenced; incomplete: ${incomplete.map((requirement) => `${requirement.ref} ${requirement.title}`).join('; ')}.`,
    '',
  ];
  for (const requirement of assessment.requirements) {
    lines.push(`### ${requirement.ref} ${requirement.title} — ${requirement.status}`, '');
    if (requirement.status === 'not applicable') {
      lines.push('Nothing to evidence for this incident.', '');
      continue;
    }
    lines.push(...(requirement.evidence.length > 0 ? requirement.evidence.map((line) => `- Evidence: ${line}`) : ['- Evidence: none recorded']));
    lines.push(...requirement.missing.map((line) => `- **Missing:** ${line}`), '');
  }
  return lines;
}
