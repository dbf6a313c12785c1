/**
 * `npm run rules:compile`: compiles rules/*.yml (strict) and rules/sigmahq/*.yml (optional pack) into JSON modules the
 * detect Lambda imports, so no YAML is parsed at cold start. A malformed built-in rule exits 1 naming the file and reason.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKS, compilePackFromDisk, serializePack } from '../lambdas/core/rules/rule-pack-sources.js';
import { RuleCompileError } from '../lambdas/core/rules/sigma-compiler.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  for (const definition of PACKS) {
    const pack = compilePackFromDisk(root, definition);
    const output = join(root, definition.output);
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, serializePack(pack));
    const detections = pack.rules.filter((r) => r.kind === 'detection').length;
    console.log(`${definition.pack}: ${pack.rules.length} rules (${detections} detection, ${pack.rules.length - detections} correlation), ${pack.skipped.length} skipped → ${definition.output}`);
    for (const skip of pack.skipped) console.log(`  skipped ${skip.file}: ${skip.reason}`);
  }
} catch (error) {
  if (error instanceof RuleCompileError) {
    console.error(`rules:compile failed: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
