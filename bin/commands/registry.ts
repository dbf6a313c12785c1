import type { CliCommand } from './command.js';

/**
 * Every subcommand, loaded lazily so `firebreak detect` does not pay for the local runtime that `replay` needs.
 * One line per command; keep alphabetical.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  approve: async () => (await import('./approve.js')).command,
  coverage: async () => (await import('./coverage.js')).command,
  detect: async () => (await import('./detect.js')).command,
  incidents: async () => (await import('./incidents.js')).command,
  reject: async () => (await import('./reject.js')).command,
  replay: async () => (await import('./replay.js')).command,
  report: async () => (await import('./report.js')).command,
  rollback: async () => (await import('./rollback.js')).command,
};
