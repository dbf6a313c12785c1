import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../config.js';
import type { CloudFormationTemplate, TemplateTarget } from './template-intrinsics.js';

/**
 * The synthesized template for a config, without paying for CDK when nothing changed: importing aws-cdk-lib and the stack
 * and synthesizing cost most of a `firebreak replay`. Templates are memoized in the process and cached on disk under a key
 * of the config, the target, and a fingerprint (path, size, mtime) of every source file the stack is built from, so any
 * edit to lib/, lambdas/, rules/ or the lockfile synthesizes again. FIREBREAK_SYNTH_CACHE=off always synthesizes.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = ['lib', 'lambdas', 'rules', 'package-lock.json', 'cdk.json'];
const CACHE_DIR = join(tmpdir(), 'firebreak-synth-cache');
const memo = new Map<string, CloudFormationTemplate>();

export async function templateFor(config: LoadedConfig, target: TemplateTarget): Promise<CloudFormationTemplate> {
  const useDisk = process.env.FIREBREAK_SYNTH_CACHE !== 'off';
  const key = createHash('sha256')
    .update(JSON.stringify([config.json, target.accountId, target.region, target.stackName ?? 'Firebreak', useDisk ? sourceFingerprint() : '']))
    .digest('hex');
  const known = memo.get(key) ?? (useDisk ? readCached(key) : undefined);
  if (known) {
    memo.set(key, known);
    return structuredClone(known);
  }
  const { synthesizeFirebreakTemplate } = await import('./synthesize-stack.js');
  const template = synthesizeFirebreakTemplate(config, target);
  memo.set(key, template);
  if (useDisk) writeCached(key, template);
  return structuredClone(template);
}

function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else {
      hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const source of SOURCES) visit(join(ROOT, source));
  return hash.digest('hex');
}

function readCached(key: string): CloudFormationTemplate | undefined {
  try {
    return JSON.parse(readFileSync(join(CACHE_DIR, `${key}.json`), 'utf8')) as CloudFormationTemplate;
  } catch {
    return undefined;
  }
}

function writeCached(key: string, template: CloudFormationTemplate): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a template.
    const partial = join(CACHE_DIR, `${key}.${process.pid}.tmp`);
    writeFileSync(partial, JSON.stringify(template));
    renameSync(partial, join(CACHE_DIR, `${key}.json`));
  } catch {
    // An unwritable temp dir only costs the next run a synth.
  }
}
