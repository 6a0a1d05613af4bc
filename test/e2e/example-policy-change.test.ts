// A user's policy change can fail only the user's gates. In a temporary copy of this repository
// (its tracked and new files, installed with `npm ci` from npm's cache), the example app gets an SDK
// package it did not use (@wix/crm), a rule for one of its methods on a caller attribute and a policy test; after
// `elevate build` and `elevate audit --approve`, the repository's own `npm test` is green: the
// product's tests never read the example's policy.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootVersion, run } from './run.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const nested = process.env.ELEVATE_E2E_NESTED === '1';

const RULE = `
  - id: member-reads-own-contact
    description: A member reads their own contact, and no one else's.
    roles: [member]
    allow: crm.contacts.getContact
    resource: { _id: "\${caller.contactId}" }
`;

const TESTS = `description: The contacts rule, on the caller attribute contactId.
cases:
  - name: a member reads their own contact
    as: member:m-1
    attributes: { contactId: c-1 }
    call: crm.contacts.getContact
    args: [c-1]
    resource: { _id: c-1 }
    expect: allow
    rule: member-reads-own-contact
  - name: a member cannot read another contact
    as: member:m-1
    attributes: { contactId: c-1 }
    call: crm.contacts.getContact
    args: [c-2]
    resource: { _id: c-2 }
    expect: deny
`;

describe.skipIf(nested)('a policy change to the example, in a copy of the repository', () => {
  let copy: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'elevate-repo-'));
    // What a clone holds: tracked files and new ones not ignored (so the test also runs before a commit).
    const listed = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT);
    expect(listed.code, listed.out).toBe(0);
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      try {
        mkdirSync(dirname(join(copy, file)), { recursive: true });
        cpSync(join(ROOT, file), join(copy, file));
      } catch (error) {
        // A file deleted from the work tree but still in the index is not part of the copy.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    const installed = run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], copy, { timeoutMs: 900_000 });
    expect(installed.code, installed.out).toBe(0);
  });
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('adds @wix/crm, a rule on a caller attribute and a policy test to the example, approves, and `npm test` stays green', async () => {
    const example = join(copy, 'examples/wix-cli-app');
    const crm = await rootVersion('@wix/crm');
    const module = await rootVersion('@wix/auto_sdk_crm_contacts');
    const added = run(
      'npm',
      ['install', `@wix/crm@${crm}`, `@wix/auto_sdk_crm_contacts@${module}`, '-w', 'examples/wix-cli-app', '--prefer-offline', '--no-audit', '--no-fund'],
      copy,
      { timeoutMs: 600_000 },
    );
    expect(added.code, added.out).toBe(0);
    const policy = join(example, 'policies/policy.yaml');
    writeFileSync(policy, `${readFileSync(policy, 'utf8').trimEnd()}\n${RULE}`);
    writeFileSync(join(example, 'policies/tests/contacts.yaml'), TESTS);

    const elevate = (...args: string[]) => run('npm', ['exec', '--', 'elevate', ...args], example);
    // The package's CLI is compiled; a fresh install has no dist/ yet.
    expect(run('npm', ['run', 'build'], copy).code).toBe(0);
    const gateBefore = elevate('audit', '--check');
    expect(gateBefore.code, gateBefore.out).toBe(1);
    expect(gateBefore.stderr).toContain('elevate audit --approve');
    for (const step of [['build'], ['audit', '--approve']]) {
      const ran = elevate(...step);
      expect(ran.code, ran.out).toBe(0);
    }
    // Everything the repository tests, but this suite itself (it would copy itself again).
    const tested = run('npm', ['test'], copy, { env: { ELEVATE_E2E_NESTED: '1', CI: process.env.CI ?? '' }, timeoutMs: 1_500_000 });
    expect(tested.code, tested.out.slice(-6000)).toBe(0);
    expect(tested.stdout).toMatch(/crm\.contacts\.getContact|member-reads-own-contact/);
  });
});
