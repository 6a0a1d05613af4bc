// The current Wix CLI's adapter at its `APIRoute` shape: `POST({ request })`, run the way Wix's
// runtime runs an endpoint (the caller's context, `auth.elevate` as the app: src/dev/runtime), with
// the shop fixture's policy. The runtime itself (`@wix/custom-extensions`) is not on the registry
// these machines reach, so this is as close as it gets here (see README, "The current Wix CLI").
import { afterAll, beforeAll, vi } from 'vitest';
import { devTokens } from '../dev/emulator/index.ts';
import { createWixRuntime } from '../dev/runtime/wix-runtime.ts';
import { createContractWix, describeContract, readReply } from '../dev/testing/contract-suite.ts';
import { APP_ID } from '../dev/emulator/index.ts';
import * as generated from '../../test/fixtures/shop/src/generated/policy.ts';
import type { PolicyModule } from '../gateway/policy-module.ts';
import { elevationRoute } from './wix-cli.ts';

const wix = createContractWix();
const runtime = createWixRuntime({ fetch: wix.emulator.fetch, appToken: devTokens.app });
// As an endpoint file declares it: `export const POST: APIRoute = elevationRoute({ … })`.
const POST = elevationRoute({ appId: APP_ID, policy: async () => generated as PolicyModule, fetch: wix.emulator.fetch, identityCache: undefined });

beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(() => {
  vi.restoreAllMocks();
});

describeContract('the current Wix CLI adapter (APIRoute)', () => ({
  wix,
  async post(token, body) {
    const request = new Request('https://site.example/elevate', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const response = await runtime.serve(request, (req) => POST({ request: req }));
    return readReply(response);
  },
}));
