// The local server's policy editor over real HTTP on loopback, and what keeps other pages and other
// hosts out of it: the Host check (DNS rebinding), the Origin check (a foreign page), the start
// token (CSRF). The app served is the shop fixture, its policy folder a temporary copy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devTokens } from '../emulator/index.ts';
import { startLocalServer, type LocalServer } from './server.ts';
import { DEV_TOKEN_HEADER } from './dev-guard.ts';
import { OWN_ORDER_RULE, SHOP, copyShopPolicies } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';

/** A raw request, so that Host and Origin are exactly what a hostile page or a rebinding DNS would send. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: options.method ?? 'GET', headers: options.headers ?? {}, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the policy editor routes', () => {
  let server: LocalServer;
  let dir: string;
  let file: string;
  let original: string;
  let host: string;

  beforeAll(async () => {
    ({ dir, file, original } = copyShopPolicies('elevate-editor-'));
    expect(original).toMatch(OWN_ORDER_RULE);
    server = await startLocalServer({ project: SHOP.root, aliases: SOURCE_ALIASES, policiesDir: dir, port: 0, quiet: true });
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const edit = (action: string, files: unknown, headers: Record<string, string> = { [DEV_TOKEN_HEADER]: server.token }) =>
    raw(`${server.url}/_dev/policy/${action}`, {
      method: 'POST',
      headers: { host, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ files }),
    });
  const ownOrder = () =>
    fetch(`${server.url}/functions/elevate`, {
      method: 'POST',
      headers: { Authorization: devTokens.members['m-1']! },
      body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
    }).then((r) => r.status);
  const info = async () => (await fetch(`${server.url}/_dev/playground`)).json() as Promise<any>;

  it('prints a playground link that carries the start token in its fragment (never sent to a server)', () => {
    expect(server.editorUrl).toBe(`${server.url}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses an edit without the start token, with a wrong one, or from a foreign Origin, and the file stays as it was', async () => {
    const edited = [{ name: 'policy.yaml', text: original.replace(OWN_ORDER_RULE, '\n') }];
    const none = await edit('save', edited, {});
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body).error).toMatch(/start token/);
    expect((await edit('save', edited, { [DEV_TOKEN_HEADER]: `${server.token.slice(0, -1)}x` })).status).toBe(403);
    const foreign = await edit('save', edited, { [DEV_TOKEN_HEADER]: server.token, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error).toMatch(/another origin/);
    expect((await edit('save', edited, { [DEV_TOKEN_HEADER]: server.token, origin: 'null' })).status).toBe(403);
    // A page's form post (text/plain, no custom header) is refused as well.
    const form = await raw(`${server.url}/_dev/policy/save`, {
      method: 'POST',
      headers: { host, origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ files: edited }),
    });
    expect(form.status).toBe(403);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(await ownOrder()).toBe(200);
  });

  it('answers no request addressed to another host name (DNS rebinding), the endpoint included', async () => {
    const rebound = { host: `attacker.example:${new URL(server.url).port}` };
    expect((await raw(`${server.url}/_dev/playground`, { headers: rebound })).status).toBe(421);
    expect((await raw(`${server.url}/`, { headers: rebound })).status).toBe(421);
    const endpoint = await raw(`${server.url}/functions/elevate`, {
      method: 'POST',
      headers: { ...rebound, authorization: devTokens.members['m-1']! },
      body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
    });
    expect(endpoint.status).toBe(421);
    expect((await edit('save', [{ name: 'policy.yaml', text: original }], { [DEV_TOKEN_HEADER]: server.token, host: rebound.host })).status).toBe(421);
    // No Host at all: Node's HTTP/1.1 server refuses it itself (400) before the guard sees it.
    expect((await raw(`${server.url}/_dev/playground`, { headers: {} })).status).toBe(400);
    // Its own names are fine: 127.0.0.1 and localhost on its port, with or without the page's Origin.
    expect((await raw(`${server.url}/_dev/playground`, { headers: { host: `localhost:${new URL(server.url).port}` } })).status).toBe(200);
    expect((await raw(`${server.url}/_dev/playground`, { headers: { host, origin: server.url } })).status).toBe(200);
  });

  it('refuses draft bodies that are not a list of plain policy file names', async () => {
    for (const files of [
      undefined,
      [],
      [{ name: '../policy.yaml', text: '' }],
      [{ name: 'tests/x.yaml', text: '' }],
      [{ name: 'policy.json', text: '' }],
      [{ name: 'a.yaml', text: 1 }],
    ]) {
      const answer = await edit('draft', files);
      expect(answer.status, JSON.stringify(files)).toBe(400);
      expect(JSON.parse(answer.body).error).toBeTypeOf('string');
    }
    const twice = await edit('draft', [
      { name: 'policy.yaml', text: original },
      { name: 'policy.yaml', text: original },
    ]);
    expect(JSON.parse(twice.body).error).toMatch(/twice/);
    expect((await raw(`${server.url}/_dev/policy/draft`, { method: 'POST', headers: { host, [DEV_TOKEN_HEADER]: server.token }, body: '{' })).status).toBe(400);
    expect((await raw(`${server.url}/_dev/policy/draft`, { method: 'GET', headers: { host } })).status).toBe(405);
  });

  it('serves a draft from memory (the next decision follows it), reports YAML errors at line and column, and discards it', async () => {
    const broken = await edit('draft', [{ name: 'policy.yaml', text: `${original}\n  - id: [\n` }]);
    expect(broken.status).toBe(422);
    const diagnostics = JSON.parse(broken.body).diagnostics as any[];
    expect(diagnostics[0]).toMatchObject({ name: 'policy.yaml', code: 'yaml', severity: 'error' });
    expect(diagnostics[0].line).toBeGreaterThan(original.split('\n').length - 1);
    expect(diagnostics[0].column).toBeGreaterThan(0);
    expect(await ownOrder()).toBe(200); // a draft that does not build changes nothing

    const unknown = await edit('draft', [{ name: 'policy.yaml', text: original.replace('allow: ecom.orders.getOrder', 'allow: ecom.orders.getOrdr') }]);
    expect(unknown.status).toBe(422);
    expect(
      JSON.parse(unknown.body)
        .diagnostics.map((d: any) => d.text)
        .join('\n'),
    ).toMatch(/policy\.yaml:\d+:\d+ error: .*getOrdr.*did you mean "getOrder"/);

    const without = await edit('draft', [{ name: 'policy.yaml', text: original.replace(OWN_ORDER_RULE, '\n') }]);
    expect(without.status).toBe(200);
    expect(await ownOrder()).toBe(403);
    expect((await info()).policy).toMatchObject({ draft: true, errors: [] });
    expect(readFileSync(file, 'utf8')).toBe(original); // never written without a save

    expect((await edit('discard', [])).status).toBe(200);
    expect(await ownOrder()).toBe(200);
    expect((await info()).policy.draft).toBe(false);
  });

  it('saves only a draft that builds, and the saved file is what serves', async () => {
    const broken = await edit('save', [{ name: 'policy.yaml', text: `${original}\n  - id: [\n` }]);
    expect(broken.status).toBe(422);
    expect(readFileSync(file, 'utf8')).toBe(original);
    const edited = original.replace(OWN_ORDER_RULE, '\n');
    const saved = await edit('save', [{ name: 'policy.yaml', text: edited }]);
    expect(saved.status).toBe(200);
    expect(JSON.parse(saved.body)).toMatchObject({ ok: true, saved: ['policy.yaml'] });
    expect(readFileSync(file, 'utf8')).toBe(edited);
    expect(await ownOrder()).toBe(403);
    const now = await info();
    expect(now.policy.draft).toBe(false);
    expect(now.policy.files.find((f: any) => f.name === 'policy.yaml').text).toBe(edited);
    expect(now.calls.permitted.MEMBER.map((c: any) => c.call)).not.toContain('ecom.orders.getOrder');
  });

  it('never writes through a symbolic link (it would write where it points), and a folder named *.yaml fails the draft: nothing is written', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'elevate-outside-'));
    try {
      const link = join(dir, 'extra.yaml');
      symlinkSync(join(outside, 'created-by-save.yaml'), link);
      const linked = await edit('save', [{ name: 'extra.yaml', text: 'version: 1\n' }]);
      expect(linked.status).toBe(422); // the dangling link already fails the folder's build
      expect(existsSync(join(outside, 'created-by-save.yaml'))).toBe(false);
      rmSync(link);
      cpSync(file, join(outside, 'target.yaml'));
      symlinkSync(join(outside, 'target.yaml'), link);
      const through = await edit('save', [{ name: 'extra.yaml', text: 'version: 1\nrules: []\n' }]);
      expect(through.status).toBe(409);
      expect(JSON.parse(through.body).error).toMatch(/extra\.yaml is a symbolic link.*nothing was written/);
      expect(readFileSync(join(outside, 'target.yaml'), 'utf8')).toBe(readFileSync(file, 'utf8'));
      rmSync(link);
      mkdirSync(join(dir, 'zz.yaml'));
      const before = readFileSync(file, 'utf8');
      const folder = await edit('save', [
        { name: 'policy.yaml', text: `${before}# edited\n` },
        { name: 'zz.yaml', text: 'version: 1\n' },
      ]);
      expect(folder.status).toBe(422);
      expect(
        JSON.parse(folder.body)
          .diagnostics.map((d: any) => d.message)
          .join('\n'),
      ).toMatch(/zz\.yaml is a folder/);
      expect(readFileSync(file, 'utf8')).toBe(before);
      rmSync(join(dir, 'zz.yaml'), { recursive: true });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('answers a request target that is no path with 400 (never a crash), and an endpoint call from another origin with 403', async () => {
    const statusOf = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: new URL(server.url).port, path, headers: { host }, setHost: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const target of ['//%zz', '//evil.example/_dev/playground', 'http://evil.example/_dev/playground', '*'])
      expect(await statusOf(target), target).toBe(400);
    expect(await statusOf('/_dev/playground')).toBe(200);
    const endpoint = await raw(`${server.url}/functions/elevate`, {
      method: 'POST',
      headers: { host, origin: 'http://evil.example', authorization: devTokens.members['m-1']! },
      body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: ['o-1'] }),
    });
    expect(endpoint.status).toBe(403);
  });

  it('a draft still compiling never overrides a save sent after it', async () => {
    const before = readFileSync(file, 'utf8');
    const older = edit('draft', [{ name: 'policy.yaml', text: `${before}# OLDER DRAFT\n` }]);
    const newer = edit('save', [{ name: 'policy.yaml', text: `${before}# NEWER SAVED\n` }]);
    expect((await older).status).toBe(200);
    expect((await newer).status).toBe(200);
    const now = await info();
    expect(now.policy.draft).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('NEWER SAVED');
    expect(now.policy.files.find((f: any) => f.name === 'policy.yaml').text).toContain('NEWER SAVED');
    await edit('save', [{ name: 'policy.yaml', text: before }]);
  });
});
