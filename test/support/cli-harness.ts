import type { CliCommand, CliIo } from '../../bin/commands/command.js';
import { FirebreakError } from '../../lambdas/core/errors.js';
import { UsageError } from '../../bin/commands/command.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command in-process the way bin/firebreak.ts does (errors become one stderr line and exit 2), capturing output.
 * The dispatcher itself runs main() at import, so its error mapping is mirrored here rather than imported.
 */
export async function runCli(command: CliCommand, args: readonly string[], stdin = ''): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text), stdin: async () => stdin };
  let code: number;
  try {
    code = await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof FirebreakError) {
      err.push(`firebreak ${command.name}: ${error.message}`);
      code = 2;
    } else {
      throw error;
    }
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
