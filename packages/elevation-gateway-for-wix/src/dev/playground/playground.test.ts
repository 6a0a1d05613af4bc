// The playground in a real browser: Debian's Chromium (never a downloaded one) driven by
// playwright-core against the local server on loopback. Without /usr/bin/chromium the suite is
// skipped locally, loudly, and fails in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalServer, type LocalServer } from '../server/server.ts';
import { SHOP } from '../testing/shop.ts';
import { SOURCE_ALIASES } from '../testing/source-aliases.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run); browser tests are never skipped in CI`);
}
if (!haveChromium) console.warn(`playground browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('the playground in headless Chromium', () => {
  let server: LocalServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startLocalServer({ project: SHOP.root, aliases: SOURCE_ALIASES, port: 0, quiet: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function sendAs(identity: string, call: string, args?: unknown[]) {
    await page.getByLabel('Who you are').selectOption(identity);
    await page.getByLabel('Call', { exact: true }).selectOption(call);
    if (args) await page.getByLabel('Arguments (a JSON array)').fill(JSON.stringify(args));
    const before = await page.locator('#out-request-id').textContent();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction((previous) => {
      const id = document.querySelector('#out-request-id')?.textContent;
      return id && id !== previous && document.querySelector('#outcome')?.getAttribute('aria-busy') === 'false';
    }, before);
  }
  const text = async (selector: string) => (await page.locator(selector).textContent())?.trim();

  it('acting as a visitor, lists products (visible only, without cost data)', async () => {
    await sendAs('visitor', 'stores.productsV3.queryProducts');
    expect(await text('#out-status')).toBe('200 OK');
    expect(await text('#out-decision')).toBe('allow');
    expect(await text('#out-rule')).toBe('visitor-browses-catalog');
    const items = await page.locator('#out-items li').allTextContents();
    expect(items).toHaveLength(10);
    expect(items.join('\n')).toMatch(/\(p-\d{3}\)/);
    const obligations = (await page.locator('#out-obligations li').allTextContents()).join('\n');
    expect(obligations).toMatch(/forced filter/);
    expect(await text('#out-body')).not.toContain('costRange');
  });

  it('acting as a visitor, shows a denial by default when asking for an order: no rule grants it', async () => {
    const offered = await page.locator('#call optgroup').first().locator('option').allTextContents();
    expect(offered).not.toContain('ecom.orders.getOrder');
    await sendAs('visitor', 'ecom.orders.getOrder', ['o-1']);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-decision')).toBe('deny');
    expect(await text('#out-rule')).toBe('— (no rule decided)');
    expect(await text('#out-reason')).toBe('no rule grants this call');
  });

  it("shows the deciding rule of a rule-decided denial (member m-1 asking for m-2's order o-4)", async () => {
    await sendAs('m-1', 'ecom.orders.getOrder', ['o-4']);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-decision')).toBe('deny');
    expect(await text('#out-rule')).toBe('member-reads-own-order');
    expect(await text('#out-reason')).toBe('resource conditions do not hold');
    expect(await page.locator('#out-obligations li').allTextContents()).toEqual(['resource check failed']);
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: '../../docs/playground.png', fullPage: true });
  });

  it('is usable from the keyboard: Ctrl+Enter sends, bad JSON is announced, no token is 401', async () => {
    await page.getByLabel('Who you are').selectOption('none');
    await page.getByLabel('Call', { exact: true }).selectOption('ecom.orders.getOrder');
    const args = page.getByLabel('Arguments (a JSON array)');
    await args.fill('["o-1"');
    await args.press('Control+Enter');
    await expect.poll(() => text('#args-error')).toMatch(/^Arguments:/);
    expect(await page.locator('#args-error').getAttribute('role')).toBe('alert');
    expect(await args.getAttribute('aria-invalid')).toBe('true');
    await args.fill('["o-1"]');
    await args.press('Control+Enter');
    await expect.poll(() => text('#out-status')).toBe('401 UNAUTHENTICATED');
    expect(await page.locator('#outcome').getAttribute('aria-live')).toBe('polite');
  });

  it('sends any module and method typed in, and the gateway denies what the policy never names', async () => {
    await page.getByLabel('Who you are').selectOption('user');
    await page.getByLabel('Call', { exact: true }).selectOption('__custom__');
    await page.getByLabel('Module').fill('ecom.orders');
    await page.getByLabel('Method').fill('updateOrder');
    await page.getByLabel('Arguments (a JSON array)').fill('["o-1", {}]');
    const before = await text('#out-request-id');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => text('#out-request-id')).not.toBe(before);
    expect(await text('#out-status')).toBe('403 FORBIDDEN');
    expect(await text('#out-reason')).toBe('no rule grants this call');
  });
});
