// The legacy Wix CLI for Apps adapter runs the gateway's contract suite where Wix runs it: Wix's own
// runtime entry from @wix/cli-app in workerd (miniflare), the shop fixture's api.ts, Wix emulated
// behind miniflare's outboundService.
import type { Miniflare } from 'miniflare';
import { startWorker } from './miniflare.ts';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createContractWix, describeContract, type ContractWix, readReply } from '../../src/dev/testing/contract-suite.ts';
import { PACKAGE_ROOT } from '../../src/dev/testing/shop.ts';
import { buildWixRuntimeWorker } from './build-wix-runtime.ts';

const OUT_DIR = join(PACKAGE_ROOT, '.tmp/workerd-contract');
let wix: ContractWix;
let mf: Miniflare;

beforeAll(async () => {
  wix = createContractWix();
  const scriptPath = await buildWixRuntimeWorker({ outDir: OUT_DIR });
  // The decision log is the gateway's business; the suite reads replies and what reached Wix.
  mf = await startWorker({ scriptPath, modulesRoot: OUT_DIR, outbound: (request) => wix.emulator.handle(request) });
});
afterAll(async () => {
  await mf?.dispose();
});

describeContract("the legacy Wix CLI for Apps adapter, in Wix's runtime entry in workerd", () => ({
  wix,
  async post(token, body) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = token;
    const response = await mf.dispatchFetch('http://localhost/functions/elevate', {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return readReply(response as unknown as Response); // miniflare's Response, read the same way
  },
}));
