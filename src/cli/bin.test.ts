// The installed command, as a reviewer runs it: `node bin/elevate.mjs …` in a child process.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { colourEnabled, paint } from './output';

const elevate = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/elevate.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe('bin/elevate.mjs', () => {
  it('check, explain and audit --check exit 0 on the shipped policy, with no colour off a TTY', () => {
    const check = elevate('check');
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok policies: 0 error(s)');
    expect(check.stdout).not.toContain('\u001b[');
    const explain = elevate('explain', '--as', 'member:m-1', 'ecom.orders.getOrder', '["o-1"]');
    expect(explain.status, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('decision: ALLOW');
    expect(elevate('audit', '--check').status).toBe(0);
  });

  it('exits 2 on an unknown command', () => {
    const run = elevate('nope');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "nope"');
  });
});

describe('colour', () => {
  it('is used only on a TTY and never with NO_COLOR', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(colourEnabled({ isTTY: false })).toBe(false);
      expect(colourEnabled({ isTTY: true })).toBe(process.env.TERM !== 'dumb');
      process.env.NO_COLOR = '1';
      expect(colourEnabled({ isTTY: true })).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
    expect(paint(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(paint(false).red('x')).toBe('x');
  });
});
