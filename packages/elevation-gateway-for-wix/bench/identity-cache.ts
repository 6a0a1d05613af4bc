// Item 4: what the identity cache saves. One member calls getOrder again and again, with token-info
// answering in 30 ms and Wix's REST API in 50 ms (emulated; the runtime's own elevation exchange is
// not). Without the cache every request pays both round trips; with it, only the REST call.
import { createGateway } from '../src/gateway/gateway.ts';
import { silentSink } from '../src/gateway/decision-log.ts';
import { createIdentityCache } from '../src/gateway/identity-cache.ts';
import type { PolicyModule } from '../src/gateway/policy-module.ts';
import { APP_ID, createWixEmulator, devTokens } from '../src/dev/emulator/index.ts';
import { createWixRuntime } from '../src/dev/runtime/wix-runtime.ts';
import * as generated from '../test/fixtures/shop/src/generated/policy.ts';
import { median } from './measure.ts';
import type { Figure } from './report.ts';

const LATENCY = { tokenInfo: 30, rest: 50 };

async function sequentialLatencies(cached: boolean, count: number): Promise<{ latencies: number[]; tokenInfoCalls: number }> {
  const emulator = createWixEmulator({ latencyMs: LATENCY });
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const gateway = createGateway({
    appId: APP_ID,
    policy: async () => generated as PolicyModule,
    fetch: emulator.fetch,
    decisionLog: silentSink,
    ...(cached ? { identityCache: createIdentityCache() } : {}),
  });
  const send = async () => {
    const started = performance.now();
    const response = await runtime.serve(
      new Request('https://app.example/functions/elevate', {
        method: 'POST',
        headers: { authorization: devTokens.members['m-1'], 'content-type': 'application/json' },
        body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
      }),
      gateway.handle,
    );
    await response.text();
    if (response.status !== 200) throw new Error(`the gateway answered ${response.status}`);
    return performance.now() - started;
  };
  await send(); // the first request always asks token-info (and loads the policy)
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) latencies.push(await send());
  return { latencies, tokenInfoCalls: emulator.requests.filter((r) => r.route === 'token-info').length };
}

export async function identityCacheBench(options: { quick: boolean }): Promise<Figure[]> {
  const count = options.quick ? 3 : 30;
  const without = await sequentialLatencies(false, count);
  const withCache = await sequentialLatencies(true, count);
  if (withCache.tokenInfoCalls !== 1) throw new Error(`with the cache, token-info was asked ${withCache.tokenInfoCalls} times, not once`);
  const a = median(without.latencies);
  const b = median(withCache.latencies);
  const cut = (a - b) / a;
  return [
    {
      key: 'identity_uncached_median_ms',
      label: 'sequential request, no identity cache, median',
      value: a,
      unit: 'ms',
      note: 'token-info emulated at 30 ms, Wix REST at 50 ms',
    },
    { key: 'identity_cached_median_ms', label: 'sequential request, identity cache, median', value: b, unit: 'ms' },
    {
      key: 'identity_cache_latency_cut',
      label: 'median latency cut by the identity cache (fraction; ideal 0.375)',
      value: cut,
      unit: '',
      goal: '≥ 0.30',
      met: cut >= 0.3,
    },
  ];
}
