import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { HwsweepError } from '../errors.js';
import { cacheDir } from './paths.js';

/**
 * Finds the `temporal` CLI (which embeds the whole server as `temporal server start-dev`) or builds it once
 * with Go into the per-user cache. No Temporal server ships on npm or Debian, so this is the offline route.
 */

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** Newest tag whose go.mod has no `replace` directive (`go install pkg@version` refuses those); server 1.29.1. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function cachedCliPath(): string {
  return join(cacheDir(), 'bin', 'temporal');
}

/** `TEMPORAL_CLI`, then `temporal` on PATH, then the cached build. */
export function findTemporalCli(): string | undefined {
  const fromEnv = process.env['TEMPORAL_CLI'];
  if (fromEnv) {
    if (!executable(fromEnv)) {
      throw new HwsweepError('TOOL_MISSING', `TEMPORAL_CLI=${fromEnv} is not an executable file`, {
        hint: 'point TEMPORAL_CLI at the temporal binary, or unset it to let hwsweep find or build one',
      });
    }
    return fromEnv;
  }
  return onPath('temporal') ?? (executable(cachedCliPath()) ? cachedCliPath() : undefined);
}

const INSTALL_HINT =
  `install Go (https://go.dev/dl, or \`apt-get install golang\`) and rerun, or build it yourself with ` +
  `\`GOBIN=~/.cache/hwsweep/bin go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}\`, ` +
  `or put a \`temporal\` binary on PATH / in TEMPORAL_CLI, or set TEMPORAL_ADDRESS to use an existing Temporal cluster`;

/** Returns a usable CLI path, building it with `go install` (several minutes, once per machine) when absent. */
export async function ensureTemporalCli(log: (m: string) => void = () => {}): Promise<string> {
  const found = findTemporalCli();
  if (found) return found;
  const go = process.env['GO'] ?? onPath('go');
  if (!go || spawnSync(go, ['version']).status !== 0) {
    throw new HwsweepError('TOOL_MISSING', 'the Temporal CLI was not found and no Go toolchain is available to build it', {
      hint: INSTALL_HINT,
    });
  }
  const bin = join(cacheDir(), 'bin');
  mkdirSync(bin, { recursive: true });
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${bin} (one time, a few minutes)…`);
  const env = { ...process.env, GOBIN: bin, GOFLAGS: process.env['GOFLAGS'] ?? '-p=2', CGO_ENABLED: '0' };
  const code = await new Promise<number>((resolvePromise) => {
    const child = spawn(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolvePromise(1));
    child.on('close', (c) => resolvePromise(c ?? 1));
  });
  if (code !== 0 || !executable(cachedCliPath())) {
    throw new HwsweepError('TOOL_MISSING', `building the Temporal CLI with \`go install\` failed (exit ${code})`, {
      hint: 'check that the Go module proxy is reachable (GOPROXY) and memory suffices (GOFLAGS=-p=1); ' + INSTALL_HINT,
    });
  }
  return cachedCliPath();
}
