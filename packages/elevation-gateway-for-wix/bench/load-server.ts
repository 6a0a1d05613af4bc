// The server process of the load benchmark (a child, so the load generator's memory is not
// counted): `node --import tsx --expose-gc bench/load-server.ts gateway|careful`. A plain node:http
// server on a free loopback port; each request becomes a web Request (the package's Node adapter,
// src/adapters/node.ts) and is served inside the Wix runtime stand-in (src/dev/runtime) against the
// in-process Wix stub (bench/wix-stub.ts), which is also the global fetch (token-info goes through
// it, as on Wix). What it serves:
//   - gateway: the endpoint exactly as the shop fixture's api.ts builds it, `elevationEndpoint` of
//     src/adapters/wix-cli-app.ts over test/fixtures/shop/src/generated/policy.ts (identity cache on,
//     the default decision log: one JSON line per request on this process's stdout);
//   - careful: the careful hand-written endpoint of bench/careful-endpoint.ts (token-info asked on
//     every request, no decision log).
// IPC: `{ url }` once listening (or `{ error }`, then exit 1); `stats` → `{ stats }` (requests served,
// RSS and heap after a full GC when node runs with --expose-gc, the stub's counts); `close` → exit 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '../src/adapters/node.ts';
import { elevationEndpoint } from '../src/adapters/wix-cli-app.ts';
import { APP_ID, devTokens } from '../src/dev/emulator/index.ts';
import { createWixRuntime } from '../src/dev/runtime/wix-runtime.ts';
import * as generated from '../test/fixtures/shop/src/generated/policy.ts';
import { createCarefulEndpoint } from './careful-endpoint.ts';
import { createWixStub, type WixStub } from './wix-stub.ts';

export type LoadServerKind = 'gateway' | 'careful';

export interface LoadServerStats {
  served: number;
  rss: number;
  heapUsed: number;
  stub: WixStub['counts'];
}

const send = (message: unknown) => process.send!(message as never);

async function start(kind: string): Promise<{ server: Server; stats: () => LoadServerStats }> {
  if (kind !== 'gateway' && kind !== 'careful') throw new Error(`the load server serves "gateway" or "careful", not "${kind}"`);
  const stub = await createWixStub();
  globalThis.fetch = stub.fetch;
  const runtime = createWixRuntime({ fetch: stub.fetch, appToken: devTokens.app });
  const endpoint =
    kind === 'gateway' ? elevationEndpoint({ appId: APP_ID, policy: async () => generated }).POST : createCarefulEndpoint({ appId: APP_ID, fetch: stub.fetch });
  const handler = toNodeHandler((request) => runtime.serve(request, endpoint));
  let served = 0;
  const server = createServer((req, res) => {
    served++;
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const stats = (): LoadServerStats => {
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    return { served, rss: memory.rss, heapUsed: memory.heapUsed, stub: { ...stub.counts } };
  };
  return { server, stats };
}

if (!process.send) {
  console.error('bench/load-server.ts is a child of bench/load.ts (it needs an IPC channel)');
  process.exit(1);
}
try {
  const { server, stats } = await start(process.argv[2] ?? '');
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') send({ stats: stats() });
    else if (message.type === 'close') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  // The parent gone (killed, crashed): no orphan server.
  process.on('disconnect', () => process.exit(0));
  send({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
} catch (error) {
  // Exits once the message is out, so the parent reads why rather than only an exit code.
  process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
}
