/** One CLI subcommand. `run` returns the exit code; it throws a FirebreakError for a one-line, exit-2 failure. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage line(s) shown by `firebreak help <name>` and on a usage error. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Streams are injected so tests can run commands in-process and read what they printed. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: () => Promise<string>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The one input a command reads (a file path, or `-` for stdin): exactly one positional argument. */
export function singleInput(positionals: readonly string[], what: string): string {
  const [source] = positionals;
  if (!source || positionals.length > 1) throw new UsageError(`expected exactly one ${what} (or - for stdin)`);
  return source;
}
