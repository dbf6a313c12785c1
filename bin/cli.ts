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

function help(): string {
  const lines = Object.keys(COMMANDS)
    .sort()
    .map((name) => `  ${name}`);
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
    io.stdout(help());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const load = rest[0] ? COMMANDS[rest[0]] : undefined;
    io.stdout(load ? (await load()).usage : help());
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
