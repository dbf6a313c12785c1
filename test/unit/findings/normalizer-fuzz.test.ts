import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectEvents, type DetectionOutcome } from '../../../lambdas/core/detection/detect-events.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { normalizeAsffFinding } from '../../../lambdas/core/findings/asff/normalize-asff.js';
import { normalizeInspector2Finding } from '../../../lambdas/core/findings/native/normalize-inspector2.js';
import { normalizeAccessAnalyzerFinding } from '../../../lambdas/core/findings/native/normalize-access-analyzer.js';
import { normalizeGenericAwsEvent } from '../../../lambdas/core/findings/native/normalize-generic-event.js';
import { parseEventStream } from '../../../lambdas/core/detection/parse-event-stream.js';
import { InMemoryCorrelationWindowStore } from '../../../lambdas/core/rules/correlation-window.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { corpusInputs } from './corpus-inputs.js';
import { readFixture } from './fixture-loader.js';
import { cloudTrailFixture } from '../rules/cloudtrail-fixtures.js';

const config = parseFirebreakConfig({});
const now = new Date('2026-01-01T00:00:00Z');

/** Real events of every shape: the seeds the mutations start from. */
const SEEDS: unknown[] = [
  readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json'),
  readFixture('guardduty/cloud-custodian/iam-duty-event.json'),
  readFixture('guardduty/aws-samples-waf-acl/gd2acl_test_event.json'),
  readFixture('securityhub/cloud-custodian/event-securityhub-iamkey-finding-action.json'),
  readFixture('securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.1.json'),
  readFixture('securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event0.json'),
  corpusInputs('securityhub/cloud-custodian/test_inspector2_finding__inspector2.ListFindings_1.json')[0]!.input,
  cloudTrailFixture('panther:aws_cloudtrail_stopped#0'),
  cloudTrailFixture('panther:aws_console_login_without_mfa#0'),
  { Records: [cloudTrailFixture('panther:aws_iam_attach_admin_user_policy#0'), cloudTrailFixture('panther:aws_kms_cmk_loss#1')] },
];

type Json = unknown;

/** Paths to every value in a JSON tree (so a mutation can target a nested field). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: Json, path: (string | number)[], replace: (old: Json) => Json | typeof DELETE): Json {
  if (path.length === 0) {
    const r = replace(root);
    return r === DELETE ? undefined : r;
  }
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const r = replace(node[last]);
  if (r === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = r;
  return copy;
}
const DELETE = Symbol('delete');

function lowercaseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(lowercaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), lowercaseKeys(v)]));
}

/** A mutated real event: a field deleted, nulled, re-typed, or the keys lower-cased. */
const mutatedEvent = fc
  .tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.constantFrom('delete', 'null', 'retype', 'lowercase', 'truncate-array'), fc.anything())
  .map(([seed, pick, kind, junk]) => {
    if (kind === 'lowercase') return lowercaseKeys(seed);
    const all = paths(seed);
    const path = all[pick % all.length]!;
    switch (kind) {
      case 'delete':
        return setAt(seed, path, () => DELETE);
      case 'null':
        return setAt(seed, path, () => null);
      case 'truncate-array':
        return setAt(seed, path, (old) => (Array.isArray(old) ? old.slice(0, Math.floor(old.length / 2)) : old));
      default:
        return setAt(seed, path, () => junk);
    }
  });

function assertTyped(outcome: DetectionOutcome) {
  if (outcome.kind === 'rejected') {
    expect(typeof outcome.reason).toBe('string');
    expect(outcome.reason.length).toBeGreaterThan(0);
    expect(outcome.reason).not.toMatch(/^internal error/);
  } else {
    expect(outcome.kind).toBe('detected');
    for (const f of outcome.findings) expect(f.finding.dedupKey.length).toBeGreaterThan(0);
  }
}

describe('normalizers never throw on bad input (fast-check)', () => {
  it('arbitrary JSON values → a typed outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        assertTyped(await detectEvents(value, { config, now, windowStore: new InMemoryCorrelationWindowStore() }));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary JavaScript values (undefined, symbols-free objects, dates, typed arrays) → a typed outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ withDate: true, withTypedArray: true, withMap: true, withSet: true, withBigInt: true }), async (value) => {
        assertTyped(await detectEvents(value, { config, now }));
      }),
      { numRuns: 200 },
    );
  });

  it('real events with a field deleted, nulled, re-typed, arrays truncated or keys lower-cased → a typed outcome', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedEvent, async (event) => {
        assertTyped(await detectEvents(event, { config, now, windowStore: new InMemoryCorrelationWindowStore() }));
      }),
      { numRuns: 600 },
    );
  });

  it('each normalizer on its own returns ok or a reason, never throws', () => {
    const normalizers = [normalizeGuardDutyFinding, normalizeAsffFinding, normalizeInspector2Finding, normalizeAccessAnalyzerFinding, normalizeGenericAwsEvent];
    fc.assert(
      fc.property(mutatedEvent, fc.constantFrom(...normalizers), (event, normalize) => {
        const result = normalize(event as never);
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 600 },
    );
  });

  it('lower-cased keys are rejected with a reason, not half-normalized (ASFF)', async () => {
    const outcome = await detectEvents(lowercaseKeys(SEEDS[4]), { config, now });
    expect(outcome).toEqual({ kind: 'rejected', reason: expect.stringContaining('unrecognized event shape') });
  });

  it('truncated JSON text → ValidationError from the stream parser, never another exception', () => {
    const text = JSON.stringify(SEEDS[1]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length - 1 }), (cut) => {
        expect(() => parseEventStream(text.slice(0, cut), 'stdin')).toThrow(ValidationError);
      }),
      { numRuns: 200 },
    );
  });
});
