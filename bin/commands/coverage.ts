import { routingCoverage, type CoverageRow } from '../../lambdas/core/routing/coverage.js';
import { UsageError, type CliCommand } from './command.js';
import { parseCommandArgs } from './workflow-backend.js';

const USAGE = 'firebreak coverage [--json] [--source guardduty|asff-control|asff-product|rule] [--notify-only]';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(rows: readonly CoverageRow[]): string {
  const width = Math.max(...rows.map((r) => r.key.length), 10);
  return rows
    .map((r) => `${pad(r.key, width)}  ${pad(r.playbook, 21)}${r.effective !== r.playbook ? ` (runs: ${r.effective})` : ''}${r.escalate ? ' [CRITICAL]' : ''}`)
    .join('\n');
}

/** `firebreak coverage`: the routing table (every GuardDuty type, ASFF control/product and rule id → playbook) and its counts. */
export const command: CliCommand = {
  name: 'coverage',
  summary: 'show which playbook every GuardDuty finding type, Security Hub control and detection rule is routed to',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean', default: false },
      source: { type: 'string' },
      'notify-only': { type: 'boolean', default: false },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const sources = ['guardduty', 'asff-control', 'asff-product', 'rule'];
    if (values.source !== undefined && !sources.includes(values.source)) throw new UsageError(`--source '${values.source}': expected one of ${sources.join(', ')}`);
    const coverage = routingCoverage();
    const rows = coverage.rows.filter((r) => (!values.source || r.source === values.source) && (!values['notify-only'] || r.playbook === 'notify-only'));
    if (values.json) {
      io.stdout(JSON.stringify({ counts: coverage.counts, rows }, null, 2));
      return 0;
    }
    const { counts } = coverage;
    const lines: string[] = [];
    for (const source of sources) {
      const group = rows.filter((r) => r.source === source);
      if (group.length === 0) continue;
      lines.push(`${source} (${group.length})`, table(group), '');
    }
    lines.push(
      `GuardDuty finding types: ${counts.guardDutyTypes}, routed to a containment playbook: ${counts.guardDutyContained}, notify only: ${counts.guardDutyNotifyOnly}`,
      `by playbook: ${Object.entries(counts.byPlaybook).map(([p, n]) => `${p} ${n}`).join(', ')}`,
      `by resource: ${Object.entries(counts.byGroup).map(([g, c]) => `${g} ${c.contained}/${c.total}`).join(', ')}`,
      `Security Hub controls: ${counts.asffControls}, products: ${counts.asffProducts}, detection rules: ${counts.rules}`,
      `playbooks deployed in this version: ${counts.deployedPlaybooks.join(', ')}; anything else: notify only`,
    );
    io.stdout(lines.join('\n'));
    return 0;
  },
};
