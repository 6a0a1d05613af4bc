// The playground in a real browser: Debian's Chromium (never a downloaded one) driven by
// playwright-core against the local server on loopback, serving a temporary copy of the shop
// fixture's policies (a save in the page never touches the tree). Without /usr/bin/chromium the
// suite is skipped locally, loudly, and fails in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { devTokens } from '../emulator/index.ts';
import { startLocalServer, type LocalServer } from '../server/server.ts';
import { OWN_ORDER_RULE as ORDER_RULE, SHOP, copyShopPolicies } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';
import { chromiumFor, launchChromium } from '../testing/chromium.ts';

const haveChromium = chromiumFor('playground browser tests');

describe.skipIf(!haveChromium)('the playground in headless Chromium', () => {
  let server: LocalServer;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let policyFile: string;
  let original: string;

  beforeAll(async () => {
    ({ dir, file: policyFile, original } = copyShopPolicies('elevate-playground-'));
    expect(original).toMatch(ORDER_RULE);
    server = await startLocalServer({ project: SHOP.root, aliases: SOURCE_ALIASES, policiesDir: dir, port: 0, quiet: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => console.error(`the playground threw: ${e.message}`));
    await page.goto(server.editorUrl);
    await page.waitForSelector('body[data-ready="true"]');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A policy draft compiles in well under a second; the default poll (1 s) is too close. */
  const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });
  const text = async (selector: string) => (await page.locator(selector).textContent())?.trim();
  /** Waits until the outcome shows a reply other than the one shown now. */
  async function nextOutcome(act: () => Promise<unknown>) {
    const before = await page.locator('#out-request-id').textContent();
    await act();
    await page.waitForFunction((previous) => {
      const id = document.querySelector('#out-request-id')?.textContent;
      return id && id !== previous && document.querySelector('#outcome')?.getAttribute('aria-busy') === 'false';
    }, before);
  }
  async function sendAs(identity: string, call: string, args?: unknown[]) {
    await page.getByLabel('Who you are').selectOption(identity);
    await page.getByLabel('Call', { exact: true }).selectOption(call);
    if (args) await page.getByLabel('Arguments (a JSON array)').fill(JSON.stringify(args));
    await nextOutcome(() => page.getByRole('button', { name: 'Send', exact: true }).click());
  }
  const playground = async () => (await (await fetch(`${server.url}/_dev/playground`)).json()) as any;
  const getOrderAs = (token: string | undefined, id: string) =>
    fetch(`${server.url}${server.endpoint}`, {
      method: 'POST',
      headers: token ? { authorization: token } : {},
      body: JSON.stringify({ module: 'ecom.orders', method: 'getOrder', args: [id] }),
    });
  /** The document's width against the window's, with every collapsible box open. */
  const widths = () =>
    page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
      return { document: document.documentElement.scrollWidth, window: window.innerWidth };
    });

  it('takes the start token from the address bar, keeps it for the tab, and removes it from the URL', async () => {
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.evaluate(() => window.sessionStorage.getItem('elevate-dev-token'))).toBe(server.token);
    expect(await page.locator('#policy-editor').evaluate((e: HTMLTextAreaElement) => e.readOnly)).toBe(false);
    expect(await page.locator('#policy-readonly').isHidden()).toBe(true);
    expect(await page.locator('#policy-editor').inputValue()).toBe(original);
    expect(await text('#policy-state')).toBe('saved');
    expect(await page.locator('#policy-state').getAttribute('role')).toBe('status');
    expect(await page.locator('#policy-file option').allTextContents()).toEqual(['policy.yaml']);
  });

  it('without the start token, the editor is read-only and says to open the link `elevate dev` printed', async () => {
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto(`${server.url}/`);
      await other.waitForSelector('body[data-ready="true"]');
      expect(await other.locator('#policy-editor').evaluate((e: HTMLTextAreaElement) => e.readOnly)).toBe(true);
      expect(await other.locator('#policy-editor').inputValue()).toBe(original);
      expect(await other.locator('#policy-save').isDisabled()).toBe(true);
      expect(await other.locator('#policy-discard').isDisabled()).toBe(true);
      expect(await other.locator('#policy-readonly').textContent()).toMatch(/Read-only.*open the link `elevate dev` printed/);
    } finally {
      await context.close();
    }
  });

  it('acting as a visitor, lists products (visible only, without cost data), with the trace and the forced filter that reached Wix', async () => {
    await sendAs('visitor', 'stores.productsV3.queryProducts');
    expect(await text('#out-status')).toBe('200 OK');
    expect(await text('#out-decision')).toBe('allow');
    expect(await text('#out-rule')).toBe('visitor-browses-catalog');
    expect(await text('#out-sent')).toBe('stores.productsV3.queryProducts [{"cursorPaging":{"limit":10}}]');
    const items = await page.locator('#out-items li').allTextContents();
    expect(items).toHaveLength(10);
    expect(items.join('\n')).toMatch(/\(p-\d{3}\)/);
    const obligations = (await page.locator('#out-obligations li').allTextContents()).join('\n');
    expect(obligations).toMatch(/forced filter/);
    expect(await text('#out-body')).not.toContain('costRange');
    expect(await page.locator('#out-did-you-mean').isHidden()).toBe(true);

    const rule = page.locator('#out-trace li[data-rule="visitor-browses-catalog"]');
    expect(await rule.getAttribute('data-matched')).toBe('true');
    expect(await rule.textContent()).toMatch(/visitor-browses-catalog allow: applies to you \(visitor\); matched/);

    // The visitor's token is checked once (token-info), then cached by the gateway: this is its first call.
    const exchanges = page.locator('#out-wix > li');
    expect(await exchanges.count()).toBe(2);
    expect(await exchanges.nth(0).locator('summary').first().textContent()).toMatch(/^POST www\.wixapis\.com\/oauth2\/token-info → 200 \(.+\)$/);
    const query = exchanges.filter({ hasText: 'www.wixapis.com/stores/v3/products/query' });
    expect(await query.locator('summary').first().textContent()).toMatch(/^GET www\.wixapis\.com\/stores\/v3\/products\/query\?\S+ → 200 \(.*queryProducts\)$/);
    const body = query.locator('pre.wix-body');
    expect(await body.isVisible()).toBe(true);
    expect(JSON.parse((await body.textContent())!)).toEqual({ query: { cursorPaging: { limit: 10 }, filter: { visible: { $eq: true } } } });
  });

  it('acting as a visitor, shows a denial by default when asking for an order: no rule grants it', async () => {
    const offered = await page.locator('#call optgroup').first().locator('option').allTextContents();
    expect(offered).not.toContain('ecom.orders.getOrder');
    await sendAs('visitor', 'ecom.orders.getOrder', ['o-1']);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-decision')).toBe('deny');
    expect(await text('#out-rule')).toBe('— (no rule decided)');
    expect(await text('#out-reason')).toBe('no rule grants this call');
    const rule = page.locator('#out-trace li[data-rule="member-reads-own-order"]');
    expect(await rule.getAttribute('data-matched')).toBe('false');
    expect(await rule.textContent()).toMatch(/does not apply to you \(it names member\); not matched/);
  });

  it("shows the deciding rule of a rule-decided denial and the condition that failed (member m-1 asking for m-2's order o-4)", async () => {
    await sendAs('m-1', 'ecom.orders.getOrder', ['o-4']);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-decision')).toBe('deny');
    expect(await text('#out-rule')).toBe('member-reads-own-order');
    expect(await text('#out-reason')).toBe('resource conditions do not hold');
    expect(await text('#out-sent')).toBe('ecom.orders.getOrder ["o-4"]');
    expect(await page.locator('#out-obligations li').allTextContents()).toEqual(['resource check failed']);
    const failed = page.locator('#out-trace li[data-holds="false"]');
    expect(await failed.count()).toBe(1);
    expect((await failed.textContent())?.trim()).toBe('✗ buyerInfo.memberId $eq "m-1" (${caller.id}): actual "m-2"');
    expect(await page.locator('#out-trace li[data-holds="true"]').count()).toBe(0);
    const read = page.locator('#out-wix > li').filter({ hasText: 'www.wixapis.com/ecom/v1/orders/o-4' });
    expect(await read.locator('summary').first().textContent()).toMatch(/^GET www\.wixapis\.com\/ecom\/v1\/orders\/o-4\?id=o-4 → 200 \(.*getOrder\)$/);
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: '../../docs/playground.png', fullPage: true });
  });

  it('sends any module and method typed in, and the gateway denies what the policy never names', async () => {
    await page.getByLabel('Who you are').selectOption('user');
    await page.getByLabel('Call', { exact: true }).selectOption('__custom__');
    await page.getByLabel('Module').fill('ecom.orders');
    await page.getByLabel('Method').fill('updateOrder');
    await page.getByLabel('Arguments (a JSON array)').fill('["o-1", {}]');
    await nextOutcome(() => page.getByRole('button', { name: 'Send', exact: true }).click());
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-reason')).toBe('no rule grants this call');
    expect(await text('#out-trace')).toMatch(/No rule names this call/);
  });

  it('suggests the call meant for a typo, while the reply and its reason stay uniform; the suggestion fills the form', async () => {
    await page.getByLabel('Who you are').selectOption('m-1');
    await page.getByLabel('Call', { exact: true }).selectOption('__custom__');
    await page.getByLabel('Module').fill('Ecom.Orders');
    await page.getByLabel('Method').fill('getOrdr');
    await page.getByLabel('Arguments (a JSON array)').fill('["o-1"]');
    await nextOutcome(() => page.getByRole('button', { name: 'Send', exact: true }).click());
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-reason')).toBe('no rule grants this call');
    expect(await text('#out-body')).not.toMatch(/getOrder|ecom\.orders/);
    const suggestion = page.locator('#out-did-you-mean');
    expect(await suggestion.isVisible()).toBe(true);
    expect(await suggestion.textContent()).toMatch(/^Did you mean ecom\.orders\.getOrder\?/);
    await suggestion.getByRole('button', { name: 'Use ecom.orders.getOrder in the form' }).click();
    expect(await page.getByLabel('Call', { exact: true }).inputValue()).toBe('ecom.orders.getOrder');
    expect(await page.locator('#custom-call').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send');
    await nextOutcome(() => page.keyboard.press('Enter'));
    expect(await text('#out-status')).toBe('200 OK');
    expect(await page.locator('#out-did-you-mean').isHidden()).toBe(true);
  });

  it('is usable from the keyboard: labelled controls in order, visible focus, Ctrl+Enter sends, bad JSON is announced and clears the outcome', async () => {
    const unlabelled = await page.evaluate(() =>
      [
        ...[...document.querySelectorAll('select, input, textarea')].filter((c) => !(c as HTMLInputElement).labels?.length).map((c) => c.id),
        ...[...document.querySelectorAll('button')].filter((b) => !(b.getAttribute('aria-label') || b.textContent?.trim())).map((b) => b.id),
      ].filter(Boolean),
    );
    expect(unlabelled).toEqual([]);
    expect(await page.locator('div[onclick], span[onclick], [role="button"]:not(button)').count()).toBe(0);

    await page.getByLabel('Who you are').selectOption('none');
    await page.getByLabel('Call', { exact: true }).selectOption('ecom.orders.getOrder');
    await page.locator('#form-help').click(); // where sequential focus navigation starts
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(order).toEqual(['identity', 'call', 'args', 'send', 'reset-args']);
    expect(await page.evaluate(() => window.getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');

    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('args');
    const args = page.getByLabel('Arguments (a JSON array)');
    await args.fill('["o-1"]');
    await nextOutcome(() => page.keyboard.press('Control+Enter'));
    expect(await text('#out-status')).toBe('401 UNAUTHENTICATED');
    expect(await page.locator('#outcome').getAttribute('aria-live')).toBe('polite');

    await args.fill('["o-1" "o-2"]');
    await args.press('Control+Enter');
    await poll(() => text('#args-error')).toMatch(/^Arguments: line 1, column 8: /);
    expect(await page.locator('#args-error').getAttribute('role')).toBe('alert');
    expect(await args.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('args');
    expect(await args.evaluate((e: HTMLTextAreaElement) => e.selectionStart)).toBe(7);
    // No stale outcome: the earlier reply is gone.
    expect(await page.locator('#outcome-body').isHidden()).toBe(true);
    expect(await text('#out-status')).toBe('');
    expect(await text('#outcome-empty')).toMatch(/Nothing was sent/);

    await args.fill('["o-1"]');
    await nextOutcome(() => args.press('Control+Enter'));
    expect(await page.locator('#args-error').isHidden()).toBe(true);
    expect(await args.getAttribute('aria-invalid')).toBe('false');
    expect(await text('#out-status')).toBe('401 UNAUTHENTICATED');
  });

  it('shows who may call what as a table: a row per call, a column per kind of caller', async () => {
    const matrix = page.locator('#matrix');
    expect(await matrix.locator('caption').textContent()).toMatch(/^\s*Who may call what\s*$/);
    const headers = await matrix.locator('thead th').allTextContents();
    expect(headers.slice(0, 4)).toEqual(['Call', 'VISITORvisitor', 'MEMBERmember, visitor', 'USERwix-user']);
    const cell = (call: string, column: number) =>
      matrix
        .locator('tbody tr', { has: page.locator(`th:text-is("${call}")`) })
        .locator('td')
        .nth(column);
    expect(await cell('ecom.orders.searchOrders', 2).getAttribute('data-verdict')).toBe('always');
    expect(await cell('ecom.orders.searchOrders', 2).textContent()).toBe('✓alwaysdashboard-searches-orders');
    expect(await cell('ecom.orders.getOrder', 1).getAttribute('data-verdict')).toBe('conditional');
    expect(await cell('ecom.orders.getOrder', 1).textContent()).toBe('ifmember-reads-own-order');
    expect(await cell('ecom.orders.getOrder', 0).getAttribute('data-verdict')).toBe('never');
    expect(await cell('ecom.orders.getOrder', 0).textContent()).toBe('—never');
    expect(await page.locator('.table-scroll').evaluate((e) => window.getComputedStyle(e).overflowX)).toBe('auto');
  });

  it('is never wider than the window, at 1280 px and at 390 px, also after a list reply with long signed cursors', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await sendAs('visitor', 'stores.productsV3.queryProducts', [{ cursorPaging: { limit: 2 } }]);
      expect(await text('#out-status')).toBe('200 OK');
      expect(await text('#out-body')).toMatch(/"next": "[^"\s]{120,}"/);
      const at = await widths();
      expect(at.window).toBe(width);
      expect(at.document, `at ${width} px`).toBeLessThanOrEqual(at.window);
      // The wide matrix scrolls inside its own box, never the page.
      const box = await page
        .locator('.table-scroll')
        .evaluate((e) => ({ right: e.getBoundingClientRect().right, scroll: e.scrollWidth, client: e.clientWidth }));
      expect(box.right).toBeLessThanOrEqual(width);
      if (width === 390) expect(box.scroll).toBeGreaterThan(box.client);
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it('edits the policy in the page: the next decision follows the draft, a YAML error shows its position, Save writes the file and a reload keeps it', async () => {
    await sendAs('m-1', 'ecom.orders.getOrder', ['o-1']);
    expect(await text('#out-status')).toBe('200 OK');
    const editor = page.getByLabel('Policy', { exact: true });
    expect(await editor.inputValue()).toBe(original);

    // A draft without the member's rule: the last call is sent again on its own, and denied.
    const edited = original.replace(ORDER_RULE, '\n');
    await nextOutcome(() => editor.fill(edited));
    await poll(() => text('#policy-state')).toBe('draft — not saved');
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-reason')).toBe('no rule grants this call');
    expect(await text('#out-resent')).toMatch(/^Sent again after the policy edit/);
    expect(
      await page
        .locator('#matrix tbody tr', { has: page.locator('th:text-is("ecom.orders.getOrder")') })
        .locator('td')
        .nth(1)
        .getAttribute('data-verdict'),
    ).toBe('never');
    expect(readFileSync(policyFile, 'utf8')).toBe(original); // a draft is served from memory only
    expect((await playground()).policy.draft).toBe(true);

    // A YAML error (a key given twice): its line and column, and the caret goes there.
    const lines = edited.split('\n');
    const versionLine = lines.indexOf('version: 1');
    const broken = [...lines.slice(0, versionLine + 1), 'version: 2', ...lines.slice(versionLine + 1)].join('\n');
    await editor.fill(broken);
    await poll(() => text('#policy-state')).toBe('does not build');
    const errors = page.locator('#policy-errors li');
    expect(await errors.count()).toBe(1);
    expect(await errors.first().textContent()).toMatch(new RegExp(`^policy\\.yaml:${versionLine + 2}:1 \\S`));
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    expect(await text('#out-status')).toBe('403 FORBIDDEN'); // the last good draft still serves
    await errors.first().getByRole('button').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('policy-editor');
    const lineStart = lines.slice(0, versionLine + 1).join('\n').length + 1;
    expect(await editor.evaluate((e: HTMLTextAreaElement) => [e.selectionStart, e.selectionEnd])).toEqual([lineStart, lineStart]);

    // Fixed again, then saved: the file on disk is the edited text, and a reload shows it.
    await editor.fill(edited);
    await poll(() => text('#policy-state')).toBe('draft — not saved');
    expect(await errors.count()).toBe(0);
    expect(await editor.getAttribute('aria-invalid')).toBe('false');
    await page.getByRole('button', { name: 'Save to policies/' }).click();
    await poll(() => text('#policy-state')).toBe('saved');
    expect(readFileSync(policyFile, 'utf8')).toBe(edited);
    expect((await playground()).policy.draft).toBe(false);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.getByLabel('Policy', { exact: true }).inputValue()).toBe(edited);
    expect(await text('#policy-state')).toBe('saved');
    expect(await page.locator('#policy-editor').evaluate((e: HTMLTextAreaElement) => e.readOnly)).toBe(false); // the token survived the reload
    await sendAs('m-1', 'ecom.orders.getOrder', ['o-1']);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');

    // Ctrl+S in the editor saves too: the shop's policy back as it was.
    await page.getByLabel('Policy', { exact: true }).fill(original);
    await page.getByLabel('Policy', { exact: true }).press('Control+s');
    await poll(() => readFileSync(policyFile, 'utf8')).toBe(original);
    await poll(() => text('#out-status')).toBe('200 OK');
    await poll(() => text('#policy-state')).toBe('saved');

    // Discard: a draft is dropped, the files on disk serve again, and the last call follows.
    await page.getByLabel('Policy', { exact: true }).fill(edited);
    await poll(() => text('#policy-state')).toBe('draft — not saved');
    await poll(() => text('#out-status')).toBe('403 FORBIDDEN');
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await poll(() => text('#out-resent')).toMatch(/discarded/);
    expect(await text('#out-status')).toBe('200 OK');
    expect(await text('#policy-state')).toBe('saved');
    expect(await page.getByLabel('Policy', { exact: true }).inputValue()).toBe(original);
    expect((await playground()).policy.draft).toBe(false);
    expect(readFileSync(policyFile, 'utf8')).toBe(original);
  });

  it('refuses a policy edit without the start token, and one from a page on another origin', async () => {
    // A visitor could read any order under this policy, were it ever applied.
    const attack = {
      files: [
        {
          name: 'policy.yaml',
          text: original.replace(
            ORDER_RULE,
            '\n  - id: anyone-reads-any-order\n    description: Anyone reads any order.\n    roles: [visitor]\n    allow: ecom.orders.getOrder\n\n',
          ),
        },
      ],
    };
    const digest = (await playground()).policy.digest;

    // The playground's own origin, without the header.
    const withoutToken = await page.evaluate(async (body) => {
      const response = await fetch('/_dev/policy/save', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    }, attack);
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.error).toMatch(/start token/);

    // A page on another loopback port: a form post, a no-cors fetch, and even a CORS fetch that knows the token.
    const dev = server.url;
    const bodyText = JSON.stringify(attack);
    const script = `
      const done = {};
      const sink = document.querySelector('iframe');
      const formLoaded = new Promise((resolve) => {
        sink.addEventListener('load', () => resolve('loaded'));
        setTimeout(() => resolve('timeout'), 5000);
      });
      const input = document.querySelector('input');
      input.name = ${JSON.stringify(bodyText.slice(0, -1) + ',"x":"')};
      input.value = '"}';
      document.querySelector('form').submit();
      Promise.all([
        formLoaded.then((r) => (done.form = r)),
        fetch(${JSON.stringify(`${dev}/_dev/policy/draft`)}, { method: 'POST', mode: 'no-cors', body: ${JSON.stringify(bodyText)} })
          .then((r) => (done.noCors = r.type), (e) => (done.noCors = 'failed: ' + e.message)),
        fetch(${JSON.stringify(`${dev}/_dev/policy/save`)}, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-elevate-dev-token': ${JSON.stringify(server.token)} },
          body: ${JSON.stringify(bodyText)},
        }).then((r) => (done.cors = r.status), (e) => (done.cors = 'failed')),
      ]).then(() => (window.attempts = done));
    `.replace(/<\//g, '<\\/');
    const html = `<!doctype html><title>another site</title><iframe name="sink"></iframe><form method="post" enctype="text/plain" target="sink" action="${dev}/_dev/policy/save"><input></form><script>${script}</script>`;
    const foreign: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', () => resolve()));
    const context = await browser.newContext();
    try {
      const port = (foreign.address() as { port: number }).port;
      const other = await context.newPage();
      await other.goto(`http://127.0.0.1:${port}/`);
      await other.waitForFunction(() => (window as any).attempts !== undefined, undefined, { timeout: 15_000 });
      const attempts = await other.evaluate(() => (window as any).attempts);
      expect(attempts.form).toBe('loaded');
      expect(attempts.noCors).toBe('opaque');
      expect(attempts.cors).toBe('failed'); // the preflight from a foreign Origin is refused
    } finally {
      await context.close();
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
    expect(readFileSync(policyFile, 'utf8')).toBe(original);
    const after = await playground();
    expect(after.policy.draft).toBe(false);
    expect(after.policy.digest).toBe(digest);
    expect((await getOrderAs(devTokens.visitor, 'o-1')).status).toBe(403);

    // Outside a browser: the token with a foreign Origin is still refused, and without Origin it is the token that admits.
    const evil = await fetch(`${server.url}/_dev/policy/save`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'x-elevate-dev-token': server.token, 'content-type': 'application/json' },
      body: bodyText,
    });
    expect(evil.status).toBe(403);
    const noToken = await fetch(`${server.url}/_dev/policy/draft`, { method: 'POST', body: bodyText });
    expect(noToken.status).toBe(403);
    expect(readFileSync(policyFile, 'utf8')).toBe(original);
    // The same body, with the token and no foreign Origin, would have applied: the refusals above are what stopped it.
    const admitted = await fetch(`${server.url}/_dev/policy/draft`, { method: 'POST', headers: { 'x-elevate-dev-token': server.token }, body: bodyText });
    expect(admitted.status, await admitted.clone().text()).toBe(200);
    expect((await getOrderAs(devTokens.visitor, 'o-1')).status).toBe(200);
    expect((await fetch(`${server.url}/_dev/policy/discard`, { method: 'POST', headers: { 'x-elevate-dev-token': server.token } })).status).toBe(200);
    expect((await getOrderAs(devTokens.visitor, 'o-1')).status).toBe(403);
    expect(readFileSync(policyFile, 'utf8')).toBe(original);
  });
});
