// The cursor key read from a secret store: two isolates of one app (two gateways) read it from
// Wix's Secrets Manager, emulated at HTTP and reached by the real `@wix/secrets` SDK elevated in
// the emulated Wix runtime, so a cursor one hands out continues on the other; a rotation shows on
// both within a refresh; a key that is neither current nor previous opens nothing; and a store
// that cannot be read makes listings fail closed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { createWixEmulator, devTokens } from '../dev/emulator/index.ts';
import { CURSOR_REFUSED, CURSOR_SECRET_REFRESH_MS } from '../gateway/obligations/signed-cursor.ts';
import { INTERNAL_MESSAGE } from '../contract/envelopes.ts';
import { WIX_SECRETS_MISSING, environmentCursorSecret, wixSecretsCursorSecret } from './cursor-secrets.ts';

const m1 = devTokens.members['m-1'];
const KEY_1 = 'cursor-key-one-0123456789abcdef';
const KEY_2 = 'cursor-key-two-fedcba9876543210';
const STRAY = 'cursor-key-stray-00000000000000';
const CURRENT = 'elevate-cursor-key';
const PREVIOUS = 'elevate-cursor-key-previous';
const SECRETS_PATH = '/_api/cloud-secrets-vault-server/api/v1/secrets/name/';

type Bed = ReturnType<typeof createTestBed>;

/** Two gateways of one app (say, two isolates), one emulated Wix, one injected clock. */
function twoInstances() {
  const clock = { now: Date.parse('2026-06-01T00:00:00Z') };
  const now = () => clock.now;
  const wix = createWixEmulator({ now });
  wix.data.secrets[CURRENT] = KEY_1;
  const instance = () => createTestBed({ wix, gateway: { cursorSecret: wixSecretsCursorSecret({ current: CURRENT, previous: PREVIOUS }), now } });
  return { clock, wix, a: instance(), b: instance(), secretReads: () => wix.requests.filter((r) => r.route === 'getSecretValue') };
}

const searchOrders = (bed: Bed, query: Record<string, unknown>) => bed.call(m1, 'ecom.orders', 'searchOrders', [query]);

async function firstPage(bed: Bed): Promise<{ cursor: string; ids: string[] }> {
  const reply = await searchOrders(bed, { cursorPaging: { limit: 1 } });
  expect(reply.status).toBe(200);
  const cursor = reply.body.result.metadata.cursors.next as string;
  expect(cursor).toMatch(/^gw2\./);
  return { cursor, ids: reply.body.result.orders.map((o: { _id: string }) => o._id) };
}

const searchesSent = (bed: Bed) => bed.upstream().filter((r) => r.route === 'searchOrders');

describe('the cursor key from Wix Secrets Manager, shared by two gateways', () => {
  it('a cursor instance A hands out continues on instance B; both read the key as the app', async () => {
    const { a, b, secretReads } = twoInstances();
    const first = await firstPage(a);
    expect(first.ids).toEqual(['o-3']);
    const next = await searchOrders(b, { cursorPaging: { cursor: first.cursor } });
    expect(next.status).toBe(200);
    expect(next.body.result.orders.map((o: { _id: string }) => o._id)).toEqual(['o-2']);
    expect(next.body.result.metadata.cursors.next).toMatch(/^gw2\./);

    // Each instance read the current key and looked for a previous one (none: 404), as the app,
    // through the real SDK's request.
    const reads = secretReads();
    expect(reads.map((r) => `${r.method} ${r.path}${r.search}`).sort()).toEqual(
      [
        `GET ${SECRETS_PATH}${CURRENT}?name=${CURRENT}`,
        `GET ${SECRETS_PATH}${CURRENT}?name=${CURRENT}`,
        `GET ${SECRETS_PATH}${PREVIOUS}?name=${PREVIOUS}`,
        `GET ${SECRETS_PATH}${PREVIOUS}?name=${PREVIOUS}`,
      ].sort(),
    );
    expect(reads.every((r) => r.authorization === devTokens.app && r.url.startsWith('https://www.wixapis.com/'))).toBe(true);

    // Within the refresh period the key is not read again.
    await searchOrders(a, { cursorPaging: { cursor: first.cursor } });
    expect(secretReads()).toHaveLength(4);
  });

  it('a rotation shows on both within a refresh: the old cursor still continues, a stray key opens nothing, a retired one neither', async () => {
    const { clock, wix, a, b, secretReads } = twoInstances();
    const { cursor: old } = await firstPage(a);
    expect((await searchOrders(b, { cursorPaging: { cursor: old } })).status).toBe(200);

    // Rotate: a new current key, the old one kept as previous.
    wix.data.secrets[CURRENT] = KEY_2;
    wix.data.secrets[PREVIOUS] = KEY_1;
    clock.now += CURSOR_SECRET_REFRESH_MS + 1_000;
    const readsBefore = secretReads().length;

    const onA = await searchOrders(a, { cursorPaging: { cursor: old } });
    const onB = await searchOrders(b, { cursorPaging: { cursor: old } });
    expect([onA.status, onB.status]).toEqual([200, 200]);
    expect(onA.body.result.orders.map((o: { _id: string }) => o._id)).toEqual(['o-2']);
    expect(secretReads().length - readsBefore).toBe(4); // both re-read current and previous
    expect(
      secretReads()
        .slice(readsBefore)
        .every((r) => r.authorization === devTokens.app),
    ).toBe(true);

    // What is signed now is signed with the new key, and opens on the other instance.
    const fresh = onA.body.result.metadata.cursors.next as string;
    expect((await searchOrders(b, { cursorPaging: { cursor: fresh } })).status).toBe(200);

    // A cursor signed with a key that is neither current nor previous is refused on both, and
    // nothing reaches Wix's orders.
    const stray = createTestBed({ wix, gateway: { cursorSecret: STRAY, now: () => clock.now } });
    const { cursor: strayCursor } = await firstPage(stray);
    wix.requests.length = 0;
    for (const bed of [a, b]) {
      const refused = await searchOrders(bed, { cursorPaging: { cursor: strayCursor } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: CURSOR_REFUSED });
    }
    expect(searchesSent(a)).toEqual([]);

    // Once the previous key is retired, its cursors stop; the new key's still continue.
    delete wix.data.secrets[PREVIOUS];
    clock.now += CURSOR_SECRET_REFRESH_MS + 1_000;
    for (const bed of [a, b]) {
      const retired = await searchOrders(bed, { cursorPaging: { cursor: old } });
      expect(retired.status).toBe(400);
      expect(retired.body.error.message).toBe(CURSOR_REFUSED);
      expect((await searchOrders(bed, { cursorPaging: { cursor: fresh } })).status).toBe(200);
    }
  });
});

describe('a cursor key that cannot be read fails closed', () => {
  it.each([
    ['missing (404)', undefined],
    ['empty', ''],
    ['too short to sign with', 'short'],
  ])('current secret %s: listings are 500 and hand out no cursor; nothing continues; the next request reads again', async (_name, value) => {
    const { wix, a, b, secretReads } = twoInstances();
    const { cursor } = await firstPage(b); // issued while the key was there
    if (value === undefined) delete wix.data.secrets[CURRENT];
    else wix.data.secrets[CURRENT] = value;
    wix.requests.length = 0;

    const first = await searchOrders(a, { cursorPaging: { limit: 1 } });
    expect(first.status).toBe(500);
    expect(first.body.error).toMatchObject({ code: 'INTERNAL', message: INTERNAL_MESSAGE });
    expect(JSON.stringify(first.body)).not.toMatch(/gw2\.|o-3/);
    expect(a.log.entries.at(-1)).toMatchObject({ code: 'INTERNAL', reason: 'the cursor key could not be read', status: 500 });

    wix.requests.length = 0;
    const continued = await searchOrders(a, { cursorPaging: { cursor } });
    expect(continued.status).toBe(500);
    expect(continued.body.error.code).toBe('INTERNAL');
    expect(searchesSent(a)).toEqual([]); // refused before Wix is asked for the page
    expect(secretReads().length).toBeGreaterThan(0); // a failed read is not kept: asked again

    // A request without a cursor that lists nothing is unaffected; once the key is back, listings resume.
    wix.data.secrets[CURRENT] = KEY_1;
    expect((await searchOrders(a, { cursorPaging: { cursor } })).status).toBe(200);
  });

  it('a provider that rejects: 500 on the first page and on a continued one', async () => {
    const bed = createTestBed({
      gateway: {
        cursorSecret: wixSecretsCursorSecret({ current: CURRENT, getSecretValue: () => Promise.reject(new Error('vault unreachable')) }),
      },
    });
    const first = await searchOrders(bed, { cursorPaging: { limit: 1 } });
    expect(first.status).toBe(500);
    expect(first.body.error.code).toBe('INTERNAL');
    const continued = await searchOrders(bed, { cursorPaging: { cursor: 'gw2.eyJjIjoieCJ9.' + 'A'.repeat(43) } });
    expect(continued.status).toBe(500);
    expect(searchesSent(bed)).toHaveLength(1); // only the first page's search; the continuation never reached Wix
  });
});

describe('wixSecretsCursorSecret', () => {
  it('reads through the getSecretValue it is given (a self-hosted app’s own client); a missing previous is no previous key', async () => {
    const store: Record<string, string> = { k: KEY_2 };
    const asked: string[] = [];
    const read = async (name: string) => {
      asked.push(name);
      if (!(name in store)) throw Object.assign(new Error('not found'), { status: 404 });
      return store[name]!;
    };
    const provider = wixSecretsCursorSecret({ current: 'k', previous: 'k-old', getSecretValue: read });
    await expect(provider()).resolves.toEqual({ current: KEY_2 });
    store['k-old'] = KEY_1;
    await expect(provider()).resolves.toEqual({ current: KEY_2, previous: KEY_1 });
    expect(asked.sort()).toEqual(['k', 'k', 'k-old', 'k-old']);
    store['k-old'] = '';
    await expect(provider()).resolves.toEqual({ current: KEY_2 });
  });

  it('a previous key that cannot be read (not a 404) fails the read rather than dropping the key', async () => {
    const read = async (name: string) => {
      if (name === 'k') return KEY_2;
      throw Object.assign(new Error('unavailable'), { status: 503 });
    };
    await expect(wixSecretsCursorSecret({ current: 'k', previous: 'k-old', getSecretValue: read })()).rejects.toThrow('unavailable');
  });

  it('rejects a missing, empty or short current key', async () => {
    const from = (value: string | undefined) => wixSecretsCursorSecret({ current: 'k', getSecretValue: async () => value })();
    await expect(from(undefined)).rejects.toThrow('the secret k (the current cursor key) is missing or empty');
    await expect(from('')).rejects.toThrow('the secret k (the current cursor key) is missing or empty');
    await expect(from('short')).rejects.toThrow('shorter than 16 characters');
    const notFound = wixSecretsCursorSecret({ current: 'k', getSecretValue: () => Promise.reject(Object.assign(new Error('nf'), { status: 404 })) });
    await expect(notFound()).rejects.toThrow('the secret k (the current cursor key) does not exist');
  });

  it.each([[''], ['a/../b'], ['a?x=1'], ['.'], [42]])('refuses %j as a secret name at once', (name) => {
    expect(() => wixSecretsCursorSecret({ current: name as string })).toThrow(TypeError);
    expect(() => wixSecretsCursorSecret({ current: 'k', previous: name as string })).toThrow(TypeError);
  });
});

describe('environmentCursorSecret', () => {
  it('reads ELEVATE_CURSOR_SECRET and ELEVATE_CURSOR_SECRET_PREVIOUS at call time', async () => {
    const env: Record<string, string | undefined> = { ELEVATE_CURSOR_SECRET: KEY_1 };
    const provider = environmentCursorSecret(undefined, env);
    await expect(provider()).resolves.toEqual({ current: KEY_1 });
    env.ELEVATE_CURSOR_SECRET = KEY_2;
    env.ELEVATE_CURSOR_SECRET_PREVIOUS = KEY_1;
    await expect(provider()).resolves.toEqual({ current: KEY_2, previous: KEY_1 });
    env.ELEVATE_CURSOR_SECRET_PREVIOUS = '';
    await expect(provider()).resolves.toEqual({ current: KEY_2 });
  });

  it('takes other names (the previous one defaults to <current>_PREVIOUS)', async () => {
    const env = { MY_KEY: KEY_2, MY_KEY_PREVIOUS: KEY_1, OLD_KEY: STRAY };
    await expect(environmentCursorSecret({ current: 'MY_KEY' }, env)()).resolves.toEqual({ current: KEY_2, previous: KEY_1 });
    await expect(environmentCursorSecret({ current: 'MY_KEY', previous: 'OLD_KEY' }, env)()).resolves.toEqual({ current: KEY_2, previous: STRAY });
  });

  it.each([
    ['unset', {}],
    ['empty', { ELEVATE_CURSOR_SECRET: '' }],
    ['too short', { ELEVATE_CURSOR_SECRET: 'short' }],
  ])('rejects a current key that is %s', async (_name, env) => {
    await expect(environmentCursorSecret(undefined, env)()).rejects.toThrow(/ELEVATE_CURSOR_SECRET/);
  });

  it('defaults to process.env, read when asked', async () => {
    vi.stubEnv('ELEVATE_CURSOR_SECRET', KEY_1);
    try {
      await expect(environmentCursorSecret()()).resolves.toEqual({ current: KEY_1 });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a cursor signed from Wix Secrets continues on a self-hosted instance keyed from its environment, after a rotation too', async () => {
    const { clock, a } = twoInstances();
    const { cursor } = await firstPage(a);
    const env = { ELEVATE_CURSOR_SECRET: KEY_2, ELEVATE_CURSOR_SECRET_PREVIOUS: KEY_1 };
    const selfHosted = createTestBed({ gateway: { cursorSecret: environmentCursorSecret(undefined, env), now: () => clock.now } });
    const reply = await searchOrders(selfHosted, { cursorPaging: { cursor } });
    expect(reply.status).toBe(200);
    const unrelated = createTestBed({ gateway: { cursorSecret: environmentCursorSecret(undefined, { ELEVATE_CURSOR_SECRET: STRAY }), now: () => clock.now } });
    expect((await searchOrders(unrelated, { cursorPaging: { cursor } })).body.error.message).toBe(CURSOR_REFUSED);
  });
});

describe('without @wix/secrets installed', () => {
  afterEach(() => {
    vi.doUnmock('@wix/secrets');
    vi.resetModules();
  });

  it('the default reader rejects with how to install it', async () => {
    vi.resetModules();
    vi.doMock('@wix/secrets', () => {
      throw new Error("Cannot find package '@wix/secrets'");
    });
    const { wixSecretsCursorSecret: fresh } = await import('./cursor-secrets.ts');
    await expect(fresh({ current: CURRENT })()).rejects.toThrow(WIX_SECRETS_MISSING);
    expect(WIX_SECRETS_MISSING).toContain('npm i @wix/secrets');
  });
});
