// A query method with only a builder: `items.query(collectionId)` of @wix/wix-data-items-sdk before
// 1.0.512 (installed here as @wix/wix-data-items-sdk-legacy, 1.0.467). An app on that version gets
// the same JSON form of the query as on a newer one, mapped onto the builder at dispatch, with the
// same forced filter, cap, mask and item re-check. The test runs in a small app whose `@wix/data`
// re-exports the old package, so the catalogue finds `data.items` as it would in such an app.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { query } from '@wix/wix-data-items-sdk-legacy';
import { buildPolicy } from '../../src/policy/build.ts';
import type { CompiledPolicy } from '../../src/contract/compiled-policy.ts';
import type { PolicyModule } from '../../src/gateway/policy-module.ts';
import { createWixEmulator, devTokens, type WixEmulator } from '../../src/dev/emulator/index.ts';
import { dataGateway, policyModule } from './data-gateway.ts';

const POLICY = `version: 1
roles:
  visitor: { subjects: [VISITOR] }
  member: { subjects: [MEMBER] }
rules:
  - id: visitors-read-published-reviews
    description: Visitors list the published reviews, without their authors.
    roles: [visitor]
    allow: data.items.query
    when: { args.0: reviews }
    resource: { published: true }
    fields: { allow: [_id, title, rating, published] }
    cap: 5
  - id: members-list-own-reviews
    description: Members list their own reviews.
    roles: [member]
    allow: data.items.query
    when: { args.0: reviews }
    resource: { _owner: "\${caller.id}" }
    cap: 20
`;

const home = process.cwd();
let app: string;
let policy: CompiledPolicy;
let module: PolicyModule;

beforeAll(async () => {
  // An app whose @wix/data is the umbrella of the old items package.
  app = mkdtempSync(join(home, 'test/data-items/.legacy-app-'));
  const umbrella = join(app, 'node_modules/@wix/data');
  mkdirSync(umbrella, { recursive: true });
  writeFileSync(join(umbrella, 'package.json'), JSON.stringify({ name: '@wix/data', version: '1.0.0-test', type: 'module', module: 'index.mjs' }));
  writeFileSync(join(umbrella, 'index.mjs'), 'import * as items from "@wix/wix-data-items-sdk-legacy";\nexport { items };\n');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'legacy-data-app', private: true, dependencies: { '@wix/data': '1.0.0-test' } }));
  mkdirSync(join(app, 'policies'));
  writeFileSync(join(app, 'policies/reviews.yaml'), POLICY);
  process.chdir(app);
  const built = await buildPolicy('policies');
  process.chdir(home);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  policy = built.policy!;
  module = await policyModule(policy, { 'data.items.query': query });
});
afterAll(() => {
  process.chdir(home);
  rmSync(app, { recursive: true, force: true });
  vi.unstubAllGlobals();
});

let emulator: WixEmulator;
afterEach(() => vi.unstubAllGlobals());

async function list(token: string, args: unknown[], options: { ignoreFilters?: boolean } = {}) {
  emulator = createWixEmulator(options);
  return dataGateway(module, emulator)(token, 'query', args);
}

const sentQuery = () =>
  (
    emulator.requests.find((r) => r.route === 'queryDataItems')!.payload as {
      query: { filter: unknown; paging?: { limit: number; offset: number }; sort: unknown };
    }
  ).query;

describe('a builder-only query method', () => {
  it('is a list whose last argument is the JSON form of the query', () => {
    const m = policy.methods['data.items.query']!;
    expect(m.package).toBe('@wix/wix-data-items-sdk-legacy');
    expect(m).toMatchObject({ kind: 'list', list: { queryArg: 1, itemsKey: 'items' }, scope: { arg: 0 }, targetArgs: ['0'] });
    expect(m.signature.builder).toBe(true);
    expect(m.signature.names).toEqual(['dataCollectionId', 'query']);
  });

  it("maps the client's filter, sort and paging onto the builder, joined to the forced filter and capped", async () => {
    const reply = await list(devTokens.visitor, [
      'reviews',
      { filter: { rating: { $gte: 3 } }, sort: [{ fieldName: 'rating', order: 'DESC' }], paging: { limit: 50, offset: 1 } },
    ]);
    expect(reply.status, reply.text).toBe(200);
    const items = reply.body.result.items as Record<string, unknown>[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(5);
    expect(items.every((i) => i.published === true && (i.rating as number) >= 3)).toBe(true);
    expect(items.some((i) => '_owner' in i)).toBe(false);
    const sent = sentQuery();
    expect(JSON.stringify(sent.filter)).toContain('"published":true');
    expect(JSON.stringify(sent.filter)).toContain('"rating":{"$gte":3}');
    expect(sent.paging).toEqual({ limit: 5, offset: 1 });
    expect(sent.sort).toEqual([{ fieldName: 'rating', order: 'DESC' }]);
    expect(reply.body.result.pagingMetadata).toMatchObject({ count: items.length, offset: 1 });
  });

  it('re-checks every item when Wix ignores the filter', async () => {
    const reply = await list(devTokens.members['m-1'], ['reviews', {}], { ignoreFilters: true });
    expect(reply.status, reply.text).toBe(200);
    expect((reply.body.result.items as { _owner: string }[]).map((i) => i._owner)).toEqual(['m-1', 'm-1', 'm-1', 'm-1']);
  });

  it('maps $or, $not and $in, and refuses what the builder cannot express or the form does not take', async () => {
    const ok = await list(devTokens.members['m-1'], ['reviews', { filter: { $or: [{ rating: 5 }, { rating: { $in: [1, 2] } }], $not: { published: false } } }]);
    expect(ok.status, ok.text).toBe(200);
    expect((ok.body.result.items as { rating: number; published: boolean }[]).every((i) => [5, 1, 2].includes(i.rating) && i.published)).toBe(true);
    for (const bad of [
      { cursorPaging: { limit: 5 } },
      { filter: { rating: { $where: 1 } } },
      { filter: { $or: [] } },
      { paging: { limit: 5000 } },
      { paging: { offset: 2_000_000 } },
    ]) {
      const reply = await list(devTokens.members['m-1'], ['reviews', bad]);
      expect(reply.status, `${JSON.stringify(bad)}: ${reply.text}`).toBe(400);
      expect(emulator.requests.filter((r) => r.route === 'queryDataItems')).toHaveLength(0);
    }
  });

  it('refuses another collection before any request', async () => {
    const reply = await list(devTokens.visitor, ['privateNotes', {}]);
    expect(reply.status).toBe(403);
    expect(emulator.requests.filter((r) => r.route !== 'token' && r.route !== 'token-info')).toHaveLength(0);
  });
});
