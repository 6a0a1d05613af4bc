// Debian's Chromium (never a downloaded browser) for the browser tests, driven by playwright-core.
// Without /usr/bin/chromium a suite is skipped locally, loudly, and fails in CI.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser is there; throws in CI when it is not (browser tests are never skipped there). */
export function chromiumFor(suite: string): boolean {
  const there = existsSync(CHROMIUM);
  if (!there && process.env.CI) {
    throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run); browser tests are never skipped in CI`);
  }
  if (!there) console.warn(`${suite} SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return there;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}
