import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../findings/fixture-loader.js';

type Rec = Record<string, unknown>;

const synthetic = JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail/firebreak-synthetic/synthetic-records.json'), 'utf8')) as Record<string, { derivedFrom: string; record: Rec }>;

/** Resolves a fixture reference of test/fixtures/sigma/rule-fixtures.json to the CloudTrail record. */
export function cloudTrailFixture(ref: string): Rec {
  const [kind, rest] = ref.split(':', 2) as [string, string];
  if (kind === 'panther') {
    const [file, index] = rest.split('#') as [string, string];
    const tests = (JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail/panther-analysis-tests', `${file}.tests.json`), 'utf8')) as { Tests: { Log: Rec }[] }).Tests;
    const entry = tests[Number(index)];
    if (!entry) throw new Error(`no test #${index} in ${file}`);
    return entry.Log;
  }
  if (kind === 'synthetic') {
    const entry = synthetic[rest];
    if (!entry) throw new Error(`no synthetic record ${rest}`);
    return entry.record;
  }
  if (kind === 'custodian') return JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail/cloud-custodian-benign', rest), 'utf8')) as Rec;
  throw new Error(`unknown fixture kind in ${ref}`);
}

export const RULE_FIXTURES = JSON.parse(readFileSync(join(FIXTURES, 'sigma/rule-fixtures.json'), 'utf8')) as Record<string, { malicious: string[]; benign: string[] } | string>;
