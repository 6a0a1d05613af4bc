// The policy folder's *.yaml entries: each is a policy file, or an error at it; never silently skipped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDir, policyFiles } from './load.ts';
import type { Diagnostic } from './diagnostics.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'elevate-load-'));
  writeFileSync(join(dir, 'policy.yaml'), 'version: 1\nrules: []\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = () => {
  const diagnostics: Diagnostic[] = [];
  const files = loadPolicyDir(dir, diagnostics, dir);
  return {
    files: files.map((f) => f.file),
    errors: diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`),
  };
};

describe('loadPolicyDir', () => {
  it('reports a dangling symbolic link named *.yaml at the file, and reads the rest', () => {
    symlinkSync('version: 1\nrules: []\n', join(dir, 'legacy.yaml'));
    expect(load()).toEqual({
      files: ['policy.yaml'],
      errors: [
        'legacy.yaml:1:1 no-policy legacy.yaml is a symbolic link to nothing (a symbolic link to "version: 1\\nrules: []\\n"): a *.yaml entry of the policy folder must be a policy file (remove or rename it)',
      ],
    });
    // The editor's list of files holds only what can be read.
    expect(policyFiles(dir)).toEqual([join(dir, 'policy.yaml')]);
  });

  it('reports a folder named *.yaml', () => {
    mkdirSync(join(dir, 'more.yaml'));
    expect(load().errors).toEqual([
      'more.yaml:1:1 no-policy more.yaml is a folder: a *.yaml entry of the policy folder must be a policy file (remove or rename it)',
    ]);
  });

  it('reads a link to a regular file as that file', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'elevate-load-target-'));
    try {
      writeFileSync(join(elsewhere, 'shared.yaml'), 'version: 1\nrules: []\n');
      symlinkSync(join(elsewhere, 'shared.yaml'), join(dir, 'shared.yaml'));
      expect(load()).toEqual({ files: ['policy.yaml', 'shared.yaml'], errors: [] });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
