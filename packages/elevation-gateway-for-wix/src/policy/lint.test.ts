// The risk lint on list rules whose resource conditions cannot all go into Wix's filter: the items
// are still re-checked, but a short page then tells the caller that excluded objects matched.
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from './load.ts';
import { compilePolicy } from './compile.ts';
import { lintPolicy } from './lint.ts';
import type { Diagnostic } from './diagnostics.ts';

async function warnings(resource: string): Promise<Diagnostic[]> {
  const text = `version: 1
roles: { visitor: { subjects: [VISITOR] } }
rules:
  - id: browse
    description: test
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    fields: { deny: [costRange] }
    resource: ${resource}
`;
  const diagnostics: Diagnostic[] = [];
  const file = parsePolicyText(text, 'p.yaml', diagnostics);
  const { policy } = await compilePolicy([file], diagnostics);
  return lintPolicy(policy!, [file]).warnings.filter((w) => w.code === 'risk/list-condition-not-filterable');
}

describe('risk/list-condition-not-filterable', () => {
  it.each([
    ['a field the query spec does not declare', '{ productType: PHYSICAL }'],
    ['an operator the field does not take', '{ options._id: x }'],
    ['an operator Wix filters have not', '{ visible: { $not: { $eq: false } } }'],
    ['one branch of an $or', '{ $or: [{ visible: true }, { productType: PHYSICAL }] }'],
  ])('warns on %s, at the resource key', async (_name, resource) => {
    const found = await warnings(resource);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 9, rule: 'browse' });
    expect(found[0]!.message).toContain('a page shorter than asked tells the caller that excluded objects matched its filter');
  });

  it.each([['{ visible: true }'], ['{ slug: { $in: [a, b] }, visible: { $ne: false } }'], ['{ _id: "${caller.id}" }']])(
    'is silent when all of %s goes into the filter',
    async (resource) => {
      expect(await warnings(resource)).toEqual([]);
    },
  );
});
