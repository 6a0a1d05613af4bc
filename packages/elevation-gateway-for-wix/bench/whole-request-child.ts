// The process of the whole-request benchmark (whole-request.ts forks it). Its stdout is a pipe the
// parent drains: the gateway writes its decision log there exactly as it ships, one console.log
// line per request. It serves two endpoints through the Wix runtime stand-in over the in-memory
// emulator (the real SDK makes the REST calls): the endpoint as the shop's api.ts builds it
// (`elevationEndpoint`: identity cache on, the default console decision log) and the careful
// hand-written one (careful-endpoint.ts, token-info on every request). Each case is first checked
// to answer the same on both sides and to send Wix the same calls; then timed in interleaved
// rounds: a round times a batch of sequential requests on each side (the order alternating), and
// the case's figure is the median of the rounds' ratios, with their spread.
import { elevationEndpoint } from '../src/adapters/wix-cli-app.ts';
import type { PolicyModule } from '../src/gateway/policy-module.ts';
import { APP_ID, createWixEmulator, devTokens } from '../src/dev/emulator/index.ts';
import { createWixRuntime } from '../src/dev/runtime/wix-runtime.ts';
import * as generated from '../test/fixtures/shop/src/generated/policy.ts';
import { createCarefulEndpoint } from './careful-endpoint.ts';
import { sideBySide } from './measure.ts';
import { CASES, type CaseResult, type RequestCase } from './request-cases.ts';

type Side = 'gateway' | 'careful';

function setup(latencyMs: number) {
  const emulator = createWixEmulator({ latencyMs: { tokenInfo: latencyMs, rest: latencyMs } });
  // Token-info goes through the global fetch, as in Wix's runtime.
  globalThis.fetch = emulator.fetch;
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const gateway = elevationEndpoint({ appId: APP_ID, policy: async () => generated as PolicyModule });
  const careful = createCarefulEndpoint({ appId: APP_ID, fetch: emulator.fetch });
  return { emulator, runtime, handlers: { gateway: gateway.POST, careful } as Record<Side, (r: Request) => Promise<Response>> };
}

const request = (c: RequestCase) =>
  new Request('https://app.example/functions/elevate', {
    method: 'POST',
    headers: { authorization: c.token, 'content-type': 'application/json' },
    body: JSON.stringify(c.body),
  });

/** What one side answered and sent Wix for a case, in a form both sides must agree on. */
async function observe(env: ReturnType<typeof setup>, side: Side, c: RequestCase) {
  env.emulator.requests.length = 0;
  const response = await env.runtime.serve(request(c), env.handlers[side]);
  const text = await response.text();
  const json = JSON.parse(text) as { result?: Record<string, unknown> };
  const result = json.result ?? {};
  const items = (result.products ?? result.orders ?? (result._id ? [result] : [])) as { _id?: string }[];
  const rest = env.emulator.requests.filter((r) => r.route !== 'token-info' && r.route !== 'token');
  return {
    status: response.status,
    ids: items.map((i) => i._id).join(','),
    masked: !/costRange|revenueDetails/.test(text),
    wix: rest.map((r) => `${r.route} ${JSON.stringify(r.body)}`).join(' | '),
  };
}

/** Both sides answer the case alike and send Wix the same calls; else the timings compare different work. */
async function checkAlike(env: ReturnType<typeof setup>, c: RequestCase): Promise<void> {
  await observe(env, 'gateway', c); // the first request loads the policy and fills the identity cache
  const g = await observe(env, 'gateway', c);
  const k = await observe(env, 'careful', c);
  const problems: string[] = [];
  if (g.status !== c.status || k.status !== c.status) problems.push(`status gateway ${g.status}, careful ${k.status}, expected ${c.status}`);
  if (g.ids !== k.ids) problems.push(`items gateway [${g.ids}], careful [${k.ids}]`);
  if (!g.masked || !k.masked) problems.push('merchant data in a reply');
  if (c.status === 200 && g.ids === '') problems.push('no items: the case proves nothing');
  if (c.status !== 200 && (g.wix !== '' || k.wix !== '')) problems.push(`a refusal reached Wix: gateway [${g.wix}], careful [${k.wix}]`);
  if (c.status === 200 && g.wix.split(' | ').length !== k.wix.split(' | ').length) problems.push(`Wix calls differ: gateway [${g.wix}], careful [${k.wix}]`);
  if (problems.length) throw new Error(`whole request, ${c.name}: the endpoints do not do the same thing: ${problems.join('; ')}`);
}

export async function measureCase(c: RequestCase, latencyMs: number, options: { rounds: number; batch: number; warmup: number }): Promise<CaseResult> {
  const env = setup(latencyMs);
  await checkAlike(env, c);
  let gatewayRequests = 2; // checkAlike sent two
  const batch = async (side: Side, n: number): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const response = await env.runtime.serve(request(c), env.handlers[side]);
      await response.text();
      if (response.status !== c.status) throw new Error(`whole request, ${c.name}: ${side} answered ${response.status}, not ${c.status}`);
    }
    const perRequest = (performance.now() - started) / n;
    if (side === 'gateway') gatewayRequests += n;
    // The emulator records every request: keep its memory flat over a long run.
    env.emulator.requests.length = 0;
    return perRequest;
  };
  await batch('gateway', options.warmup);
  await batch('careful', options.warmup);
  const times: Record<Side, number[]> = { gateway: [], careful: [] };
  for (let round = 0; round < options.rounds; round++) {
    const order: Side[] = round % 2 ? ['careful', 'gateway'] : ['gateway', 'careful'];
    for (const side of order) times[side].push(await batch(side, options.batch));
  }
  return { name: c.name, latencyMs, ...sideBySide(times.gateway, times.careful), gatewayRequests };
}

process.on('message', (message: { quick: boolean }) => {
  void (async () => {
    const results: CaseResult[] = [];
    for (const c of CASES) {
      results.push(await measureCase(c, 0, message.quick ? { rounds: 2, batch: 5, warmup: 5 } : { rounds: 15, batch: 200, warmup: 1000 }));
    }
    for (const c of CASES) {
      results.push(await measureCase(c, 20, message.quick ? { rounds: 1, batch: 2, warmup: 1 } : { rounds: 7, batch: 6, warmup: 3 }));
    }
    process.send!({ results });
  })().catch((error: unknown) => {
    process.send!({ error: error instanceof Error ? error.message : String(error) });
  });
});
process.send!({ ready: true });
