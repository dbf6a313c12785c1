import { PLAYBOOK_IDS } from '../config/firebreak-config.js';
import { GUARDDUTY_FINDING_TYPES } from './guardduty-finding-types.js';
import { guardDutyResourcePart, guardDutyRule } from './route-finding.js';
import { ASFF_CONTROL_ROUTES, ASFF_PRODUCT_ROUTES, RULE_ROUTES, type RoutedPlaybook } from './routing-table.js';

export interface CoverageRow {
  readonly source: 'guardduty' | 'asff-control' | 'asff-product' | 'rule';
  /** GuardDuty type, ASFF control id, product name or rule id. */
  readonly key: string;
  /** GuardDuty resource part (IAMUser, EC2 ...) or the control's service. */
  readonly group: string;
  readonly defaultSeverity?: string;
  /** The playbook the table names. */
  readonly playbook: RoutedPlaybook;
  /** What runs in this version: the playbook if it is deployed, else notify-only. */
  readonly effective: RoutedPlaybook;
  readonly reason: string;
  readonly escalate?: 'CRITICAL';
}

export interface Coverage {
  readonly rows: CoverageRow[];
  readonly counts: {
    readonly guardDutyTypes: number;
    readonly guardDutyContained: number;
    readonly guardDutyNotifyOnly: number;
    readonly byPlaybook: Record<string, number>;
    readonly byGroup: Record<string, { total: number; contained: number }>;
    readonly asffControls: number;
    readonly asffProducts: number;
    readonly rules: number;
    readonly deployedPlaybooks: readonly string[];
  };
}

function effective(playbook: RoutedPlaybook): RoutedPlaybook {
  return playbook !== 'notify-only' && (PLAYBOOK_IDS as readonly string[]).includes(playbook) ? playbook : 'notify-only';
}

/** The routing table over every GuardDuty type, ASFF control/product and rule id, with counts (`firebreak coverage`). */
export function routingCoverage(ruleIds: readonly string[] = Object.keys(RULE_ROUTES)): Coverage {
  const rows: CoverageRow[] = [];
  for (const [type, severity] of GUARDDUTY_FINDING_TYPES) {
    const found = guardDutyRule(type);
    const playbook = found?.rule.playbook ?? 'notify-only';
    rows.push({
      source: 'guardduty',
      key: type,
      group: guardDutyResourcePart(type),
      defaultSeverity: severity,
      playbook,
      effective: effective(playbook),
      reason: found?.rule.reason ?? 'no table entry: notify only',
      ...(found?.rule.escalate ? { escalate: found.rule.escalate } : {}),
    });
  }
  for (const [control, rule] of Object.entries(ASFF_CONTROL_ROUTES)) {
    rows.push({ source: 'asff-control', key: control, group: control.split('.')[0] ?? control, playbook: rule.playbook, effective: effective(rule.playbook), reason: rule.reason, ...(rule.escalate ? { escalate: rule.escalate } : {}) });
  }
  for (const [product, rule] of Object.entries(ASFF_PRODUCT_ROUTES)) {
    rows.push({ source: 'asff-product', key: product, group: product, playbook: rule.playbook, effective: effective(rule.playbook), reason: rule.reason });
  }
  for (const id of ruleIds) {
    const rule = RULE_ROUTES[id];
    const playbook = rule?.playbook ?? 'notify-only';
    rows.push({ source: 'rule', key: id, group: 'rule', playbook, effective: effective(playbook), reason: rule?.reason ?? 'no table entry: routed by resource class' });
  }

  const guardDuty = rows.filter((r) => r.source === 'guardduty');
  const byPlaybook: Record<string, number> = {};
  const byGroup: Record<string, { total: number; contained: number }> = {};
  for (const row of guardDuty) {
    byPlaybook[row.playbook] = (byPlaybook[row.playbook] ?? 0) + 1;
    const group = (byGroup[row.group] ??= { total: 0, contained: 0 });
    group.total += 1;
    if (row.playbook !== 'notify-only') group.contained += 1;
  }
  return {
    rows,
    counts: {
      guardDutyTypes: guardDuty.length,
      guardDutyContained: guardDuty.filter((r) => r.playbook !== 'notify-only').length,
      guardDutyNotifyOnly: guardDuty.filter((r) => r.playbook === 'notify-only').length,
      byPlaybook,
      byGroup,
      asffControls: rows.filter((r) => r.source === 'asff-control').length,
      asffProducts: rows.filter((r) => r.source === 'asff-product').length,
      rules: rows.filter((r) => r.source === 'rule').length,
      deployedPlaybooks: [...PLAYBOOK_IDS],
    },
  };
}
