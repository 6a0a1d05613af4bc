// A fresh process's whole life for the cold-start benchmark: load an endpoint (resolved at bundle
// time from `cold-start:endpoint`), set up the Wix context over the emulator, answer one request.
// @ts-expect-error resolved by the bundler plugin in cold-start.ts
import { POST } from 'cold-start:endpoint';
import { createWixEmulator, devTokens } from '../../src/dev/emulator/index.ts';
import { createWixRuntime } from '../../src/dev/runtime/wix-runtime.ts';

const emulator = createWixEmulator();
globalThis.fetch = emulator.fetch; // token-info goes through the global fetch, as in Wix's runtime
const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
const response = await runtime.serve(
  new Request('https://app.example/functions/elevate', {
    method: 'POST',
    headers: { authorization: devTokens.members['m-1'], 'content-type': 'application/json' },
    body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
  }),
  POST as (request: Request) => Promise<Response>,
);
await response.text();
process.stdout.write(`answered ${response.status}\n`);
