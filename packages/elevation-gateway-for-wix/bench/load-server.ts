// The server process of the load benchmark (a child, so the load generator's memory is not
// counted). It runs the local server (src/dev/server) quiet on a free loopback port, prints its
// URL as one JSON line and answers `rss` messages on the IPC channel (after a full GC when
// node runs with --expose-gc, so the figure is live memory, not garbage not yet collected).
import { startLocalServer } from '../src/dev/server/server.ts';
import { SHOP } from '../src/dev/testing/shop.ts';
import { SOURCE_ALIASES } from '../src/dev/testing/source-aliases.ts';

const server = await startLocalServer({ project: SHOP.root, aliases: SOURCE_ALIASES, port: 0, host: '127.0.0.1', quiet: true });
process.send!({ url: server.url });
process.on('message', (message: { type: string }) => {
  if (message.type === 'rss') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ rss: process.memoryUsage().rss });
  } else if (message.type === 'close') {
    void server.close().then(() => process.exit(0));
  }
});
