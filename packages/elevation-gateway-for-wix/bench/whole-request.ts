// Item 3: one whole request through the gateway (validation, identity, decision, obligations,
// dispatch, response, decision log) against the hand-written endpoint doing the same own-order
// read, both served by the Wix runtime stand-in against the in-process emulator at zero latency.
// The gateway's decision log goes to a silent sink (console I/O would dominate and measure the
// terminal), and neither side caches identities: both ask token-info on every request.
import { createGateway } from '../src/gateway/gateway.ts';
import { silentSink } from '../src/gateway/decision-log.ts';
import type { PolicyModule } from '../src/gateway/policy-module.ts';
import { APP_ID, createWixEmulator, devTokens } from '../src/dev/emulator/index.ts';
import { createWixRuntime } from '../src/dev/runtime/wix-runtime.ts';
import * as generated from '../test/fixtures/shop/src/generated/policy.ts';
import { createHandwrittenEndpoint } from './handwritten-endpoint.ts';
import { measure, median } from './measure.ts';
import type { Figure } from './report.ts';

const BODY = JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] });

export async function wholeRequest(options: { quick: boolean }): Promise<Figure[]> {
  const emulator = createWixEmulator();
  const runtime = createWixRuntime({ fetch: emulator.fetch, appToken: devTokens.app });
  const gateway = createGateway({ appId: APP_ID, policy: async () => generated as PolicyModule, fetch: emulator.fetch, decisionLog: silentSink });
  const handwritten = createHandwrittenEndpoint({ fetch: emulator.fetch });
  const endpoints = { gateway: gateway.handle, handwritten };

  const request = () =>
    new Request('https://app.example/functions/elevate', {
      method: 'POST',
      headers: { authorization: devTokens.members['m-1'], 'content-type': 'application/json' },
      body: BODY,
    });
  // Both must answer the same thing before they are timed.
  for (const [name, handler] of Object.entries(endpoints)) {
    const response = await runtime.serve(request(), handler);
    const body = (await response.json()) as { result?: { _id?: string } };
    if (response.status !== 200 || body.result?._id !== 'o-1') throw new Error(`${name} did not answer the own-order read: ${response.status}`);
  }

  const tasks: Record<string, () => Promise<void>> = {};
  for (const [name, handler] of Object.entries(endpoints)) {
    tasks[name] = async () => {
      const response = await runtime.serve(request(), handler);
      await response.text();
      if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
      // The emulator records every request; keep its memory flat over a long run.
      if (emulator.requests.length > 1000) emulator.requests.length = 0;
    };
  }
  // Alternating rounds, so neither side always runs on a warmer JIT or a fuller heap.
  const rounds = options.quick ? 1 : 6;
  const medians: Record<string, number[]> = { gateway: [], handwritten: [] };
  const p99s: Record<string, number[]> = { gateway: [], handwritten: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? ['handwritten', 'gateway'] : ['gateway', 'handwritten'];
    const r = await measure(Object.fromEntries(order.map((n) => [n, tasks[n]!])), { quick: options.quick, timeMs: 1000 });
    for (const n of order) {
      medians[n]!.push(r[n]!.medianMs);
      p99s[n]!.push(r[n]!.p99Ms);
    }
  }
  const r = Object.fromEntries(Object.keys(medians).map((n) => [n, { medianMs: median(medians[n]!), p99Ms: median(p99s[n]!) }]));
  const ratio = r.gateway!.medianMs / r.handwritten!.medianMs;
  const us = (ms: number) => ms * 1000;
  return [
    { key: 'request_gateway_median_us', label: 'whole request, gateway, median', value: us(r.gateway!.medianMs), unit: 'µs' },
    { key: 'request_gateway_p99_us', label: 'whole request, gateway, p99', value: us(r.gateway!.p99Ms), unit: 'µs' },
    { key: 'request_handwritten_median_us', label: 'whole request, hand-written endpoint, median', value: us(r.handwritten!.medianMs), unit: 'µs' },
    { key: 'request_handwritten_p99_us', label: 'whole request, hand-written endpoint, p99', value: us(r.handwritten!.p99Ms), unit: 'µs' },
    { key: 'gateway_over_handwritten', label: 'whole request median, gateway ÷ hand-written', value: ratio, unit: '×', goal: '≤ 1.15', met: ratio <= 1.15 },
  ];
}
