// Nothing reaches Wix that the gateway did not check: for every call of the fixture policy
// test/fixtures/every-kind-of-call.yaml (read one, list, write one, with options positions), random
// argument lists, valid or with one mutation the SDK's types do not allow, go through the real
// gateway, SDK and CASL to the emulated Wix. A mutated list is refused (400) before any request; a
// valid one makes exactly the requests the reference model (arguments.property.model.ts) builds
// from it, after the SDK's renames, with the forced filters and caps.
//
// Fixed seed, 1,000 cases by default:  FC_RUNS=20000 FC_SEED=7 npx vitest run src/gateway/arguments/arguments.property.test.ts
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestBed } from '../../dev/testing/test-bed.ts';
import { fixturePolicy } from '../../dev/testing/policy-fixture.ts';
import { devTokens } from '../../dev/emulator/index.ts';
import { argumentCase, CALLER_OF, CALLS, type Case, type Who } from './arguments.property.arbitraries.ts';
import { expectedRequests, type ModelData, type ModelRequest } from './arguments.property.model.ts';

const RUNS = Number(process.env.FC_RUNS ?? 1000);
const SEED = Number(process.env.FC_SEED ?? 20261201);
const TOKENS: Record<Who, string> = { visitor: devTokens.visitor, 'm-1': devTokens.members['m-1'], user: devTokens.user };

let bed: ReturnType<typeof createTestBed>;
beforeAll(async () => {
  bed = createTestBed({ policy: await fixturePolicy('every-kind-of-call') });
}, 60_000);

interface Run {
  status: number;
  code?: string;
  requests: ModelRequest[];
}

async function run(c: Case): Promise<Run & { data: ModelData }> {
  bed.emulator.reset();
  const data = structuredClone(bed.emulator.data) as unknown as ModelData;
  const [module, method] = [c.call.slice(0, c.call.lastIndexOf('.')), c.call.slice(c.call.lastIndexOf('.') + 1)];
  const reply = await bed.call(TOKENS[CALLER_OF[c.call]], module, method, c.args);
  const requests = bed.upstream().map((r) => ({ method: r.method, path: r.path, payload: r.method === 'GET' ? r.payload : r.body }));
  return { status: reply.status, code: reply.body?.error?.code, requests, data };
}

describe(`arguments against the SDK's types (${RUNS} cases, seed ${SEED})`, () => {
  it(
    'a mutated argument list is refused before any request; a valid one sends exactly what the model builds',
    async () => {
      const tally = { refused: 0, hidden: 0, sent: 0, mutations: new Set<string>(), calls: new Set<string>() };
      await fc.assert(
        fc.asyncProperty(argumentCase, async (c) => {
          const out = await run(c);
          const label = `${c.call}(${JSON.stringify(c.args).slice(0, 300)})${c.mutation ? ` [${c.mutation}]` : ''}`;
          if (c.mutation) {
            tally.refused++;
            tally.mutations.add(`${c.call}: ${c.mutation}`);
            expect(out.requests, `${label}: refused, yet Wix was called`).toEqual([]);
            expect(out.status, label).toBe(400);
            expect(out.code, label).toBe('INVALID_REQUEST');
          } else if (c.hidden) {
            tally.hidden++;
            expect(out.requests, `${label}: a hidden field, yet Wix was called`).toEqual([]);
            expect(out.status, label).toBe(403);
          } else {
            tally.sent++;
            tally.calls.add(c.call);
            expect(out.requests, label).toEqual(expectedRequests(c.call, c.args, out.data));
            // Valid arguments are never refused by the gateway for their shape.
            expect(out.status === 400 ? out.code : 'ok', label).toBe('ok');
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // Not vacuous: every call sent valid arguments, and the mutations were all tried.
      expect([...tally.calls].sort()).toEqual([...CALLS].sort());
      expect(tally.sent).toBeGreaterThan(RUNS / 5);
      expect(tally.refused).toBeGreaterThan(RUNS / 3);
      expect(tally.hidden).toBeGreaterThan(0);
      if (RUNS >= 1000) expect(tally.mutations.size).toBeGreaterThan(40);
    },
    Math.max(120_000, RUNS * 100),
  );
});
