// The Data tests' gateway: a policy compiled from YAML with the SDK functions it names, served by
// the self-hosted gateway (the real AppStrategy elevating at the emulated Wix's OAuth), Wix being
// the emulator given. Each call goes through the gateway's web fetch handler.
import { vi } from 'vitest';
import { policyDigest } from '../../src/contract/policy-digest.ts';
import type { CompiledPolicy } from '../../src/contract/compiled-policy.ts';
import type { PolicyModule } from '../../src/gateway/policy-module.ts';
import type { SdkFunction } from '../../src/gateway/elevation.ts';
import { selfHostedGateway } from '../../src/adapters/self-hosted.ts';
import { silentSink } from '../../src/gateway/decision-log.ts';
import { APP_ID, DEV_APP_SECRET, type WixEmulator } from '../../src/dev/emulator/index.ts';
import { readReply } from '../../src/dev/testing/contract-suite.ts';

/** The policy module an app's `elevate build` would generate, as an object. */
export async function policyModule(policy: CompiledPolicy, sdk: Record<string, SdkFunction>): Promise<PolicyModule> {
  return { policy, digest: await policyDigest(policy), sdkMethods: Object.freeze(Object.assign(Object.create(null), sdk)) };
}

/** A gateway over `module` with Wix being `emulator`; `call` sends one data.items call as the caller holding `token`. */
export function dataGateway(module: PolicyModule, emulator: WixEmulator) {
  const gateway = selfHostedGateway({ appId: APP_ID, appSecret: DEV_APP_SECRET, policy: async () => module, fetch: emulator.fetch, decisionLog: silentSink });
  return async (token: string, method: string, args: unknown[]) => {
    // AppStrategy exchanges the app secret through the global fetch.
    vi.stubGlobal('fetch', emulator.fetch);
    const response = await gateway.fetch(
      new Request('https://backend.example/elevate', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ module: 'data.items', method, args }),
      }),
    );
    return readReply(response);
  };
}
