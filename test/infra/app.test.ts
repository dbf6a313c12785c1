import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

/** Runs the CDK app as `cdk synth` does (tsx, context from CDK_CONTEXT_JSON), without the CLI around it. */
function runApp(context: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-app-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    encoding: 'utf8',
    env: { ...process.env, CDK_VALIDATION: 'false', CDK_OUTDIR: dir, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }) },
    timeout: 60_000,
  });
  return result;
}

describe('bin/app.ts', () => {
  it('refuses an invalid config with one line naming the key and what is allowed, and exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-config-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'firebreak.config.json');
    writeFileSync(path, JSON.stringify({ dryRun: 'no' }));

    const { status, stderr } = runApp({ firebreakConfig: path });

    expect(status).toBe(1);
    expect(stderr).toBe(`firebreak: ${path}: invalid firebreak config: dryRun: Invalid input: expected boolean, received string\n`);
  });
});
