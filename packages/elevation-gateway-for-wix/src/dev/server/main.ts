// `npm start`: the local server on PORT (default 4000), stopped cleanly by Ctrl-C, for the app whose
// folder is the first argument (default: the package's shop fixture). From the repository's root:
//   tsx packages/elevation-gateway-for-wix/src/dev/server/main.ts examples/wix-cli-app
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalServer, type LocalServer } from './server.ts';
import { SHOP_ABSOLUTE } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';

const DEFAULT_PORT = 4000;

async function main(): Promise<void> {
  const fromEnv = process.env.PORT;
  const port = fromEnv === undefined || fromEnv === '' ? DEFAULT_PORT : Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0-65535), not "${fromEnv}"`);
    process.exit(2);
  }
  const host = process.env.HOST || '127.0.0.1';
  const [given, ...extra] = process.argv.slice(2);
  if (extra.length > 0 || given?.startsWith('-')) {
    console.error('usage: main.ts [<app folder>]   (default: the shop fixture, test/fixtures/shop)');
    process.exit(2);
  }
  const project = given === undefined ? SHOP_ABSOLUTE.root : resolve(given);
  if (!existsSync(project) || !statSync(project).isDirectory()) {
    console.error(`npm start: ${given} is not a folder: give the Wix app's folder (the one with policies/ and src/)`);
    process.exit(2);
  }
  let server: LocalServer;
  try {
    server = await startLocalServer({ port, host, project, writeGenerated: true, aliases: SOURCE_ALIASES });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== 'EADDRINUSE' || fromEnv) {
      console.error(`npm start: ${e.message}`);
      process.exit(1);
    }
    console.error(`npm start: port ${DEFAULT_PORT} is already in use; starting on a free port instead (set PORT to choose one).`);
    server = await startLocalServer({ port: 0, host, project, writeGenerated: true, aliases: SOURCE_ALIASES });
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.error(`\n${signal}: stopping the local server…`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
