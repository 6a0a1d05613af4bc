#!/usr/bin/env node
// The `elevate` command: runs the TypeScript CLI through tsx, so the CLI and the gateway share
// one source (the policy schema, the compiler, the SDK catalogue).
import { register } from 'tsx/esm/api';

// Output piped into a command that stops reading (`elevate audit | head`) is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
