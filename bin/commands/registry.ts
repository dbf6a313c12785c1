import type { CliCommand } from './command.js';

/**
 * Every subcommand, loaded lazily so `firebreak detect` does not pay for the local runtime that `replay` needs.
 * One line per command; keep alphabetical.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  replay: async () => (await import('./replay.js')).command,
};
