// The installed command, as a reviewer runs it: `node bin/elevate.js …` (the compiled CLI, which the
// test run builds first: test/build-dist.ts) in a child process.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { colourEnabled, paint } from './output.ts';

const BIN = resolve('bin/elevate.js');
const elevate = (...args: string[]) => elevateIn(process.cwd(), ...args);
const elevateIn = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe('bin/elevate.js', () => {
  it('check, explain and audit --check exit 0 on the shipped policy, with no colour off a TTY', () => {
    const check = elevate('check');
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok test/fixtures/shop/policies: 0 error(s)');
    expect(check.stdout).not.toContain('\u001b[');
    const explain = elevate('explain', '--as', 'member:m-1', 'ecom.orders.getOrder', '["o-1"]');
    expect(explain.status, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('decision: ALLOW');
    expect(elevate('audit', '--check').status).toBe(0);
  });

  it("registers the project's obligation kinds from src/obligations/index.ts before reading its policy", () => {
    const project = mkdtempSync(join(tmpdir(), 'elevate-kinds-'));
    try {
      mkdirSync(join(project, 'policies'));
      // A project of its own: its manifest names the SDK packages it uses, installed beside it.
      writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', dependencies: { '@wix/ecom': '*', '@wix/auto_sdk_ecom_orders': '*' } }));
      symlinkSync(resolve('../../node_modules'), join(project, 'node_modules'), 'dir');
      writeFileSync(
        join(project, 'policies/p.yaml'),
        'version: 1\nroles:\n  member: { subjects: [MEMBER] }\nrules:\n  - id: r\n    description: d\n    roles: [member]\n    allow: ecom.orders.getOrder\n    resource: { buyerInfo.memberId: "${caller.id}" }\n    auditMark: reviewed\n',
      );
      const refused = elevateIn(project, 'audit', '--json');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('unknown key "auditMark"');
      mkdirSync(join(project, 'src/obligations'), { recursive: true });
      // As an app writes it: the package by its name (the CLI's own registry), zod from the app's packages.
      writeFileSync(
        join(project, 'src/obligations/index.ts'),
        "import { z } from 'zod';\nimport { registerObligationKind, type ObligationKind } from 'elevation-gateway-for-wix';\nconst kind: ObligationKind = " +
          "{ key: 'auditMark', description: 'a mark', schema: z.string(), combine: (c) => c[0], describe: (p) => ({ mark: p }) };\nregisterObligationKind(kind);\n",
      );
      const audit = elevateIn(project, 'audit', '--json');
      expect(audit.status, audit.stderr).toBe(0);
      expect(JSON.parse(audit.stdout)).toMatchObject([{ rule: 'r', extensions: { auditMark: { mark: 'reviewed' } } }]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
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
