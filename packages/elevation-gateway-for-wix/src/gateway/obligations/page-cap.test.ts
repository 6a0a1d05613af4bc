// The page cap on a query already checked against the method's signature.
import { describe, expect, it } from 'vitest';
import { applyPageCap } from './page-cap.ts';

describe('applyPageCap', () => {
  it("gives a query without paging the method's own form, at the cap", () => {
    const query: Record<string, unknown> = {};
    expect(applyPageCap(query, 20, ['cursorPaging', 'paging'])).toEqual({ cap: 20, enforced: ['cursorPaging'] });
    expect(query).toEqual({ cursorPaging: { limit: 20 } });
  });

  it('sets a missing, zero or larger size to the cap and keeps a smaller one', () => {
    for (const [paging, limit, enforced] of [
      [{}, 20, ['cursorPaging']],
      [{ limit: 0 }, 20, ['cursorPaging']],
      [{ limit: 500 }, 20, ['cursorPaging']],
      [{ limit: '5' }, 20, ['cursorPaging']],
      [{ limit: 5 }, 5, []],
    ] as const) {
      const query: Record<string, unknown> = { cursorPaging: { ...paging, cursor: 'c' } };
      expect(applyPageCap(query, 20, ['cursorPaging']).enforced).toEqual(enforced);
      expect(query.cursorPaging).toEqual({ cursor: 'c', limit });
    }
  });

  it('leaves a method without a paging form alone', () => {
    const query: Record<string, unknown> = { filter: {} };
    expect(applyPageCap(query, 20, [])).toEqual({ cap: 20, enforced: [] });
    expect(query).toEqual({ filter: {} });
  });
});
