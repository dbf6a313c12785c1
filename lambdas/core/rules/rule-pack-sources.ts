import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRulePack, type RuleSource } from './sigma-compiler.js';
import type { RulePackIR } from './sigma-ir.js';

/**
 * Build-time only (the compile script and the staleness test): reads rule YAML from disk. Lambda code never imports
 * this module; it imports the generated JSON.
 */
export function readRuleSources(dir: string, relativeTo: string): RuleSource[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ file: join(relativeTo, f), text: readFileSync(join(dir, f), 'utf8') }));
}

export interface PackDefinition {
  pack: string;
  /** Directory of *.yml relative to the repository root. */
  dir: string;
  strict: boolean;
  output: string;
}

/** The packs `npm run rules:compile` builds. The built-in pack is strict: one bad rule fails the build. */
export const PACKS: readonly PackDefinition[] = [
  { pack: 'builtin', dir: 'rules', strict: true, output: 'lambdas/core/rules/generated/builtin-pack.json' },
  { pack: 'sigmahq', dir: 'rules/sigmahq', strict: false, output: 'lambdas/core/rules/generated/sigmahq-pack.json' },
];

export function compilePackFromDisk(root: string, definition: PackDefinition): RulePackIR {
  return compileRulePack(readRuleSources(join(root, definition.dir), definition.dir), { pack: definition.pack, strict: definition.strict });
}

export function serializePack(pack: RulePackIR): string {
  return `${JSON.stringify(pack, null, 1)}\n`;
}
