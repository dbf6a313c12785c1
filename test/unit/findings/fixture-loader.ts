import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Repository fixtures only (test/fixtures): tests read nothing outside the repository. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export function readFixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, relativePath), 'utf8'));
}

/** Panther `*.tests.json` files carry labelled events under `Tests[].Log`. */
export interface PantherTest {
  Name: string;
  ExpectedResult: boolean;
  Log: Record<string, unknown>;
}

export function pantherTests(relativePath: string): PantherTest[] {
  return (readFixture(relativePath) as { Tests: PantherTest[] }).Tests;
}
