import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FirebreakError, ValidationError } from '../../lambdas/core/errors.js';
import { loadConfigFile } from '../../lib/config.js';
import { singleInput, UsageError, type CliCommand } from './command.js';

const USAGE = 'firebreak replay <event.json | -> [--config <file>] [--approve | --reject | --expire] [--reason <text>] [--json]';

/**
 * `firebreak replay`: one event (EventBridge event, bare GuardDuty or ASFF finding, CloudTrail record) through the synthesized
 * rules, the real detect handler, DynamoDB on dynalite and the synthesized playbook, in dry-run. Stops at an approval unless
 * --approve or --reject. Bad input → one line naming the problem, exit 2.
 */
export const command: CliCommand = {
  name: 'replay',
  summary: 'replay an event through the synthesized stack locally (dry run)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parse(args);
    const source = singleInput(parsed.positionals, 'event file');
    const decisions = [parsed.values.approve, parsed.values.reject, parsed.values.expire].filter(Boolean).length;
    if (decisions > 1) throw new UsageError('choose one of --approve, --reject or --expire');
    if (parsed.values.reason && !parsed.values.approve && !parsed.values.reject) throw new UsageError('--reason goes with --approve or --reject');

    const config = parsed.values.config ? loadConfigFile(parsed.values.config) : undefined;
    const event = parseEvent(source === '-' ? await io.stdin() : readEvent(source), source === '-' ? 'stdin' : source);

    // Recognizing the input is cheap: refuse a non-event before paying for synth and the stand-ins.
    const { toReplayEnvelopes } = await import('../../lib/local/replay-event.js');
    toReplayEnvelopes(event);
    // Loaded here, not at the top: `firebreak help` must not pay for CDK and the local stand-ins.
    const { createLocalRuntime } = await import('../../lib/local/local-runtime.js');
    const { renderReplay, replayDocument } = await import('../../lib/local/render-replay.js');
    const runtime = await createLocalRuntime({ ...(config ? { config } : {}) });
    try {
      const result = await runtime.replay(event, {
        approve: parsed.values.approve === true,
        reject: parsed.values.reject === true,
        expire: parsed.values.expire === true,
        ...(parsed.values.reason ? { reason: parsed.values.reason } : {}),
        approver: `local:${process.env.USER ?? 'responder'}`,
      });
      const label = source === '-' ? 'stdin' : source;
      io.stdout(parsed.values.json ? JSON.stringify(replayDocument(result, label), null, 2) : renderReplay(result, label));
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        approve: { type: 'boolean' },
        reject: { type: 'boolean' },
        expire: { type: 'boolean' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readEvent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code ?? String(error);
    throw new FirebreakError(`cannot read ${path}: ${why}`, { cause: error });
  }
}

function parseEvent(text: string, label: string): unknown {
  if (text.trim() === '') throw new ValidationError(`${label} is empty: expected a JSON event`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${label} is not valid JSON (${(error as Error).message})`, [], { cause: error });
  }
}
