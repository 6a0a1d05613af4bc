// The README's table of statuses and codes is the contract users read: it must list exactly the
// codes the gateway answers with, each with its status. The README is the repository's (its root).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from './envelopes.ts';

describe("the README's status table", () => {
  it('lists every error code with its status, and nothing else', () => {
    const readme = readFileSync('../../README.md', 'utf8').split('\n');
    const header = readme.findIndex((l) => /^\| status \| `error\.code` \| when \|$/.test(l));
    expect(header, 'README.md has a "| status | `error.code` | when |" table').toBeGreaterThan(0);
    const rows: Record<string, number> = {};
    for (const line of readme.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      const m = /^\| (\d{3}) \| (`([A-Z_]+)`|—) \|/.exec(line);
      expect(m, line).not.toBeNull();
      if (m![3]) rows[m![3]] = Number(m![1]);
      else expect(m![1]).toBe('200');
    }
    expect(rows).toEqual({ ...ERROR_STATUS });
  });
});
