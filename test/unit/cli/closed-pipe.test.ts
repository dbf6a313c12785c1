import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// bin/firebreak.ts: piping the CLI into a reader that stops early (`| head`) ends the output without a stack trace.
describe('firebreak CLI with a reader that closes the pipe early', () => {
  it('exits 0 with nothing on stderr when stdout is closed mid-output', () => {
    // Prepare: coverage --json writes ~85 KB, more than a pipe holds, so the write after `head` exits meets EPIPE.
    const script = '{ node bin/firebreak.js coverage --json 2>&3 | head -c 100 >/dev/null; echo "exit=${PIPESTATUS[0]}"; } 3>&2';

    // Act
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });

    // Assert
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('exit=0');
  }, 60_000);
});
