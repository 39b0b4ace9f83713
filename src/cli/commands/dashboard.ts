import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { integerArg } from '../args.js';

/** Opens `url` in the desktop's browser (xdg-open / open / start); a failure only prints the URL again. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`could not open a browser (${cmd}); open ${url} yourself`));
  child.unref();
}

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('a local web app over the results (read-only): sweeps, Pareto fronts, parallel coordinates, trial curves, per-layer cycles; refreshes while sweeps run')
    .option('--port <n>', 'port to listen on (0 = any free port)', integerArg('--port', 0, 65_535), 8400)
    .option('--host <addr>', 'address to listen on (the data is not protected: keep it local)', '127.0.0.1')
    .option('--open', 'open it in the default browser')
    .addHelpText('after', '\nExamples:\n  $ hwsweep dashboard --open\n  $ hwsweep dashboard --port 9000\n\nIt reads PostgreSQL through the read-only role (`hwsweep sql` uses the same); Ctrl-C stops it.')
    .action(async ({ port, host, open }: { port: number; host: string; open?: boolean }) => {
      const { startDashboard } = await import('../../dashboard/server.js');
      const d = await startDashboard({ port, host });
      console.log(`hwsweep dashboard on ${d.url} (Ctrl-C to stop)`);
      if (open) openBrowser(d.url);
      await new Promise<void>((resolve) => {
        const stop = () => void d.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
