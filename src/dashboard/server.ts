/**
 * `hwsweep dashboard`: a small node:http server over the read-only role. Serves the page (public/), the client
 * (client/*.ts bundled once at start by esbuild, in memory), ECharts from node_modules (no CDN: works offline)
 * and a JSON API that does its aggregation in PostgreSQL; bodies over 8 KiB are gzipped when the client accepts it.
 *
 * API (all GET, JSON unless said):
 * - `/api/sweeps`: every sweep with counts per status and its Temporal UI link
 * - `/api/sweeps/<id>`: counts, the axes that vary (with values), accelerators, speedup factor columns
 * - `/api/sweeps/<id>/trials?sort=<col|speedup:acc>&desc=1&page=0&size=50&status=FAILED&f.<axis>=<value>`: one page
 * - `/api/sweeps/<id>/trials.csv?…`: every filtered row as CSV
 * - `/api/sweeps/<id>/points?…`: chart data for the same filters, as columns (src/dashboard/point-columns.ts)
 * - `/api/sweeps/<id>/marginals?…`: per-value means for the same filters
 * - `/api/trials/<id>`: one trial, its simulations, curves and per-layer data
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { build } from 'esbuild';
import { integerArg } from '../cli/args.js';
import { csv, type Cell } from '../cli/format.js';
import { HwsweepError } from '../errors.js';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { closeReadOnly } from '../store/read-only.js';
import { listSweeps, marginals, sweepSummary, trialDetail, trialPage, trialPointColumnsJson, TRIAL_PAGE_MAX_SIZE, type SweepShape, type SweepSummary, type TrialFilter } from './queries.js';

const DASHBOARD_DIR = join(PACKAGE_ROOT, 'src', 'dashboard');

/** Bundles the browser client (TypeScript, ES module; ECharts stays a global from its own script). */
async function bundleClient(): Promise<string> {
  const out = await build({
    entryPoints: [join(DASHBOARD_DIR, 'client', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: false,
    sourcemap: 'inline',
    external: ['echarts'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function echartsFile(): string {
  return createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
}

/** Filters from the query string: `status=A&status=B`, `f.<axis>=v` (repeatable). */
export function filterFrom(params: URLSearchParams): TrialFilter {
  const axes: Record<string, string[]> = {};
  for (const [k, v] of params) if (k.startsWith('f.')) (axes[k.slice(2)] ??= []).push(v);
  const status = params.getAll('status').filter(Boolean);
  return { ...(status.length ? { status } : {}), axes };
}

/**
 * An integer query parameter in `[min, max]`, read by the CLI's one numeric parser (src/cli/args.ts): the same
 * rules and message (`size = 1e3 is not an integer in [0, 10000]`), as a 400 here.
 */
export function intParam(params: URLSearchParams, name: string, dflt: number, min: number, max?: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return dflt;
  try {
    return integerArg(name, min, max)(raw);
  } catch (err) {
    throw new HwsweepError('INVALID_ARGUMENT', (err as Error).message, { context: { [name]: raw } });
  }
}

interface Reply {
  type: string;
  body: string | Buffer;
  /** The same bytes on every request (the page, the client bundle, ECharts): compressed once, then reused. */
  fixed?: boolean;
}
type Handler = (m: RegExpMatchArray, url: URL) => Promise<Reply>;

const gzipAsync = promisify(gzip);
/** Smaller bodies go out as they are: compressing them saves less than it costs. */
const COMPRESS_MIN_BYTES = 8 * 1024;

/** Whether an `Accept-Encoding` header accepts gzip: `gzip`, or else `*`, listed without `q=0`. */
export function acceptsGzip(header: string | undefined): boolean {
  const quality = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [coding = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    quality.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  return (quality.get('gzip') ?? quality.get('*') ?? 0) > 0;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const json = (v: unknown): Reply => ({ type: JSON_TYPE, body: JSON.stringify(v) });

export interface DashboardServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the dashboard on `host:port` (port 0 = any free port). */
export async function startDashboard(opts: { port?: number; host?: string } = {}): Promise<DashboardServer> {
  const [clientJs, indexHtml, css] = await Promise.all([
    bundleClient(),
    Promise.resolve(readFileSync(join(DASHBOARD_DIR, 'public', 'index.html'), 'utf8')),
    Promise.resolve(readFileSync(join(DASHBOARD_DIR, 'public', 'style.css'), 'utf8')),
  ]);
  const echartsJs = readFileSync(echartsFile());
  // A sweep's axes are fixed when its trials are registered, its accelerators by its spec: remember them briefly
  // instead of every API call re-aggregating the trials. A page load calls four endpoints at once: the summary's own
  // (fresh) computation serves the other three.
  const shapes = new Map<string, { at: number; shape: Promise<SweepShape> }>();
  const freshSummary = (id: string): Promise<SweepSummary> => {
    const shape = sweepSummary(id);
    shapes.set(id, { at: Date.now(), shape });
    shape.catch(() => {
      if (shapes.get(id)?.shape === shape) shapes.delete(id);
    });
    return shape;
  };
  const sweepShape = (id: string): Promise<SweepShape> => {
    const hit = shapes.get(id);
    return hit && Date.now() - hit.at < 10_000 ? hit.shape : freshSummary(id);
  };
  const axesOf = async (id: string): Promise<string[]> => (await sweepShape(id)).axes.map((a) => a.name);

  const routes: [RegExp, Handler][] = [
    [/^\/$/, async () => ({ type: 'text/html; charset=utf-8', body: indexHtml, fixed: true })],
    [/^\/app\.js$/, async () => ({ type: 'text/javascript; charset=utf-8', body: clientJs, fixed: true })],
    [/^\/style\.css$/, async () => ({ type: 'text/css; charset=utf-8', body: css, fixed: true })],
    [/^\/vendor\/echarts\.min\.js$/, async () => ({ type: 'text/javascript; charset=utf-8', body: echartsJs, fixed: true })],
    [/^\/api\/sweeps$/, async () => json(await listSweeps())],
    [/^\/api\/sweeps\/([^/]+)$/, async (m) => json(await freshSummary(decodeURIComponent(m[1]!)))],
    [
      /^\/api\/sweeps\/([^/]+)\/trials(\.csv)?$/,
      async (m, url) => {
        const id = decodeURIComponent(m[1]!);
        const p = url.searchParams;
        const axes = await axesOf(id);
        const asCsv = m[2] === '.csv';
        const page = await trialPage(id, {
          axes,
          filter: filterFrom(p),
          sort: p.get('sort') || 'number',
          desc: p.get('desc') === '1',
          page: asCsv ? 0 : intParam(p, 'page', 0, 0),
          size: asCsv ? 0 : intParam(p, 'size', 50, 0, TRIAL_PAGE_MAX_SIZE),
        });
        if (!asCsv) return json(page);
        const accs = [...new Set(page.rows.flatMap((r) => Object.keys(r['speedups'] as Record<string, number>)))].sort();
        const flat = page.rows.map(({ speedups, ...r }) => ({ ...r, ...Object.fromEntries(accs.map((a) => [`speedup_${a}`, (speedups as Record<string, number>)[a] ?? null])) }));
        return { type: 'text/csv; charset=utf-8', body: `${csv(flat as Record<string, Cell>[])}\n` };
      },
    ],
    [
      /^\/api\/sweeps\/([^/]+)\/points$/,
      async (m, url) => {
        const id = decodeURIComponent(m[1]!);
        return { type: JSON_TYPE, body: await trialPointColumnsJson(await sweepShape(id), filterFrom(url.searchParams)) };
      },
    ],
    [/^\/api\/sweeps\/([^/]+)\/marginals$/, async (m, url) => { const id = decodeURIComponent(m[1]!); return json(await marginals(id, (await sweepShape(id)).axes, filterFrom(url.searchParams))); }],
    [/^\/api\/trials\/([^/]+)$/, async (m) => json(await trialDetail(decodeURIComponent(m[1]!)))],
  ];

  // gzip when the client accepts it: the 10,000-trial points payload is ~1 MB of JSON, ~0.15 MB gzipped.
  const fixedGzip = new Map<string, Promise<Buffer>>();
  async function encoded(req: IncomingMessage, path: string, out: Reply): Promise<{ body: string | Buffer; gzipped: boolean }> {
    const bytes = typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.length;
    if (bytes < COMPRESS_MIN_BYTES || !acceptsGzip(req.headers['accept-encoding'])) return { body: out.body, gzipped: false };
    if (!out.fixed) return { body: await gzipAsync(out.body, { level: constants.Z_BEST_SPEED }), gzipped: true };
    let once = fixedGzip.get(path);
    if (!once) fixedGzip.set(path, (once = gzipAsync(out.body, { level: constants.Z_BEST_COMPRESSION })));
    return { body: await once, gzipped: true };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    for (const [re, h] of routes) {
      const m = url.pathname.match(re);
      if (!m) continue;
      try {
        const out = await h(m, url);
        const { body, gzipped } = await encoded(req, url.pathname, out);
        res.writeHead(200, {
          'content-type': out.type,
          'cache-control': 'no-store',
          vary: 'accept-encoding',
          ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch (err) {
        const bad = err instanceof HwsweepError && err.code === 'INVALID_ARGUMENT';
        const notFound = bad && /^no (sweep|trial) with id/.test(err.message);
        res.writeHead(notFound ? 404 : bad ? 400 : 500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: (err as Error).message }));
        if (!bad) process.stderr.write(`dashboard: ${url.pathname}: ${(err as Error).stack ?? String(err)}\n`);
      }
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: `no such page: ${url.pathname}` }));
  }

  const server = createServer((req, res) => void handle(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new HwsweepError('PORT_IN_USE', `dashboard: port ${opts.port} is already in use`, { context: { port: opts.port ?? 0 }, hint: 'pick another with --port' })
          : err,
      ),
    );
    server.listen(opts.port ?? 8400, host, resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    url: `http://${host}:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await closeReadOnly();
    },
  };
}
