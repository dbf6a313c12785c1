/**
 * `npm run bench` (detection): events per second of normalize + detect over the CloudTrail corpus replicated to at least
 * 100,000 EventBridge events, on one core, next to a baseline that only JSON.parses the same events. Prints both and the
 * ratio (target: detection costs at most 2x the parse), and the heap detection state retains.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { eventBridgeEventFor, loadCloudTrailCorpus } from './cloudtrail-corpus.js';

type DetectionModule = typeof import('./detection-entry.js');

/**
 * The detection code as the Lambda runs it: bundled by esbuild (as NodejsFunction does), not transpiled on the fly by tsx,
 * whose keep-names wrappers around every closure would be measured otherwise.
 */
async function loadBundledDetection(): Promise<{ module: DetectionModule; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));
  const outfile = join(dir, 'detection.mjs');
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'detection-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  const module = (await import(pathToFileURL(outfile).href)) as DetectionModule;
  return { module, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);

function buildEvents(): string[] {
  const corpus = loadCloudTrailCorpus().map(eventBridgeEventFor);
  const out: string[] = [];
  for (let i = 0; out.length < TARGET_EVENTS; i++) {
    const base = corpus[i % corpus.length]!;
    const detail = base.detail as Record<string, unknown>;
    // Distinct ids and times per replica, so dedup keys and correlation windows behave as with real traffic.
    // CloudTrail's own time format: second precision, no milliseconds.
    const time = new Date(Date.parse('2026-03-01T00:00:00Z') + i * 50).toISOString().replace(/\.\d{3}Z$/, 'Z');
    out.push(JSON.stringify({ ...base, id: `bench-${i}`, time, detail: { ...detail, eventID: `bench-${i}`, eventTime: time } }));
  }
  return out;
}

/**
 * CPU seconds (user + system) of this process since `start`: on a shared, loaded machine wall-clock time measures the
 * neighbours; CPU time measures the work. The work is single-threaded (one core); GC helper threads are included.
 */
/** A full collection on demand, so that heap figures measure what is retained, not what awaits collection. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function seconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function main(): Promise<void> {
  const { module, cleanup } = await loadBundledDetection();
  const { detectEvents, parseFirebreakConfig, InMemoryCorrelationWindowStore } = module;
  const events = buildEvents();
  const bytes = events.reduce((n, e) => n + e.length, 0);
  const config = parseFirebreakConfig({});
  const now = new Date();

  // Warm-up: JIT, rule engine construction, zod schema caches.
  let sink = 0;
  for (const e of events.slice(0, 5000)) sink += Object.keys(JSON.parse(e) as object).length;
  const warmStore = new InMemoryCorrelationWindowStore();
  for (const e of events.slice(0, 5000)) await detectEvents(JSON.parse(e), { config, now, windowStore: warmStore });

  // Alternating rounds, best of each: the machine is shared, and the minimum is the least disturbed measurement.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  let parseSeconds = Infinity;
  let detectSeconds = Infinity;
  let statelessSeconds = Infinity;
  let findings = 0;
  let rejected = 0;
  for (let round = 0; round < rounds; round++) {
    const parseStart = process.cpuUsage();
    for (const e of events) sink += Object.keys(JSON.parse(e) as object).length;
    parseSeconds = Math.min(parseSeconds, seconds(parseStart));

    const store = new InMemoryCorrelationWindowStore();
    findings = 0;
    rejected = 0;
    const detectStart = process.cpuUsage();
    for (const e of events) {
      const outcome = await detectEvents(JSON.parse(e), { config, now, windowStore: store });
      if (outcome.kind === 'detected') findings += outcome.findings.length;
      else rejected++;
    }
    detectSeconds = Math.min(detectSeconds, seconds(detectStart));

    // The same without correlation state (single-event rules, scoring, suppression only).
    const statelessStart = process.cpuUsage();
    for (const e of events) await detectEvents(JSON.parse(e), { config, now });
    statelessSeconds = Math.min(statelessSeconds, seconds(statelessStart));
  }

  // Memory, after the timed rounds (a forced collection between them would change what they measure): what detection
  // keeps after one more pass over the events — correlation windows of the last timespan, per-group state, caches.
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const store = new InMemoryCorrelationWindowStore();
  for (const e of events) await detectEvents(JSON.parse(e), { config, now, windowStore: store });
  collectGarbage();
  const retainedBytes = process.memoryUsage().heapUsed - heapBefore;
  const windows = store.windowCount;

  const rate = (s: number) => Math.round(events.length / s).toLocaleString('en-US');
  console.log(`detection bench: ${events.length.toLocaleString('en-US')} CloudTrail EventBridge events (${(bytes / 1e6).toFixed(1)} MB), one core, node ${process.version}, best of ${rounds} rounds, CPU time`);
  console.log(`  JSON.parse only        : ${parseSeconds.toFixed(3)} s  ${rate(parseSeconds)} events/s`);
  console.log(`  parse + normalize + detect (rules, correlations in memory, scoring): ${detectSeconds.toFixed(3)} s  ${rate(detectSeconds)} events/s`);
  console.log(`  ratio detect/parse     : ${(detectSeconds / parseSeconds).toFixed(2)}x (target ≤ 2x); findings ${findings.toLocaleString('en-US')}, rejected ${rejected.toLocaleString('en-US')}`);
  console.log(`  without correlation state: ${statelessSeconds.toFixed(3)} s  ${rate(statelessSeconds)} events/s  ratio ${(statelessSeconds / parseSeconds).toFixed(2)}x`);
  console.log(`  memory: ${(retainedBytes / 1e6).toFixed(1)} MB of heap retained by detection state after ${events.length.toLocaleString('en-US')} events (${windows.toLocaleString('en-US')} correlation windows, per-group state, caches); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB including the ${(bytes / 1e6).toFixed(0)} MB of input held in memory`);
  if (sink < 0) console.log(sink);
  cleanup();
}

await main();
