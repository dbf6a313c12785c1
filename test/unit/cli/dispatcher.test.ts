import { describe, expect, it, vi } from 'vitest';
import type { CliCommand, CliIo } from '../../../bin/commands/command.js';
import { UsageError } from '../../../bin/commands/command.js';
import { ValidationError } from '../../../lambdas/core/errors.js';

// The dispatcher's contract (bin/cli.ts): every failure is one line on stderr and an exit code, never a stack trace.
// The registry is replaced by commands that fail in each way a real command can.
const fake = (name: string, run: CliCommand['run']): CliCommand => ({ name, summary: name, usage: `firebreak ${name} <x>`, run });
vi.mock('../../../bin/commands/registry.js', () => ({
  COMMANDS: {
    ok: async () => fake('ok', async (args, io) => (io.stdout(`ran ${args.join(' ')}`), 0)),
    usage: async () => fake('usage', async () => {
      throw new UsageError('expected one file');
    }),
    invalid: async () => fake('invalid', async () => {
      throw new ValidationError('event.json is not valid JSON (Unexpected end)\nsecond line');
    }),
    crash: async () => fake('crash', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    }),
  },
}));

const { main } = await import('../../../bin/cli.js');

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text), stdin: async () => '' };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('firebreak CLI dispatcher', () => {
  it('runs a command with its arguments and returns its exit code', async () => {
    expect(await run(['ok', 'a', 'b'])).toEqual({ code: 0, stdout: 'ran a b', stderr: '' });
  });

  it('prints the command list and exits 2 without a command; help exits 0; help <command> prints its usage', async () => {
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/^usage: firebreak <command>/);
    const listed = await run(['help']);
    expect(listed.code).toBe(0);
    // Each command with its one-line summary, aligned.
    expect(listed.stdout.split('\n')).toContain('  invalid  invalid');
    expect(listed.stdout.split('\n')).toContain('  ok       ok');
    expect((await run(['help', 'usage'])).stdout).toBe('firebreak usage <x>');
  });

  it('refuses an unknown command in one line naming the known ones', async () => {
    expect(await run(['nope'])).toEqual({ code: 2, stdout: '', stderr: "firebreak: unknown command 'nope' (commands: crash, invalid, ok, usage)" });
  });

  it('turns a usage error into the message plus the usage line, exit 2', async () => {
    expect(await run(['usage'])).toMatchObject({ code: 2, stderr: 'firebreak usage: expected one file\nusage: firebreak usage <x>' });
  });

  it('turns a FirebreakError into one line, exit 2', async () => {
    expect(await run(['invalid'])).toMatchObject({ code: 2, stderr: 'firebreak invalid: event.json is not valid JSON (Unexpected end) second line' });
  });

  it('reports an unexpected error in one line with exit 1, no stack trace', async () => {
    const { code, stderr } = await run(['crash']);
    expect(code).toBe(1);
    expect(stderr).toBe("firebreak crash: unexpected error: Cannot read properties of undefined (reading 'x')");
  });
});
