import { readFileSync } from 'node:fs';
import { FirebreakError } from '../lambdas/core/errors.js';
import { UsageError, type CliIo } from './commands/command.js';
import { COMMANDS } from './commands/registry.js';

/** The process's own streams; tests pass their own CliIo and read what a command printed. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  stdin: async () => readFileSync(0, 'utf8'),
};

/** The command list with each command's summary (loading every command: help is the one place that needs them all). */
async function help(): Promise<string> {
  const names = Object.keys(COMMANDS).sort();
  const commands = await Promise.all(names.map((name) => COMMANDS[name]!()));
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name, i) => `  ${name.padEnd(width)}  ${commands[i]!.summary}`);
  return ['usage: firebreak <command> [options]', '', 'commands:', ...lines, '', 'firebreak help <command> shows its usage.'].join('\n');
}

/**
 * Runs one command and returns its exit code; every failure becomes one line on stderr and a non-zero exit, never a stack
 * trace (FIREBREAK_DEBUG=1 adds the stack of an unexpected error). Importable without side effects, so tests run the CLI
 * in-process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(await help());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const load = rest[0] ? COMMANDS[rest[0]] : undefined;
    io.stdout(load ? (await load()).usage : await help());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`firebreak: unknown command '${name}' (commands: ${Object.keys(COMMANDS).sort().join(', ')})`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`firebreak ${name}: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    if (error instanceof FirebreakError) {
      io.stderr(`firebreak ${name}: ${oneLine(error.message)}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`firebreak ${name}: unexpected error: ${oneLine(message)}${process.env.FIREBREAK_DEBUG ? `\n${(error as Error).stack}` : ''}`);
    return 1;
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
