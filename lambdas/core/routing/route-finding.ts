import { PLAYBOOK_IDS, type PlaybookId } from '../config/firebreak-config.js';
import type { Finding } from '../findings/finding.js';
import {
  ASFF_CONTROL_ROUTES,
  ASFF_PRODUCT_ROUTES,
  GUARDDUTY_RESOURCE_ROUTES,
  GUARDDUTY_TYPE_ROUTES,
  RESOURCE_CLASS_ROUTES,
  RULE_ROUTES,
  type RouteRule,
} from './routing-table.js';

export interface Route {
  playbook: PlaybookId | 'notify-only';
  reason: string;
  /** Raise the incident to CRITICAL whatever the product said (root activity). */
  escalate?: 'CRITICAL';
  /** Which table entry decided (`guardduty-type`, `asff-control:S3.2`, `rule:<id>`, ...), for `firebreak coverage` and the timeline. */
  matchedBy: string;
}

/**
 * GuardDuty findings seen through Security Hub carry the type in ASFF form:
 * `TTPs/Initial Access/UnauthorizedAccess:IAMUser-TorIPCaller` → `UnauthorizedAccess:IAMUser/TorIPCaller`.
 */
export function nativeGuardDutyType(type: string): string {
  const last = type.split('/').at(-1) ?? type;
  if (type.includes('/') && /^[A-Za-z]+:[A-Za-z0-9]+-/.test(last)) return last.replace(/^([A-Za-z]+:[A-Za-z0-9]+)-/, '$1/');
  return type;
}

/**
 * `security-control/S3.2`, `aws-foundational-security-best-practices/v/1.0.0/S3.2`, `S3.2` → `S3.2`;
 * CIS (`arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/4.1`, `cis-aws-foundations-benchmark/v/1.2.0/4.1`)
 * → `cis-1.2.0/4.1`.
 */
export function asffControlKey(type: string): string | undefined {
  const cis = /cis-aws-foundations-benchmark\/v\/([\d.]+)\/(?:rule\/)?(\d+\.\d+)$/.exec(type);
  if (cis) return `cis-${cis[1]}/${cis[2]}`;
  const control = /(?:^|\/)([A-Za-z][A-Za-z0-9]*\.\d+)$/.exec(type);
  return control?.[1];
}

export function guardDutyResourcePart(type: string): string {
  return type.split(':')[1]?.split('/')[0] ?? '';
}

/** The table entry for a GuardDuty type (exact type first, then its resource part). */
export function guardDutyRule(type: string): { rule: RouteRule; matchedBy: string } | undefined {
  const exact = GUARDDUTY_TYPE_ROUTES[type];
  if (exact) return { rule: exact, matchedBy: `guardduty-type:${type}` };
  const part = guardDutyResourcePart(type);
  const byResource = GUARDDUTY_RESOURCE_ROUTES[part];
  return byResource ? { rule: byResource, matchedBy: `guardduty-resource:${part}` } : undefined;
}

function tableRule(finding: Finding): { rule: RouteRule; matchedBy: string } {
  if (finding.principal?.type === 'Root') {
    return { rule: RESOURCE_CLASS_ROUTES.Root!, matchedBy: 'principal:Root' };
  }
  if (finding.source === 'cloudtrail' || finding.ruleId) {
    const id = finding.ruleId ?? finding.type;
    const rule = RULE_ROUTES[id];
    if (rule) return { rule, matchedBy: `rule:${id}` };
  }
  if (finding.product === 'GuardDuty') {
    const found = guardDutyRule(nativeGuardDutyType(finding.type));
    if (found) return found;
  }
  if (finding.source === 'securityhub') {
    // Legacy CIS findings carry only the rule number (`4.1`) as their type; the standard is in the ASFF Id.
    const cis = /cis-aws-foundations-benchmark\/v\/([\d.]+)\/(\d+\.\d+)\/finding\//.exec(finding.productRefs.asffId ?? '');
    const control = asffControlKey(finding.type) ?? (cis ? `cis-${cis[1]}/${cis[2]}` : undefined);
    const byControl = control ? ASFF_CONTROL_ROUTES[control] : undefined;
    if (byControl) return { rule: byControl, matchedBy: `asff-control:${control}` };
    const byProduct = ASFF_PRODUCT_ROUTES[finding.product];
    if (byProduct) return { rule: byProduct, matchedBy: `asff-product:${finding.product}` };
  }
  return { rule: RESOURCE_CLASS_ROUTES[finding.resourceClass] ?? RESOURCE_CLASS_ROUTES.Other!, matchedBy: `resource-class:${finding.resourceClass}` };
}

function isDeployed(playbook: string): playbook is PlaybookId {
  return (PLAYBOOK_IDS as readonly string[]).includes(playbook);
}

/** Finding → playbook. Unknown kinds, and playbooks not deployed in this version, fall back to notify-only. */
export function routeFinding(finding: Finding): Route {
  const { rule, matchedBy } = tableRule(finding);
  const escalate = rule.escalate ? { escalate: rule.escalate } : {};
  if (rule.playbook === 'notify-only') return { playbook: 'notify-only', reason: rule.reason, matchedBy, ...escalate };
  if (!isDeployed(rule.playbook)) {
    return { playbook: 'notify-only', reason: `${rule.reason} (playbook ${rule.playbook} is not available in this version: notify only)`, matchedBy, ...escalate };
  }
  return { playbook: rule.playbook, reason: rule.reason, matchedBy, ...escalate };
}
