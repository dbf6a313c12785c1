import type { EvidenceAspect } from './incident-evidence.js';

/** Compliance frameworks whose requirements Firebreak maps its incident evidence to (the config schema accepts exactly these). */
export const COMPLIANCE_FRAMEWORKS = ['none', 'nist-800-61', 'pci-dss-4', 'soc2'] as const;
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];
export type MappedFramework = Exclude<ComplianceFramework, 'none'>;

/** One requirement (or phase) of a framework and the aspects of an incident's record that evidence it. */
export interface ComplianceRequirement {
  /** The framework's own reference: section, requirement number or criterion. */
  readonly ref: string;
  readonly title: string;
  readonly aspects: readonly EvidenceAspect[];
}

export interface FrameworkMapping {
  readonly name: string;
  /** What requirements are called in this framework (phases, requirements, criteria). */
  readonly units: string;
  readonly requirements: readonly ComplianceRequirement[];
}

/**
 * The mappings. References are to the published texts: NIST SP 800-61 Rev. 2 section 3 (the incident response life cycle),
 * PCI DSS v4.0 requirements 12.10.x (incident response plan) and 10.x (audit logs), and the AICPA 2017 Trust Services Criteria
 * CC7.3-CC7.5 (SOC 2 system operations). Only requirements an incident's own record can evidence are listed: a framework's
 * organisational requirements (training, annual plan tests) are outside what one incident shows.
 */
export const FRAMEWORK_MAPPINGS: Readonly<Record<MappedFramework, FrameworkMapping>> = {
  'nist-800-61': {
    name: 'NIST SP 800-61r2',
    units: 'phases',
    requirements: [
      { ref: '3.1', title: 'Preparation', aspects: ['response-procedure'] },
      { ref: '3.2', title: 'Detection & Analysis', aspects: ['detection', 'triage', 'communication', 'audit-trail'] },
      { ref: '3.3', title: 'Containment, Eradication & Recovery', aspects: ['containment', 'recovery'] },
      { ref: '3.4', title: 'Post-Incident Activity', aspects: ['lessons-learned', 'response-metrics', 'retention'] },
    ],
  },
  'pci-dss-4': {
    name: 'PCI DSS v4.0',
    units: 'requirements',
    requirements: [
      { ref: '12.10.1', title: 'Incident response plan exists and is activated for a suspected or confirmed incident', aspects: ['response-procedure', 'communication'] },
      { ref: '12.10.3', title: 'Designated personnel available to respond to incidents', aspects: ['triage'] },
      { ref: '12.10.5', title: 'Plan covers monitoring and responding to alerts from security monitoring systems', aspects: ['detection', 'containment'] },
      { ref: '12.10.6', title: 'Plan is modified according to lessons learned', aspects: ['lessons-learned', 'recovery'] },
      { ref: '10.2.1, 10.2.2', title: 'Audit logs capture user identity, event type, time, outcome and affected resource', aspects: ['audit-trail'] },
      { ref: '10.5.1', title: 'Audit log history retained for at least 12 months', aspects: ['retention-12-months'] },
      { ref: '10.7.2, 10.7.3', title: 'Failures of critical security control systems are detected, alerted and responded to promptly', aspects: ['security-control-failure'] },
    ],
  },
  soc2: {
    name: 'SOC 2 (Trust Services Criteria 2017)',
    units: 'criteria',
    requirements: [
      { ref: 'CC7.3', title: 'Security events are evaluated to determine whether they are security incidents', aspects: ['detection', 'triage'] },
      { ref: 'CC7.4', title: 'Security incidents are responded to: understood, contained, remediated and communicated', aspects: ['response-procedure', 'containment', 'communication', 'audit-trail'] },
      { ref: 'CC7.5', title: 'Activities to recover from security incidents are identified and carried out', aspects: ['recovery', 'lessons-learned', 'response-metrics'] },
    ],
  },
};
