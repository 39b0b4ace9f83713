/**
 * Builds the native TensorFlow backend (`hwsweep setup native [--gpu]`) without the download that tfjs-node's own
 * install script needs (storage.googleapis.com): tfjs-node's N-API binding is compiled from the
 * `@tensorflow/tfjs-node` npm package's source with node-gyp, against the C API in TensorFlow's PyPI wheel, and
 * cached outside the clone (layout in ./native-cache.ts).
 *
 * ```ts
 * const r = await buildNative({ variant: 'cpu', log: console.error });
 * // r.alreadyBuilt on a second call; r.build.bindingPath is what ./native.ts loads
 * ```
 *
 * Steps: find Python + pip, a C++ compiler, make, node-gyp and Node's headers (clear errors with hints when one is
 * missing); `pip download` the wheel (`tensorflow-cpu`, or for `gpu` the `tensorflow` wheel and the CUDA 12 wheels
 * its `and-cuda` extra names); extract the two TensorFlow libraries (and the CUDA libraries) with Python's zipfile;
 * compile the binding; load it in a child process and run a matmul; write `build.json` last and move the finished
 * directory into place, so a build is either complete or absent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HwsweepError } from '../../errors.js';
import { isAlive } from '../../shared/pid.js';
import {
  NAPI_VERSION,
  TENSORFLOW_VERSION,
  TFJS_NODE_VERSION,
  findNativeBuild,
  nativeBuildDir,
  nativeCacheRoot,
  type NativeBuild,
  type NativeManifest,
  type NativeVariant,
} from './native-cache.js';

export interface BuildNativeOptions {
  variant: NativeVariant;
  /** Rebuild even when a build is cached. @default false */
  force?: boolean;
  /** A folder of already-downloaded wheels (`pip download` output) to use instead of PyPI: offline machines. */
  wheelDir?: string;
  /** Cache root. @default nativeCacheRoot() */
  root?: string;
  /** Progress lines. @default ignored */
  log?: (line: string) => void;
  /** Python executable. @default $HWSWEEP_PYTHON, else the first of python3, python that has pip */
  python?: string;
}

export interface BuildNativeResult {
  build: NativeBuild;
  /** True when the cache already held this build and nothing was done. */
  alreadyBuilt: boolean;
  /** Wall-clock seconds of this call (download included). */
  seconds: number;
}

/** The wheel each variant builds from. */
export const WHEELS: Record<NativeVariant, string> = {
  cpu: `tensorflow-cpu==${TENSORFLOW_VERSION}`,
  gpu: `tensorflow==${TENSORFLOW_VERSION}`,
};

/**
 * pip tags for the wheels: Linux x86_64 manylinux, CPython 3.11 (the libraries inside do not depend on Python; a
 * fixed tag makes the download the same whatever Python runs pip, as long as its pip understands these tags).
 */
const PIP_TARGET = [
  '--only-binary=:all:',
  '--no-deps',
  '--python-version',
  '3.11',
  '--implementation',
  'cp',
  ...['manylinux2014_x86_64', 'manylinux_2_17_x86_64', 'manylinux_2_24_x86_64', 'manylinux_2_27_x86_64', 'manylinux_2_28_x86_64'].flatMap(
    (p) => ['--platform', p],
  ),
];

/** Where the binding goes, relative to the build directory (node-pre-gyp's layout). */
const BINDING = join('lib', `napi-v${NAPI_VERSION}`, 'tfjs_binding.node');

/**
 * Files of the NVIDIA wheels to keep: every library folder, and the CUDA compiler's `ptxas` and `libdevice`
 * (TensorFlow's XLA JIT compiles with them; headers and the rest of the toolkit are left out).
 */
const CUDA_FILES = /^nvidia\/([^/]+\/lib|cuda_nvcc\/(bin|nvvm))\//;

/** Header folders of the wheel that tensorflow/c/c_api.h and eager/c_api.h include (checked with g++ -M for 2.21). */
const C_API_HEADERS = /^tensorflow\/include\/(tensorflow\/c|tensorflow\/core\/platform|tsl|xla\/tsl)\//;

const require = createRequire(import.meta.url);

/** Builds (or finds) the native backend of `opts.variant`. Throws HwsweepError `TOOL_MISSING` with a hint. */
export async function buildNative(opts: BuildNativeOptions): Promise<BuildNativeResult> {
  const t0 = performance.now();
  const root = opts.root ?? nativeCacheRoot();
  const log = opts.log ?? ((): void => undefined);
  const cached = findNativeBuild(opts.variant, root);
  if (cached && !opts.force) return { build: cached, alreadyBuilt: true, seconds: (performance.now() - t0) / 1000 };

  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HwsweepError(
      'TOOL_MISSING',
      `setup native: PyPI's TensorFlow ${TENSORFLOW_VERSION} wheels with the C API are built for linux x64; this is ${process.platform} ${process.arch}`,
      { hint: 'use --backend wasm here, or the official @tensorflow/tfjs-node package where it installs (docs/gpu-workers.md)' },
    );
  }
  const tools = findTools(opts.python);
  const source = tfjsNodeSource();
  const finalDir = nativeBuildDir(opts.variant, root);
  const work = `${finalDir}.partial-${process.pid}`;
  removeStalePartials(finalDir);
  mkdirSync(join(work, 'deps', 'lib'), { recursive: true });

  const wheels = join(work, 'wheels');
  // A failed download or extraction leaves nothing behind; a failed compile or check keeps the folder (and its
  // build.log) for inspection, without the GBs of wheels. The next run starts from scratch either way.
  let keep = false;
  try {
    // 1. Wheels.
    const tfWheel = pipDownload(tools.python, [WHEELS[opts.variant]], wheels, opts.wheelDir, log)[0]!;
    const cudaWheels =
      opts.variant === 'gpu' ? pipDownload(tools.python, cudaRequirements(tools.python, tfWheel), wheels, opts.wheelDir, log) : [];

    // 2. Libraries and headers.
    const tb = performance.now();
    log(`extracting libtensorflow from ${basename(tfWheel)} ...`);
    extract(tools.python, tfWheel, [
      { prefix: 'tensorflow/libtensorflow_cc.so.2', dest: join(work, 'deps', 'lib', 'libtensorflow_cc.so.2') },
      { prefix: 'tensorflow/libtensorflow_framework.so.2', dest: join(work, 'deps', 'lib', 'libtensorflow_framework.so.2') },
      // The C API headers and what they include (4 MB of the wheel's 270 MB of headers).
      { prefix: 'tensorflow/include/', dest: join(work, 'deps', 'include') + '/', only: C_API_HEADERS },
    ]);
    for (const w of cudaWheels) {
      log(`extracting ${basename(w)} ...`);
      // TensorFlow's RUNPATH looks in $ORIGIN/../nvidia/<lib>/lib: keep the wheels' nvidia/ tree beside deps/lib.
      extract(tools.python, w, [{ prefix: 'nvidia/', dest: join(work, 'deps', 'nvidia') + '/', only: CUDA_FILES }]);
    }
    // The binding links -ltensorflow -ltensorflow_framework; the sonames recorded are the real files'.
    symlinkSync('libtensorflow_cc.so.2', join(work, 'deps', 'lib', 'libtensorflow.so'));
    symlinkSync('libtensorflow_framework.so.2', join(work, 'deps', 'lib', 'libtensorflow_framework.so'));
    rmSync(wheels, { recursive: true, force: true });

    // 3. Compile tfjs-node's binding with its own binding.gyp (RUNPATH $ORIGIN/../../deps/lib).
    keep = true;
    cpSync(join(source, 'binding'), join(work, 'binding'), { recursive: true });
    cpSync(join(source, 'binding.gyp'), join(work, 'binding.gyp'));
    log(`compiling tfjs-node ${TFJS_NODE_VERSION}'s binding against TensorFlow ${TENSORFLOW_VERSION}'s C API (node-gyp) ...`);
    await nodeGyp(tools, work, join(work, dirname(BINDING)));
    rmSync(join(work, 'build'), { recursive: true, force: true });
    rmSync(join(work, 'deps', 'include'), { recursive: true, force: true });

    // 4. Load it in a fresh process and run an op, then publish.
    log('checking the build (loads TensorFlow and runs a matmul) ...');
    const check = probe(work, BINDING, opts.variant);
    const manifest: NativeManifest = {
      variant: opts.variant,
      tfjsNode: TFJS_NODE_VERSION,
      tensorflow: TENSORFLOW_VERSION,
      wheels: [tfWheel, ...cudaWheels].map((w) => basename(w)),
      napiVersion: NAPI_VERSION,
      binding: BINDING,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - tb) / 100) / 10,
      diskBytes: diskBytes(work),
      check,
    };
    writeFileSync(join(work, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (err) {
    rmSync(keep ? wheels : work, { recursive: true, force: true });
    throw err;
  }
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(work, finalDir);
  const build = findNativeBuild(opts.variant, root);
  if (!build) throw new HwsweepError('TOOL_MISSING', `setup native: the build in ${finalDir} did not register`);
  return { build, alreadyBuilt: false, seconds: (performance.now() - t0) / 1000 };
}

/** Removes `<dir>.partial-<pid>` folders of earlier runs whose process is gone (a build in progress is kept). */
function removeStalePartials(finalDir: string): void {
  const prefix = `${basename(finalDir)}.partial-`;
  const root = dirname(finalDir);
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || isAlive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
  }
}

interface Tools {
  python: string;
  nodeGyp: string;
  nodedir: string | undefined;
}

/** Python with pip, a C++ compiler, make, node-gyp and Node's headers; the first one missing throws with a hint. */
function findTools(python?: string): Tools {
  const candidates = python ? [python] : process.env['HWSWEEP_PYTHON'] ? [process.env['HWSWEEP_PYTHON']] : ['python3', 'python'];
  const py = candidates.find((p) => runs(p, ['-m', 'pip', '--version']));
  if (!py) {
    throw new HwsweepError('TOOL_MISSING', `setup native: no Python with pip found (tried ${candidates.join(', ')})`, {
      hint: 'install Python 3 with pip (Debian/Ubuntu: apt-get install -y python3-pip), or set HWSWEEP_PYTHON=/path/to/python',
    });
  }
  const cxx = process.env['CXX'] ?? 'g++';
  if (!runs(cxx, ['--version'])) {
    throw new HwsweepError('TOOL_MISSING', `setup native: no C++ compiler (${cxx}) to build the binding`, {
      hint: 'install one (Debian/Ubuntu: apt-get install -y g++ make), or set CXX',
    });
  }
  if (!runs('make', ['--version'])) {
    throw new HwsweepError('TOOL_MISSING', 'setup native: make is missing (node-gyp drives the compiler with it)', {
      hint: 'Debian/Ubuntu: apt-get install -y make',
    });
  }
  return { python: py, nodeGyp: findNodeGyp(), nodedir: findNodeHeaders() };
}

function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/** node-gyp: the pinned optional dependency, else the copy bundled with npm. */
function findNodeGyp(): string {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
    throw new HwsweepError('TOOL_MISSING', 'setup native: node-gyp is not installed', {
      hint: 'npm ci installs it (an optional dependency of hwsweep), or npm install --no-save node-gyp',
    });
  }
}

/**
 * A Node prefix holding `include/node/node_api.h` (`--nodedir`): npm's `nodedir` setting, or this Node's own
 * install prefix (Debian's nodejs and the official tarballs ship the headers). `undefined` lets node-gyp use its
 * header cache, or download the headers, which offline machines cannot.
 */
function findNodeHeaders(): string | undefined {
  const dirs = [process.env['npm_config_nodedir'], resolve(dirname(process.execPath), '..')];
  return dirs.find((d): d is string => d !== undefined && existsSync(join(d, 'include', 'node', 'node_api.h')));
}

/** tfjs-node's package directory (the binding source), checked to be the version this build expects. */
function tfjsNodeSource(): string {
  let dir: string;
  try {
    dir = dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    throw new HwsweepError('TOOL_MISSING', `setup native: @tensorflow/tfjs-node ${TFJS_NODE_VERSION} is not in node_modules`, {
      hint: `npm ci installs it (an optional dependency, without its install script); or npm install --no-save --ignore-scripts @tensorflow/tfjs-node@${TFJS_NODE_VERSION}`,
    });
  }
  const version = (require(join(dir, 'package.json')) as { version: string }).version;
  if (version !== TFJS_NODE_VERSION || !existsSync(join(dir, 'binding.gyp'))) {
    throw new HwsweepError(
      'TOOL_MISSING',
      `setup native: node_modules holds @tensorflow/tfjs-node ${version}${existsSync(join(dir, 'binding.gyp')) ? '' : ' without binding.gyp'}; this build needs ${TFJS_NODE_VERSION}`,
      { hint: 'npm ci (the lockfile pins it)' },
    );
  }
  return dir;
}

/**
 * `pip download`s `specs` into `dest` (from PyPI, or only from `wheelDir` when given) and returns the wheel paths
 * in the order of `specs`. pip's own cache makes a second download of the same wheel cheap.
 */
function pipDownload(
  python: string,
  specs: string[],
  dest: string,
  wheelDir: string | undefined,
  log: (line: string) => void,
): string[] {
  mkdirSync(dest, { recursive: true });
  const before = new Set(readdirSync(dest));
  const from = wheelDir ? ['--no-index', '--find-links', resolve(wheelDir)] : [];
  log(`pip download ${specs.join(' ')}${wheelDir ? ` from ${wheelDir}` : ' from PyPI'} ...`);
  const r = spawnSync(python, ['-m', 'pip', 'download', '--disable-pip-version-check', '--progress-bar', 'off', ...PIP_TARGET, ...from, '-d', dest, ...specs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const why = lastLines(`${r.stdout}\n${r.stderr}`, 3);
    throw new HwsweepError('TOOL_MISSING', `setup native: pip download ${specs.join(' ')} failed: ${why}`, {
      hint: wheelDir
        ? `put the wheels in ${wheelDir} (pip download ${specs.join(' ')} --no-deps on a connected machine)`
        : 'PyPI must be reachable (or a mirror: PIP_INDEX_URL); offline, pass --wheels DIR with the downloaded wheels',
    });
  }
  const added = readdirSync(dest).filter((f) => f.endsWith('.whl') && !before.has(f));
  // pip names files by project; map each requirement to its wheel (project names normalise - and _).
  const norm = (s: string): string => s.toLowerCase().replace(/[-_.]+/g, '_');
  return specs.map((spec) => {
    const project = norm(spec.split(/[<>=!~;\s[]/)[0]!);
    const hit = [...added, ...before].find((f) => norm(f.split('-')[0]!) === project);
    if (!hit) throw new HwsweepError('TOOL_MISSING', `setup native: pip reported success but no wheel for ${spec} is in ${dest}`);
    return join(dest, hit);
  });
}

/** The `and-cuda` requirements in the TensorFlow wheel's METADATA (e.g. `nvidia-cudnn-cu12<10.0,>=9.3.0.75`). */
function cudaRequirements(python: string, wheel: string): string[] {
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    "name = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))",
    "sys.stdout.write(z.read(name).decode('utf-8'))",
  ].join('\n');
  const r = spawnSync(python, ['-c', script, wheel], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new HwsweepError('TOOL_MISSING', `setup native: cannot read ${basename(wheel)}'s METADATA: ${lastLines(r.stderr, 2)}`);
  return parseCudaRequirements(r.stdout);
}

/** `Requires-Dist` lines whose marker is `extra == "and-cuda"`, as pip requirement strings without the marker. */
export function parseCudaRequirements(metadata: string): string[] {
  const out: string[] = [];
  for (const line of metadata.split('\n')) {
    const m = /^Requires-Dist:\s*([^;]+);\s*extra\s*==\s*["']and-cuda["']\s*$/.exec(line.trim());
    if (m) out.push(m[1]!.replace(/\s+/g, ''));
  }
  if (out.length === 0) throw new HwsweepError('TOOL_MISSING', 'setup native: the TensorFlow wheel names no and-cuda requirements');
  return out;
}

interface Member {
  /** Zip member name prefix; a prefix ending in `/` extracts a subtree. */
  prefix: string;
  /** File path, or a folder ending in `/` that receives the rest of each member's name. */
  dest: string;
  /** Only members whose name matches. */
  only?: RegExp;
}

/** Extracts members of a wheel (a zip) with Python's zipfile, streaming: the 1 GB libraries never sit in memory. */
function extract(python: string, wheel: string, members: Member[]): void {
  const spec = members.map((m) => ({ prefix: m.prefix, dest: m.dest, only: m.only?.source ?? '' }));
  const script = [
    'import json, os, re, shutil, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1]); spec = json.loads(sys.argv[2]); n = 0',
    'for info in z.infolist():',
    '    if info.is_dir(): continue',
    '    for m in spec:',
    "        if not info.filename.startswith(m['prefix']) or (m['only'] and not re.match(m['only'], info.filename)): continue",
    "        out = m['dest'] + info.filename[len(m['prefix']):] if m['dest'].endswith('/') else m['dest']",
    '        os.makedirs(os.path.dirname(out), exist_ok=True)',
    "        with z.open(info) as src, open(out, 'wb') as dst: shutil.copyfileobj(src, dst, 1 << 20)",
    '        mode = (info.external_attr >> 16) & 0o777',
    '        if mode & 0o111: os.chmod(out, mode)',
    '        n += 1; break',
    'print(n)',
  ].join('\n');
  const r = spawnSync(python, ['-c', script, wheel, JSON.stringify(spec)], { encoding: 'utf8' });
  if (r.status !== 0 || Number(r.stdout.trim()) === 0) {
    throw new HwsweepError('TOOL_MISSING', `setup native: extracting ${basename(wheel)} failed: ${lastLines(r.stderr, 2) || 'no matching files'}`);
  }
}

/** `node-gyp rebuild` in `dir` with the variables node-pre-gyp would pass; output goes to `dir/build.log`. */
async function nodeGyp(tools: Tools, dir: string, modulePath: string): Promise<void> {
  const args = [
    tools.nodeGyp,
    'rebuild',
    `--jobs=${availableParallelism()}`,
    ...(tools.nodedir ? [`--nodedir=${tools.nodedir}`] : []),
    '--module_name=tfjs_binding',
    `--module_path=${modulePath}`,
    `--napi_build_version=${NAPI_VERSION}`,
  ];
  const logFile = join(dir, 'build.log');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (c) => done({ code: c, output }));
  });
  writeFileSync(logFile, output);
  if (code !== 0) {
    const err = output.split('\n').filter((l) => /error|not found|No such file/i.test(l) && !/^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l));
    throw new HwsweepError('TOOL_MISSING', `setup native: node-gyp failed (exit ${code}): ${(err[0] ?? lastLines(output, 1)).trim()}`, {
      context: { log: logFile },
      hint: tools.nodedir
        ? `see ${logFile}; a C++17 compiler and make are needed`
        : `Node's headers were not found next to ${process.execPath}: install them (Debian/Ubuntu: apt-get install -y libnode-dev) or set npm_config_nodedir; see ${logFile}`,
    });
  }
  if (!existsSync(join(modulePath, 'tfjs_binding.node'))) {
    throw new HwsweepError('TOOL_MISSING', `setup native: node-gyp succeeded but wrote no ${join(modulePath, 'tfjs_binding.node')}`, {
      context: { log: logFile },
    });
  }
}

/**
 * Loads the new build in a child process through the real loader (./native-probe.ts) and checks a matmul.
 * A separate process: TensorFlow (and CUDA) stay out of the setup process, and a crash cannot take it down.
 */
function probe(dir: string, bindingRel: string, variant: NativeVariant): NativeManifest['check'] {
  // The probe sits beside this module: native-probe.ts from the sources (run through tsx), .js from dist/.
  const fromSources = import.meta.url.endsWith('.ts');
  const probeScript = fileURLToPath(new URL(`./native-probe.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  const loader = fromSources ? ['--import', import.meta.resolve('tsx')] : [];
  const r = spawnSync(process.execPath, [...loader, probeScript, dir, bindingRel, variant], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: { ok?: boolean; tensorflow?: string; gpu?: boolean; reason?: string } = {};
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    // reported below
  }
  if (r.status !== 0 || parsed.ok !== true) {
    throw new HwsweepError(
      'TOOL_MISSING',
      `setup native: the built binding does not work: ${parsed.reason ?? (lastLines(r.stderr, 3) || `exit ${r.status}`)}`,
      { hint: `the partial build is kept in ${dir} for inspection; rerun with --force after fixing` },
    );
  }
  return { tensorflow: parsed.tensorflow ?? '?', device: parsed.gpu ? 'GPU' : 'CPU' };
}

function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');
}

/** Bytes under `dir` (files only; links are not followed). */
function diskBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}
