import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES } from './fixture-loader.js';

/** Every file under a fixture directory, relative to test/fixtures. */
export function fixtureFiles(dir: string): string[] {
  const root = join(FIXTURES, dir);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) out.push(relative(FIXTURES, path));
    }
  };
  walk(root);
  return out;
}

/** boto3 cassettes (cloud-custodian `*.ListFindings_1.json`) record datetimes as `{__class__: 'datetime', year, ...}`. */
function reviveRecordedDatetimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveRecordedDatetimes);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  if (obj.__class__ === 'datetime') {
    const n = (k: string) => Number(obj[k] ?? 0);
    return new Date(Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'), Math.floor(n('microsecond') / 1000))).toISOString();
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, reviveRecordedDatetimes(v)]));
}

/**
 * The events a corpus file holds, as Firebreak would receive them. Most files are one event. Two test-harness wrappers
 * are unwrapped, not normalized: Panther `*.tests.json` (events under `Tests[].Log`) and recorded API responses
 * (`{status_code, data: {Findings|findings: [...]}}`, whose items are what the API or EventBridge delivers).
 */
export function corpusInputs(file: string): { label: string; input: unknown }[] {
  const data = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  if (Array.isArray(data.Tests)) {
    return (data.Tests as { Name: string; Log: unknown }[]).map((t) => ({ label: t.Name, input: t.Log }));
  }
  if ('status_code' in data && typeof data.data === 'object' && data.data !== null) {
    const body = reviveRecordedDatetimes(data.data) as Record<string, unknown>;
    const items = (body.Findings ?? body.findings) as unknown[] | undefined;
    return (items ?? []).map((item, i) => ({ label: `item ${i}`, input: item }));
  }
  return [{ label: 'event', input: data }];
}
