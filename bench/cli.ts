/**
 * CLI start-up: wall time and peak RSS of `hwsweep --help`, `status` and `sql "select 1"` (services up), through the
 * compiled bin (dist/, what `npx hwsweep` runs after `npm ci`) and through tsx on the sources (the fallback, and how
 * the bin ran before it was compiled). Median of `--runs` runs (default 7) after one warm-up run each.
 *
 *   npm run bench:cli                    # table
 *   npm run bench:cli -- --runs 11 --json
 *
 * Uses the embedded services of HWSWEEP_* (started if down, stopped again at the end if this started them).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integerArg } from '../src/cli/args.js';
import { loadSettings, servicesDown, servicesStatus, servicesUp } from '../src/services/index.js';
import { PACKAGE_ROOT } from '../src/shared/package-root.js';
import { median, progressLog } from './report.js';

const json = process.argv.includes('--json');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? integerArg('--runs', 1)(process.argv[runsArg + 1] ?? '') : 7;
const log = progressLog(json);

// Peak RSS of the child, written by the child itself at exit (no dependency on GNU time).
const rssDir = mkdtempSync(join(tmpdir(), 'hwsweep-bench-cli-'));
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.HWSWEEP_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));`,
)}`;

interface Sample {
  wallMs: number;
  rssKb: number;
}

function runOnce(args: string[], i: number): Promise<Sample> {
  const rssFile = join(rssDir, `rss-${i}`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, ...args], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, HWSWEEP_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${err.trim()}`));
      resolve({ wallMs, rssKb: Number(readFileSync(rssFile, 'utf8')) });
    });
  });
}


async function measure(args: string[]): Promise<{ wallS: number; rssMb: number; minS: number }> {
  await runOnce(args, -1); // warm-up: file cache, V8 code cache
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await runOnce(args, i));
  const walls = samples.map((s) => s.wallMs);
  return { wallS: median(walls) / 1000, minS: Math.min(...walls) / 1000, rssMb: median(samples.map((s) => s.rssKb)) / 1024 };
}

// The compiled bin falls back to tsx when dist/ is older than the sources: build first so it measures dist/.
const compiledMain = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
const probe = spawnSync(process.execPath, ['bin/hwsweep.js', '--debug', '--help'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
if (!existsSync(compiledMain) || probe.stderr.includes('through tsx')) {
  log('dist/ is missing or stale: npm run build');
  const b = spawnSync('npm', ['run', 'build'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('npm run build failed');
}

const settings = loadSettings();
const wasUp = (await servicesStatus(settings)).every((h) => h.healthy);
if (!wasUp) await servicesUp(settings, log);

const paths = {
  compiled: ['bin/hwsweep.js'],
  tsx: ['--import', 'tsx', 'src/cli/main.ts'],
} as const;
const commands: { name: string; args: string[] }[] = [
  { name: '--help', args: ['--help'] },
  { name: 'status', args: ['status'] },
  { name: 'sql "select 1"', args: ['sql', 'select 1'] },
];

const rows: Record<string, string>[] = [];
const result: Record<string, Record<string, { wall_s: number; min_s: number; rss_mb: number }>> = {};
try {
  for (const c of commands) {
    for (const [path, prefix] of Object.entries(paths)) {
      const m = await measure([...prefix, ...c.args]);
      (result[c.name] ??= {})[path] = { wall_s: m.wallS, min_s: m.minS, rss_mb: m.rssMb };
      rows.push({ command: c.name, path, 'median wall (s)': m.wallS.toFixed(3), 'min wall (s)': m.minS.toFixed(3), 'peak RSS (MB)': m.rssMb.toFixed(0) });
      log(`${c.name} via ${path}: ${m.wallS.toFixed(3)} s, ${m.rssMb.toFixed(0)} MB`);
    }
  }
} finally {
  if (!wasUp) await servicesDown(settings);
  rmSync(rssDir, { recursive: true, force: true });
}

const distAge = statSync(compiledMain).mtime.toISOString();
const os = await import('node:os');
const load = Number(os.loadavg()[0]!.toFixed(1)); // start-up times scale with it: other jobs share the cores
if (json) console.log(JSON.stringify({ runs: RUNS, dist_built: distAge, cores: os.availableParallelism(), load_average_1m: load, results: result }));
else {
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c]!.length)));
  console.log(`\nhwsweep start-up, median of ${RUNS} runs (target: < 0.3 s wall for --help, status, sql); 1-minute load average ${load} on ${os.availableParallelism()} cores`);
  console.log(cols.map((c, i) => c.padEnd(width[i]!)).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => r[c]!.padEnd(width[i]!)).join('  '));
}
