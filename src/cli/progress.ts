import cliProgress from 'cli-progress';
import { duration } from './format.js';
import type { ProgressView } from './sweeps.js';

/**
 * Live progress of a sweep: a bar on a terminal (done/running/failed and ETA), one line per change otherwise
 * (CI logs). ETA extrapolates the mean time per finished trial since the first update.
 */
export function progressRenderer(stream: NodeJS.WriteStream = process.stderr) {
  const t0 = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = '';
  const eta = (p: ProgressView): string => {
    const finished = p.completed + p.failed + p.cancelled;
    if (finished === 0 || finished >= p.total) return finished >= p.total ? '0s' : '?';
    return duration(((Date.now() - t0) / finished) * (p.total - finished));
  };
  return {
    update(p: ProgressView): void {
      if (p.total === 0) return; // still expanding the spec into trial rows
      const finished = p.completed + p.failed + p.cancelled;
      const payload = { running: p.running, failed: p.failed, cancelled: p.cancelled, eta_h: eta(p), state: p.paused ? ' (paused)' : '' };
      if (stream.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { format: '{bar} {value}/{total} done · {running} running · {failed} failed · ETA {eta_h}{state}', stream, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, finished, payload);
        }
        bar.setTotal(p.total);
        bar.update(finished, payload);
      } else {
        // One line per change of the counts (not of the ETA), so CI logs stay short.
        const counts = `${finished}/${p.total} done · ${p.running} running · ${p.failed} failed`;
        if (counts !== lastLine) stream.write(`${counts} · ETA ${payload.eta_h}${payload.state}\n`);
        lastLine = counts;
      }
    },
    stop(): void {
      bar?.stop();
    },
  };
}
