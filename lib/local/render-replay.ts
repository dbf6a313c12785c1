import type { ReplayCall, ReplayResult } from './local-runtime.js';

/**
 * How `firebreak replay` shows a replay: human text (what matched, the incident, the playbook's progress, what is pending,
 * every AWS call with its exact parameters, the notifications, the timeline) or one JSON document.
 */

/** The `--json` document: at least `incident` (id, status, severity, timeline), `calls`, `notifications`. */
export function replayDocument(result: ReplayResult, source: string): Record<string, unknown> {
  return {
    source,
    dryRun: true,
    inputs: result.inputs,
    matchedRules: result.matchedRules,
    findings: result.deliveries.flatMap((delivery) => delivery.findings),
    incident: result.incident ? { id: result.incident.incidentId, ...result.incident, timeline: result.timeline, actions: result.actions } : null,
    incidents: result.incidents.map((incident) => ({ id: incident.incidentId, status: incident.status, severity: incident.severity, title: incident.title })),
    executions: result.executions,
    outcome: playbookOutcome(result) ?? null,
    pendingApprovals: result.pendingApprovals,
    calls: result.calls,
    notifications: result.notifications,
  };
}

export function renderReplay(result: ReplayResult, source: string): string {
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out(`Firebreak replay of ${source} — local runtime, dry run: nothing in AWS is read or changed`);
  out(`Input:    ${result.inputs.map((input) => `${input.recognizedAs} (event id ${input.eventId})`).join(', ')}`);
  out(`Rules:    ${result.matchedRules.map((rule) => `${rule.name} [${rule.state}]`).join(', ')}`);
  // matchedRules lists each input's rules in turn: several inputs matching one rule each (a {"Records": [...]} file) are
  // one delivery per event; only an event matching more than one rule is delivered again.
  if (result.matchedRules.length > result.inputs.length) {
    const which = result.inputs.length === 1 ? `${result.matchedRules.length} rules match` : 'an event matches several rules';
    out(`          ${which}: EventBridge invokes the detector once per rule; the repeats are duplicates.`);
  }
  for (const finding of result.deliveries.flatMap((delivery) => delivery.findings)) {
    const where = finding.incidentId ? ` → incident ${finding.incidentId}` : '';
    const how = finding.mode ? `, playbook ${finding.route.playbook} (${finding.mode})` : '';
    out(`Finding:  ${finding.type} risk ${finding.riskScore}: ${finding.outcome}${where}${how}${finding.reason ? ` — ${finding.reason}` : ''}`);
  }

  const incident = result.incident;
  out();
  if (!incident) {
    // The EventBridge patterns select by event source and name only, so a delivered event may match no detection rule.
    const found = result.deliveries.some((delivery) => delivery.findings.length > 0);
    out(found ? 'No incident: the finding stays below the severity threshold or was suppressed.' : 'No incident: no detection rule matched the event.');
  } else {
    out(`Incident ${incident.incidentId}: ${incident.status.toUpperCase()}, ${incident.severity} (risk ${incident.riskScore})`);
    out(`  ${incident.title}`);
    const principal = incident.primaryFinding.principal?.arn ?? incident.primaryFinding.principal?.userName;
    out(`  account ${incident.accountId} ${incident.region}${principal ? `, principal ${principal}` : ''}`);
    out(`  playbook ${incident.playbook}, mode ${incident.mode}`);
    for (const other of result.incidents.filter((candidate) => candidate.incidentId !== incident.incidentId)) {
      out(`Also incident ${other.incidentId}: ${other.status.toUpperCase()}, ${other.severity} — ${other.title} (playbook ${other.playbook})`);
    }
  }

  for (const execution of result.executions) {
    const waiting = result.pendingApprovals.length > 0 && execution.status === 'RUNNING';
    const state = waiting ? 'WAITING FOR APPROVAL' : execution.status;
    out(`Playbook: ${state} — ${execution.path.join(' → ')}${execution.error ? ` (${execution.error}: ${execution.cause ?? ''})` : ''}`);
  }

  const outcome = playbookOutcome(result);
  if (outcome === 'dry_run_completed' && incident) {
    out(`Outcome:  DRY RUN — the playbook finished and nothing changed; the incident stays ${incident.status.toUpperCase()}, it is NOT contained`);
  } else if (outcome === 'contained') {
    out('Outcome:  CONTAINED');
  }

  if (result.pendingApprovals.length > 0) {
    out();
    for (const pending of result.pendingApprovals) {
      out(`Pending approval: step ${pending.step} of incident ${pending.incidentId}${pending.validUntil ? `, valid until ${pending.validUntil}` : ''}`);
      if (pending.wouldRun.length > 0) out('  Approving runs (dry run, exact calls):');
      for (const step of pending.wouldRun) {
        const gate = step.requiresApproval ? ' [asks for its own approval first]' : '';
        if (step.status !== 'planned') {
          const why = step.status === 'not-applicable' ? 'does not apply to this finding' : step.status === 'refused' ? `refused: ${step.reason ?? ''}` : 'unknown action';
          out(`    ${step.step} (${step.actionId}): ${why}${gate}`);
          continue;
        }
        out(`    ${step.step} (${step.actionId})${gate}${step.calls.length === 0 ? ': no call' : ''}`);
        for (const call of step.calls) out(`      ${call.service} ${call.operation} ${JSON.stringify(call.params)}`);
      }
    }
    out('  Continue with --approve, or --reject [--reason "..."], or see the timeout path with --expire.');
  }

  out();
  out(`AWS calls (${result.calls.length}):`);
  if (result.calls.length === 0) out('  none');
  for (const call of result.calls) out(`  ${describeCall(call)}`);

  out();
  out(`Notifications (${result.notifications.length}):`);
  if (result.notifications.length === 0) out('  none');
  for (const notification of result.notifications) {
    const attributes = Object.entries(notification.attributes)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    out(`  ${notification.subject ?? '(no subject)'}${attributes ? `  [${attributes}]` : ''}`);
  }

  if (result.timeline.length > 0) {
    out();
    out('Timeline:');
    for (const entry of result.timeline) out(`  ${entry.at}  ${entry.kind.padEnd(20)} ${entry.actor === 'firebreak' ? '' : `${entry.actor}: `}${entry.message}`);
  }
  return lines.join('\n');
}

/** What the replayed playbook run amounted to, from the incident timeline: the latest dry-run end or move to contained. */
function playbookOutcome(result: ReplayResult): 'dry_run_completed' | 'contained' | undefined {
  for (const entry of [...result.timeline].reverse()) {
    if (entry.kind === 'dry_run_completed') return 'dry_run_completed';
    if (entry.kind === 'status_changed' && entry.data?.to === 'contained') return 'contained';
  }
  return undefined;
}

function describeCall(call: ReplayCall): string {
  if (call.origin === 'planned') return `${call.service} ${call.operation} ${JSON.stringify(call.params)}  — would call (dry run, ${call.by})`;
  // Firebreak's own bookkeeping calls carry whole documents (execution input, message bodies): shortened here, exact in --json.
  return `${call.service} ${call.operation} ${JSON.stringify(shorten(call.params))}  — called, answered locally`;
}

const LONG = 160;

function shorten(value: unknown): unknown {
  if (typeof value === 'string') return value.length > LONG ? `${value.slice(0, LONG)}… (${value.length} chars; exact in --json)` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shorten(item)]));
  return value;
}
