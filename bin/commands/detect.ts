import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FirebreakError, ValidationError } from '../../lambdas/core/errors.js';
import { parseFirebreakConfig, type FirebreakConfig } from '../../lambdas/core/config/firebreak-config.js';
import { detectEvents, type ScoredFinding } from '../../lambdas/core/detection/detect-events.js';
import { parseEventStream } from '../../lambdas/core/detection/parse-event-stream.js';
import { InMemoryCorrelationWindowStore } from '../../lambdas/core/rules/correlation-window.js';
import { singleInput, UsageError, type CliCommand } from './command.js';

const USAGE = 'firebreak detect <events.json | -> [--config <file>] [--json]';

/** One output line: what a responder (or jq) needs to triage a finding. */
export function findingLine(scored: ScoredFinding): Record<string, unknown> {
  const f = scored.finding;
  const subject = f.principal?.arn ?? f.principal?.userName ?? f.resources[0]?.arn ?? f.resources[0]?.id;
  return {
    rule: f.ruleId ?? f.type,
    type: f.type,
    title: f.title,
    severity: f.severity.label,
    riskScore: scored.riskScore,
    opensIncident: scored.opensIncident,
    attack: [...f.attack.tactics, ...f.attack.techniques],
    subject: subject ?? null,
    resource: f.resources[0]?.id ?? null,
    sourceEventId: f.sourceEventIds[0] ?? null,
    accountId: f.accountId,
    region: f.region,
    sample: f.sample,
    dedupKey: f.dedupKey,
    correlationKey: scored.correlationKey,
  };
}

/**
 * `firebreak detect`: the detect Lambda's engine (normalize → rules → score → suppress) over events from a file or stdin.
 * Correlation rules (brute force, volume) see the whole input through an in-memory window store. Findings go to stdout,
 * one JSON line each; suppressed findings, rejected events and the summary go to stderr.
 */
export const command: CliCommand = {
  name: 'detect',
  summary: 'run detection over events (JSON, array, {"Records":[...]} or NDJSON) and print the findings',
  usage: USAGE,
  async run(args, io) {
    const parsed = parse(args);
    const source = singleInput(parsed.positionals, 'events file');
    const label = source === '-' ? 'stdin' : source;
    const config = parsed.values.config ? await loadConfig(parsed.values.config) : parseFirebreakConfig({});
    const events = parseEventStream(source === '-' ? await io.stdin() : readInput(source), label);

    const windowStore = new InMemoryCorrelationWindowStore();
    const now = new Date();
    const findings: ScoredFinding[] = [];
    const notes: string[] = [];
    let suppressed = 0;
    let rejected = 0;
    for (const [index, event] of events.entries()) {
      const outcome = await detectEvents(event, { config, now, windowStore });
      const where = events.length > 1 ? `event ${index + 1}` : 'event';
      if (outcome.kind === 'rejected') {
        rejected++;
        notes.push(`${where} rejected: ${outcome.reason}`);
        continue;
      }
      for (const r of outcome.rejectedRecords ?? []) {
        rejected++;
        notes.push(`${where} record ${r.index + 1} rejected: ${r.reason}`);
      }
      for (const s of outcome.suppressed) {
        suppressed++;
        notes.push(`suppressed ${s.finding.dedupKey} (${s.finding.type}) by ${s.suppressionId}: ${s.reason}`);
      }
      findings.push(...outcome.findings);
    }
    if (rejected === events.length && findings.length === 0 && suppressed === 0) {
      throw new ValidationError(events.length === 1 ? `${label}: ${notes[0]!.replace(/^event rejected: /, '')}` : `${label}: all ${events.length} events rejected; first: ${notes[0]}`);
    }
    const incidents = findings.filter((f) => f.opensIncident).length;
    const summary = `detect: ${events.length} event${events.length === 1 ? '' : 's'}, ${findings.length} finding${findings.length === 1 ? '' : 's'} (${incidents} at or above ${config.severityThreshold}), ${suppressed} suppressed, ${rejected} rejected`;
    if (parsed.values.json) {
      io.stdout(JSON.stringify({ findings: findings.map(findingLine), notes, summary }, null, 2));
    } else {
      for (const f of findings) io.stdout(JSON.stringify(findingLine(f)));
    }
    for (const note of notes) io.stderr(note);
    io.stderr(summary);
    return 0;
  },
};

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, options: { config: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function loadConfig(path: string): Promise<FirebreakConfig> {
  // lib/config.ts reads and validates the same file `cdk synth` uses; loaded lazily to keep `detect` light.
  const { loadConfigFile } = await import('../../lib/config.js');
  return loadConfigFile(path).config;
}

function readInput(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code ?? String(error);
    throw new FirebreakError(`cannot read ${path}: ${why}`, { cause: error });
  }
}
