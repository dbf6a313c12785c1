import type { Finding } from '../../core/findings/finding.js';
import { asffControlKey, nativeGuardDutyType } from '../../core/routing/route-finding.js';

/** Which findings a defense-restoring action answers: Firebreak rule ids, GuardDuty types, Security Hub control keys. */
export interface FindingKinds {
  readonly rules?: readonly string[];
  readonly guardDutyTypes?: readonly string[];
  readonly controls?: readonly string[];
}

export function findingIsAbout(finding: Finding, kinds: FindingKinds): boolean {
  if (finding.ruleId && kinds.rules?.includes(finding.ruleId)) return true;
  if (kinds.guardDutyTypes?.includes(nativeGuardDutyType(finding.type))) return true;
  const control = asffControlKey(finding.type);
  return Boolean(control && kinds.controls?.includes(control));
}
