#!/usr/bin/env node
// The `elevate` command: the compiled CLI (dist/cli/main.js); no TypeScript at run time.
import { main } from '../dist/cli/main.js';

// Output piped into a command that stops reading (`elevate audit | head`) is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
