import { Command } from 'commander';
import { loadSettings, redactUrl, servicesDown, servicesUp } from '../../services/index.js';
import { migrate } from '../../store/migrate.js';

/** `hwsweep up`: start the embedded services, migrate the database, print where everything is. */
export function upCommand(): Command {
  return new Command('up')
    .description('start embedded PostgreSQL and Temporal (unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere)')
    .option('--json', 'print the addresses as JSON')
    .addHelpText('after', '\nExample:\n  $ hwsweep up\n  $ HWSWEEP_STATE_DIR=/data/hwsweep hwsweep up --json')
    .action(async (opts: { json?: boolean }) => {
      const log = opts.json ? () => {} : (m: string) => console.error(m);
      const s = await servicesUp(loadSettings(), log);
      const applied = await migrate(s.databaseUrl);
      const info = {
        temporalAddress: s.temporalAddress,
        temporalNamespace: s.temporalNamespace,
        temporalUi: s.temporalUiUrl ?? null,
        databaseUrl: redactUrl(s.databaseUrl), // never print a password
        stateDir: s.paths.stateDir,
        migrationsApplied: applied,
      };
      if (opts.json) return console.log(JSON.stringify(info));
      console.log(`Temporal gRPC   ${info.temporalAddress} (namespace ${info.temporalNamespace})${s.embeddedTemporal ? '' : ' [external]'}`);
      if (info.temporalUi) console.log(`Temporal Web UI ${info.temporalUi}`);
      console.log(`PostgreSQL      ${info.databaseUrl}${s.embeddedPostgres ? '' : ' [external]'}`);
      console.log(`State dir       ${info.stateDir}`);
      if (applied.length) console.log(`Migrations      applied ${applied.join(', ')}`);
    });
}

export function downCommand(): Command {
  return new Command('down')
    .description('stop the embedded services (data and workflow history are kept)')
    .addHelpText('after', '\nExample:\n  $ hwsweep down')
    .action(async () => {
      const r = await servicesDown(loadSettings());
      console.log(`Temporal   ${r.temporal ? 'stopped' : 'not running'}`);
      console.log(`PostgreSQL ${r.postgres ? 'stopped' : 'not running'}`);
    });
}
