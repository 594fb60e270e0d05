#!/usr/bin/env node
/**
 * `npm run bench`: wall time of whole generation jobs (nano T>F, F>T, T>F+L; 50 steps, the studio's default
 * settings) through the real engine:
 *   - Chromium, WASM, 1 and 2 threads: the production build served by `vite preview` (COOP/COEP) on a free port,
 *     a fresh browser per thread count, jobs run in the real engine worker through the `?e2e=1` hooks
 *     (src/e2e-hooks.ts);
 *   - Node, onnxruntime-node CPU, 1 and 2 intra-op threads: the same Engine and pipeline code
 *     (scripts/node-engine.ts, loaded with Vite's SSR module loader), a fresh process per thread count.
 * Per job: total time, time inside session.run (JobResult.timings), the share outside it and that outside time per
 * graph call (the engine's overhead per session.run, which does not depend on how fast the graphs are); peak memory
 * (Chromium: peak RSS of the renderer process, which hosts the page and its workers, via CDP SystemInfo + /proc,
 * and performance.measureUserAgentSpecificMemory(); Node: the kernel's peak RSS, getrusage maxrss).
 * Each direction first runs once at 2 steps (session creation, not timed), then `--warmup` jobs at `--steps` (not in
 * the medians: the engine's JavaScript runs cold until V8 has compiled its loops, which takes a few jobs; the first
 * of them is reported on its own), then `--repeat` times at `--steps`; the table shows the median. The directions
 * share one page or process, so only the first direction's first job is cold; later directions' first jobs start
 * with the shared code already partly optimised (a cold F>T needs `--directions F>T`). Prints a table and writes bench-results.json. No assertions: the issue's targets
 * (Chromium WASM 2 threads within 2.5x of onnxruntime-node 2 threads; ≤ 5% outside session.run) are reported.
 *
 * Options: --steps N (50) --repeat N (1) --warmup N (3) --threads 1,2 --only chromium|node --dist DIR (skip the build and serve
 *          DIR) --out FILE (bench-results.json) --model ID (medcodi-nano) --cancel-flag on|off (on: jobs get a
 *          shared cancel flag as in the studio; off: cancel by message only, as without cross-origin isolation)
 *          --directions T>F,F>T,T>F+L (a subset, e.g. to profile one job) --rounds N (1): run every configuration
 *          N times in turn (Chromium 1, 2 threads, node 1, 2, then again), `--repeat` jobs each time, so that a
 *          machine whose speed drifts over minutes slows every runtime alike. The table pools all rounds' jobs; the
 *          Chromium/node ratio is taken per round (from runs minutes apart, not half an hour) and its median shown.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    steps: { type: 'string', default: '50' },
    repeat: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1,2' },
    only: { type: 'string' },
    dist: { type: 'string' },
    out: { type: 'string', default: 'bench-results.json' },
    model: { type: 'string', default: 'medcodi-nano' },
    'cancel-flag': { type: 'string', default: 'on' },
    directions: { type: 'string', default: 'T>F,F>T,T>F+L' },
    rounds: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '3' },
    'node-child': { type: 'string' },
  },
});
const STEPS = Number(opts.steps);
/** A whole number of at least `min` from an option, or a clear error. */
function countOption(name, min) {
  const value = Number(opts[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} takes a whole number from ${min}, not "${opts[name]}"`);
  return value;
}
const REPEAT = countOption('repeat', 1);
const ROUNDS = countOption('rounds', 1);
const WARMUP = countOption('warmup', 0);
const THREADS = opts.threads.split(',').map(Number);
const MODEL_ID = opts.model;
if (!['on', 'off'].includes(opts['cancel-flag'])) throw new Error(`--cancel-flag is on or off, not ${opts['cancel-flag']}`);
// on: each job gets a shared cancel flag, as the studio's runJob passes one (its loops then yield every 100 ms);
// off: cancel by message only (yields every 16 ms), what a page without cross-origin isolation gets.
const CANCEL_FLAG = opts['cancel-flag'] === 'on';

const ALL_DIRECTIONS = [
  { id: 'T>F', inputs: ['report'], outputs: ['frontal'] },
  { id: 'F>T', inputs: ['frontal'], outputs: ['report'] },
  { id: 'T>F+L', inputs: ['report'], outputs: ['frontal', 'lateral'] },
];
const DIRECTIONS = opts.directions.split(',').map((id) => {
  const direction = ALL_DIRECTIONS.find((d) => d.id === id.trim());
  if (!direction) throw new Error(`--directions takes ${ALL_DIRECTIONS.map((d) => d.id).join(', ')}; got ${id}`);
  return direction;
});

/** The studio's default settings (src/domain/prompt-draft.ts) with a fixed seed. */
function settings(steps) {
  return { steps, guidanceScale: 7.5, seed: 1234, sampler: 'ddim', eta: 1, previewEvery: 10, temperature: 1, topP: 1, maxTokens: 100 };
}

const REPORT = 'FINDINGS: The heart is markedly enlarged. No consolidation. There is no pleural effusion. IMPRESSION: Severe cardiomegaly.';

/** A 64x64 grey phantom (plain numbers, so it crosses page.evaluate). */
function phantom(size = 64) {
  const pixels = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2, (y - size / 2) * 0.8) / (size / 2);
      pixels.push(r < 0.8 ? Math.round(200 * (1 - r * 0.5)) : 10);
    }
  }
  return { width: size, height: size, pixels };
}

/** A JSON-able request (images as number arrays), as src/e2e-hooks.ts takes it. */
function request(direction, steps) {
  return {
    modelId: MODEL_ID,
    inputs: direction.inputs.map((m) => (m === 'report' ? { modality: m, weight: 1, text: REPORT } : { modality: m, weight: 1, ...phantom() })),
    outputs: direction.outputs,
    settings: settings(steps),
    cancelFlag: CANCEL_FLAG,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const PHASES = ['prepare', 'encode', 'denoise', 'decode', 'finish'];

const shareOutside = (r) => (r.totalMs - r.sessionRunMs) / r.totalMs;

/**
 * Median of the timed runs of one direction; `outsideByPhase`: median ms outside session.run per job phase.
 * `firstRuns`: the first full-length job of this direction in each round (the first warm-up job), reported on its own.
 */
function summarise(direction, runs, firstRuns = []) {
  const totalMs = median(runs.map((r) => r.totalMs));
  const sessionRunMs = median(runs.map((r) => r.sessionRunMs));
  const outsideByPhase = Object.fromEntries(
    PHASES.map((p) => [p, median(runs.map((r) => {
      const t = r.phases.find((x) => x.phase === p);
      return t ? t.wallMs - t.sessionRunMs : 0;
    }))]),
  );
  // the part of the outside time spent waiting in the loops' event-loop yields
  const yieldMs = median(runs.map((r) => r.phases.reduce((n, x) => n + (x.yieldMs ?? 0), 0)));
  // Outside time per graph call: the engine's own cost, which unlike the share does not grow when the graphs run faster.
  const sessionRuns = median(runs.map((r) => r.sessionRuns ?? 0));
  const outsidePerCallUs = sessionRuns > 0 ? median(runs.map((r) => (1000 * (r.totalMs - r.sessionRunMs)) / (r.sessionRuns ?? 1))) : null;
  // The median of each run's own share, not (median total − median inside) / median total: the two medians can come
  // from different runs, which understated the share (Chromium F>T, 2 threads: 4.7 % that way, 6.1 % per run).
  const outsideShare = median(runs.map(shareOutside));
  const outsideMs = median(runs.map((r) => r.totalMs - r.sessionRunMs));
  const firstJob = firstRuns.length > 0 ? { totalMs: median(firstRuns.map((r) => r.totalMs)), outsideShare: median(firstRuns.map(shareOutside)), runs: firstRuns } : null;
  return { direction, totalMs, sessionRunMs, outsideMs, outsideShare, sessionRuns, outsidePerCallUs, outsideByPhase, yieldMs, runs, firstJob };
}

// ---------------------------------------------------------------------------------------------------------------
// Node: one child process per thread count (clean peak RSS).

async function nodeChild(threads) {
  // Vite's SSR module loader runs the TypeScript sources as they are (kept open: the engine imports lazily). No
  // file watcher: its stat calls ran on this thread between graph runs and were timed as time outside session.run.
  const { createServer: createViteServer } = await import('vite');
  const vite = await createViteServer({ configFile: false, root: ROOT, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false, watch: null } });
  const module = await vite.ssrLoadModule('/scripts/node-engine.ts');
  // Peak RSS from the kernel's high-water mark (getrusage maxrss, kB), read before and after: polling
  // process.memoryUsage() every 10 ms and on every progress event cost time on the thread that runs the jobs.
  const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;
  const baselineRss = maxRssBytes();
  const ignoreProgress = () => undefined;
  const engine = await module.createNodeEngine(threads);
  await engine.prepareModel(MODEL_ID, undefined, ignoreProgress);
  const toEngine = ({ cancelFlag: _flag, ...req }, jobId) => ({
    ...req,
    jobId,
    inputs: req.inputs.map((i) => (i.modality === 'report' ? i : { modality: i.modality, weight: i.weight, image: { width: i.width, height: i.height, pixels: Uint8ClampedArray.from(i.pixels) } })),
  });
  const results = [];
  let job = 0;
  let runtime = '';
  for (const d of DIRECTIONS) {
    await engine.generate(toEngine(request(d, 2), `warm-${++job}`), ignoreProgress);
    const runs = [];
    const warmup = [];
    for (let r = 0; r < WARMUP + REPEAT; r++) {
      const started = performance.now();
      const cancelFlag = CANCEL_FLAG ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
      const result = await engine.generate(toEngine(request(d, STEPS), `bench-${++job}`), ignoreProgress, cancelFlag);
      (r < WARMUP ? warmup : runs).push({ totalMs: result.timings.totalMs, sessionRunMs: result.timings.sessionRunMs, sessionRuns: result.timings.sessionRuns, wallMs: performance.now() - started, steps: result.timings.stepsRun, phases: result.timings.phases ?? [] });
    }
    results.push(summarise(d.id, runs, warmup.slice(0, 1)));
  }
  const report = await engine.runParity({ modelId: MODEL_ID });
  runtime = report.runtime;
  const peak = maxRssBytes();
  await vite.close();
  process.stdout.write(`\n@@RESULT ${JSON.stringify({ threads, runtime, results, peakRssMB: peak / 2 ** 20, baselineRssMB: baselineRss / 2 ** 20 })}\n`);
}

function runNodeChild(threads) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--node-child', String(threads), '--steps', String(STEPS), '--repeat', String(REPEAT), '--warmup', String(WARMUP), '--model', MODEL_ID, '--cancel-flag', opts['cancel-flag'], '--directions', opts.directions], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (code !== 0 || !line) reject(new Error(`node bench (threads ${threads}) exited with ${code}\n${out.slice(-2000)}`));
      else resolvePromise(JSON.parse(line.slice('@@RESULT '.length)));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium: production build + vite preview on a free port, fresh browser per thread count.

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

function run(cmd, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function buildApp() {
  if (opts.dist) {
    const dir = resolve(opts.dist);
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`--dist ${dir} has no index.html`);
    return dir;
  }
  const dir = join(tmpdir(), `medcodi-bench-dist-${process.pid}`);
  console.log(`building the production app into ${dir} …`);
  await run(process.execPath, ['scripts/copy-ort.mjs']);
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error']);
  return dir;
}

async function startPreview(dist) {
  const port = await freePort();
  const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--outDir', dist, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`vite preview did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

function procStatusMB(pid, field) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function chromiumBench(url, threads) {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}?e2e=1`);
    await page.waitForFunction(() => window.__medcodiE2E !== undefined, undefined, { timeout: 30_000 });
    const info = await page.evaluate((t) => window.__medcodiE2E.init({ preferBackend: 'wasm', wasmThreads: t }), threads);
    if (!info.crossOriginIsolated) throw new Error('the page is not cross-origin isolated (COOP/COEP missing?)');
    await page.evaluate((id) => window.__medcodiE2E.prepare(id), MODEL_ID);
    const results = [];
    let backend = '';
    for (const d of DIRECTIONS) {
      await page.evaluate((req) => window.__medcodiE2E.generate(req), request(d, 2));
      const runs = [];
      const warmup = [];
      for (let r = 0; r < WARMUP + REPEAT; r++) {
        const res = await page.evaluate((req) => window.__medcodiE2E.generate(req), request(d, STEPS));
        backend = res.backend;
        (r < WARMUP ? warmup : runs).push({ totalMs: res.timings.totalMs, sessionRunMs: res.timings.sessionRunMs, sessionRuns: res.timings.sessionRuns, wallMs: res.wallMs, steps: res.timings.stepsRun, phases: res.timings.phases ?? [] });
      }
      results.push(summarise(d.id, runs, warmup.slice(0, 1)));
    }
    // Threads as onnxruntime-web reports them (runParity with nothing to check only reports the runtime).
    const parity = await page.evaluate((id) => window.__medcodiE2E.runParity({ modelId: id }), MODEL_ID);
    const uaMemoryBytes = await Promise.race([page.evaluate(() => window.__medcodiE2E.measureMemory()), new Promise((r) => setTimeout(() => r(null), 30_000))]);
    const cdp = await browser.newBrowserCDPSession();
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => ({ pid: p.id, peakMB: procStatusMB(p.id, 'VmHWM') }));
    const rendererPeakMB = Math.max(0, ...renderers.map((r) => r.peakMB ?? 0));
    const pageCdp = await page.context().newCDPSession(page);
    await pageCdp.send('Performance.enable');
    const { metrics } = await pageCdp.send('Performance.getMetrics');
    const jsHeap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? null;
    return {
      threads,
      requestedThreads: threads,
      ortThreads: parity.wasmThreads,
      backend,
      runtime: parity.runtime,
      crossOriginIsolated: info.crossOriginIsolated,
      results,
      rendererPeakRssMB: rendererPeakMB,
      uaMemoryMB: uaMemoryBytes === null ? null : uaMemoryBytes / 2 ** 20,
      mainThreadJsHeapMB: jsHeap === null ? null : jsHeap / 2 ** 20,
    };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const pct = (x) => `${(100 * x).toFixed(1)}%`;

function printTable(chromiumRuns, nodeRuns) {
  const rows = [];
  for (const c of chromiumRuns) for (const r of c.results) rows.push([r.direction, `Chromium WASM`, c.ortThreads ?? c.threads, r]);
  for (const n of nodeRuns) for (const r of n.results) rows.push([r.direction, `onnxruntime-node CPU`, n.threads, r]);
  rows.sort((a, b) => DIRECTIONS.findIndex((d) => d.id === a[0]) - DIRECTIONS.findIndex((d) => d.id === b[0]));
  const header = ['direction', 'runtime', 'threads', 'total', 'in session.run', 'outside', 'outside share', 'graph calls', 'outside per call', 'first full job: total, outside share'];
  const perCall = (r) => (r.outsidePerCallUs === null ? '?' : `${r.outsidePerCallUs.toFixed(0)} µs`);
  const cold = (r) => (r.firstJob ? `${fmt(r.firstJob.totalMs)}, ${pct(r.firstJob.outsideShare)}` : '(no warm-up job)');
  const lines = rows.map(([d, rt, t, r]) => [d, rt, String(t), fmt(r.totalMs), fmt(r.sessionRunMs), fmt(r.outsideMs), pct(r.outsideShare), String(r.sessionRuns), perCall(r), cold(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${row(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));
}

/** Chromium (2 threads) / node (2 threads) per direction, from one round's medians. */
function ratios(chromiumRuns, nodeRuns) {
  const c2 = chromiumRuns.find((c) => c.threads === 2);
  const n2 = nodeRuns.find((n) => n.threads === 2);
  if (!c2 || !n2) return [];
  return DIRECTIONS.map((d) => {
    const c = c2.results.find((r) => r.direction === d.id);
    const n = n2.results.find((r) => r.direction === d.id);
    return { direction: d.id, chromiumMs: c.totalMs, nodeMs: n.totalMs, ratio: c.totalMs / n.totalMs };
  });
}

/** The median over rounds of each direction's ratio, with every round's ratio. */
function ratiosOverRounds(rounds) {
  const perRound = rounds.map((r) => ratios(r.chromium, r.node));
  if (perRound.some((rs) => rs.length === 0)) return [];
  return DIRECTIONS.map((d, i) => {
    const each = perRound.map((rs) => rs[i]);
    return { direction: d.id, chromiumMs: median(each.map((x) => x.chromiumMs)), nodeMs: median(each.map((x) => x.nodeMs)), ratio: median(each.map((x) => x.ratio)), perRound: each.map((x) => x.ratio) };
  });
}

/** One configuration's results over several rounds: every round's jobs pooled, peak memory the highest. */
function poolRounds(perRound) {
  const last = perRound[perRound.length - 1];
  const results = DIRECTIONS.map((d) => {
    const each = perRound.map((x) => x.results.find((r) => r.direction === d.id));
    return summarise(d.id, each.flatMap((r) => r.runs), each.flatMap((r) => r.firstJob?.runs ?? []));
  });
  const peak = (key) => (perRound.some((x) => typeof x[key] === 'number') ? Math.max(...perRound.map((x) => x[key] ?? 0)) : last[key]);
  return { ...last, results, rounds: perRound.length, rendererPeakRssMB: peak('rendererPeakRssMB'), peakRssMB: peak('peakRssMB') };
}

async function main() {
  const started = Date.now();
  /** Per round: the Chromium and node results of each thread count, in THREADS order. */
  const rounds = [];
  const preview = opts.only !== 'node' ? await startPreview(await buildApp()) : null;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const chromium = [];
      const node = [];
      const label = ROUNDS > 1 ? ` (round ${round} of ${ROUNDS})` : '';
      if (preview) {
        for (const t of THREADS) {
          console.log(`Chromium WASM, ${t} thread(s)${label} …`);
          chromium.push(await chromiumBench(preview.url, t));
        }
      }
      if (opts.only !== 'chromium') {
        for (const t of THREADS) {
          console.log(`onnxruntime-node CPU, ${t} thread(s)${label} …`);
          node.push(await runNodeChild(t));
        }
      }
      rounds.push({ chromium, node });
    }
  } finally {
    preview?.stop();
  }
  // Each thread count's results over all rounds (none where the runtime was left out with --only).
  const pooled = (runtime) => THREADS.map((_, i) => rounds.map((r) => r[runtime][i])).filter((xs) => xs.every(Boolean)).map(poolRounds);
  const chromiumRuns = pooled('chromium');
  const nodeRuns = pooled('node');
  printTable(chromiumRuns, nodeRuns);
  const rs = ratiosOverRounds(rounds);
  if (rs.length > 0) {
    const how = ROUNDS > 1 ? ` (median of ${ROUNDS} rounds; each round's ratio in brackets)` : '';
    console.log(`\nChromium WASM (2 threads) / onnxruntime-node CPU (2 threads), target ≤ 2.5x${how}:`);
    for (const r of rs) {
      const each = ROUNDS > 1 ? ` [${r.perRound.map((x) => `${x.toFixed(2)}x`).join(', ')}]` : '';
      console.log(`  ${r.direction.padEnd(6)} ${r.ratio.toFixed(2)}x ${r.ratio <= 2.5 ? 'ok' : 'OVER TARGET'}${each}`);
    }
  }
  console.log(`\nOutside session.run by job phase (median ms; ${PHASES.join(' / ')}):`);
  for (const x of [...chromiumRuns.map((c) => ['Chromium WASM', c.ortThreads ?? c.threads, c]), ...nodeRuns.map((n) => ['onnxruntime-node', n.threads, n])]) {
    for (const r of x[2].results) console.log(`  ${r.direction.padEnd(6)} ${x[0]} ${x[1]} thr: ${PHASES.map((p) => r.outsideByPhase[p].toFixed(1)).join(' / ')} (of all that, event-loop yields: ${r.yieldMs.toFixed(1)})`);
  }
  const worstOutside = Math.max(0, ...[...chromiumRuns, ...nodeRuns].flatMap((x) => x.results.map((r) => r.outsideShare)));
  console.log(`\nLargest share of time outside session.run: ${pct(worstOutside)} (target ≤ 5%) ${worstOutside <= 0.05 ? 'ok' : 'OVER TARGET'}`);
  const worstCold = Math.max(0, ...[...chromiumRuns, ...nodeRuns].flatMap((x) => x.results.map((r) => r.firstJob?.outsideShare ?? 0)));
  if (WARMUP > 0) console.log(`  (after ${WARMUP} warm-up job(s) per direction; the largest share of a direction's first full job: ${pct(worstCold)}, cold only for the first direction)`);
  console.log('\nPeak memory:');
  for (const c of chromiumRuns) {
    console.log(`  Chromium WASM ${c.ortThreads} thread(s): renderer process peak RSS ${c.rendererPeakRssMB.toFixed(0)} MB; measureUserAgentSpecificMemory ${c.uaMemoryMB === null ? 'unavailable' : `${c.uaMemoryMB.toFixed(0)} MB (after the runs)`}; main-thread JS heap ${c.mainThreadJsHeapMB?.toFixed(0) ?? '?'} MB`);
  }
  for (const n of nodeRuns) {
    console.log(`  onnxruntime-node ${n.threads} thread(s): peak RSS ${n.peakRssMB.toFixed(0)} MB (${n.baselineRssMB.toFixed(0)} MB of it before the engine started: Node + Vite's module loader)`);
  }
  const out = resolve(ROOT, opts.out);
  const json = {
    date: new Date().toISOString(),
    model: MODEL_ID,
    steps: STEPS,
    repeat: REPEAT,
    warmup: WARMUP,
    rounds: ROUNDS,
    settings: settings(STEPS),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    chromium: chromiumRuns,
    node: nodeRuns,
    ratiosChromium2VsNode2: rs,
    worstOutsideShare: worstOutside,
    worstFirstJobOutsideShare: WARMUP > 0 ? worstCold : null,
    seconds: (Date.now() - started) / 1000,
  };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${out} (${json.seconds.toFixed(0)} s)`);
}

if (opts['node-child']) {
  await nodeChild(Number(opts['node-child']));
  process.exit(0);
} else {
  await main();
}
