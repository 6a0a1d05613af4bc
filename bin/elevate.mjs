#!/usr/bin/env node
// The `elevate` command: runs the TypeScript CLI through tsx, so the CLI and the gateway share
// one source (the policy schema, the compiler, the SDK catalogue).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
