/**
 * ATT&CK tactic ids and the names Sigma uses in tags (`attack.credential_access`). Findings carry tactic ids (TA0006)
 * and technique ids (T1078.004), which are stable where names are not.
 */
export const ATTACK_TACTICS = {
  reconnaissance: 'TA0043',
  resource_development: 'TA0042',
  initial_access: 'TA0001',
  execution: 'TA0002',
  persistence: 'TA0003',
  privilege_escalation: 'TA0004',
  defense_evasion: 'TA0005',
  credential_access: 'TA0006',
  discovery: 'TA0007',
  lateral_movement: 'TA0008',
  collection: 'TA0009',
  exfiltration: 'TA0010',
  command_and_control: 'TA0011',
  impact: 'TA0040',
} as const;

/**
 * GuardDuty's finding-type prefix is its "threat purpose". The mapping follows the GuardDuty user guide's descriptions
 * (Backdoor/Trojan = contacting C&C, CryptoCurrency = resource hijacking, Stealth = hiding activity, UnauthorizedAccess =
 * access by an unauthorized party). Purposes without an ATT&CK counterpart (Behavior, Policy, PenTest, Canary, Object)
 * map to no tactic rather than a guessed one.
 */
const GUARDDUTY_PURPOSE_TACTICS: Readonly<Record<string, readonly string[]>> = {
  Backdoor: [ATTACK_TACTICS.command_and_control],
  CredentialAccess: [ATTACK_TACTICS.credential_access],
  CryptoCurrency: [ATTACK_TACTICS.impact],
  DefenseEvasion: [ATTACK_TACTICS.defense_evasion],
  Discovery: [ATTACK_TACTICS.discovery],
  Execution: [ATTACK_TACTICS.execution],
  Exfiltration: [ATTACK_TACTICS.exfiltration],
  Impact: [ATTACK_TACTICS.impact],
  InitialAccess: [ATTACK_TACTICS.initial_access],
  Persistence: [ATTACK_TACTICS.persistence],
  PrivilegeEscalation: [ATTACK_TACTICS.privilege_escalation],
  Recon: [ATTACK_TACTICS.reconnaissance],
  Stealth: [ATTACK_TACTICS.defense_evasion],
  Trojan: [ATTACK_TACTICS.command_and_control],
  UnauthorizedAccess: [ATTACK_TACTICS.initial_access],
};

export function tacticsForGuardDutyType(type: string): string[] {
  const purpose = type.split(':', 1)[0] ?? '';
  return [...(GUARDDUTY_PURPOSE_TACTICS[purpose] ?? [])];
}

/** Technique ids mentioned in free text (attack-sequence descriptions list "T1562.008 - Impair Defenses ..."). */
export function techniquesInText(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\bT\d{4}(?:\.\d{3})?\b/g)) found.add(match[0]);
  return [...found];
}

/** Tactic names as written in prose (attack sequences: "5 MITRE ATT&CK tactics observed: Persistence, ..."). */
export function tacticsInText(text: string): string[] {
  const found = new Set<string>();
  const line = /tactics observed:([^\n]*)/i.exec(text)?.[1];
  if (!line) return [];
  for (const name of line.split(',')) {
    const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_') as keyof typeof ATTACK_TACTICS;
    const id = ATTACK_TACTICS[key];
    if (id) found.add(id);
  }
  return [...found];
}
