// Resource, field and caller-attribute paths are checked against the SDK's result types: a typo is
// an error at its position with the suggestion, not a rule that silently denies (or a mask that
// silently hides nothing) at run time.
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from './load.ts';
import { compilePolicy } from './compile.ts';
import { lintPolicy } from './lint.ts';
import type { Diagnostic } from './diagnostics.ts';

const HEAD = `version: 1
roles:
  member: { subjects: [MEMBER] }
  visitor: { subjects: [VISITOR] }
rules:
`;

async function compiled(rules: string) {
  const diagnostics: Diagnostic[] = [];
  const file = parsePolicyText(HEAD + rules, 'p.yaml', diagnostics);
  const { policy } = await compilePolicy([file], diagnostics);
  return { policy, diagnostics, file, errors: diagnostics.filter((d) => d.severity === 'error') };
}

describe('field paths against the result types', () => {
  it('refuses memberid for memberId, at the key, with the suggestion', async () => {
    const { errors } = await compiled(`  - id: own-order
    description: d
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberid: "\${caller.id}" }
`);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'field-path',
        file: 'p.yaml',
        line: 10,
        column: 17,
        rule: 'own-order',
        message: expect.stringContaining('resource: buyerInfo.memberid: "memberid" is not a field of Order.buyerInfo (did you mean "memberId"?)'),
      }),
    ]);
  });

  it('checks field masks on each item of a list, through arrays', async () => {
    const ok = await compiled(`  - id: browse
    description: d
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    fields: { deny: [costRange, variantsInfo.variants.revenueDetails] }
`);
    expect(ok.errors).toEqual([]);
    const typo = await compiled(`  - id: browse
    description: d
    roles: [visitor]
    allow: stores.productsV3.queryProducts
    fields: { deny: [costRange, variantsInfo.variants.revenueDetail] }
`);
    expect(typo.errors).toEqual([
      expect.objectContaining({ code: 'field-path', line: 10, column: 33, message: expect.stringContaining('did you mean "revenueDetails"?') }),
    ]);
  });

  it("checks a write's resource condition against its preload's object", async () => {
    const { errors } = await compiled(`  - id: cancel-own
    description: d
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}", statuz: APPROVED }
`);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'field-path', line: 11, message: expect.stringContaining('"statuz" is not a field of Order (did you mean "status"?)') }),
    ]);
  });

  it('accepts any path below an open object (a Wix Data item is typed by the policy, not the SDK)', async () => {
    const { errors } = await compiled(`  - id: own-review
    description: d
    roles: [member]
    allow: data.items.get
    when: { args.0: reviews }
    resource: { _owner: "\${caller.id}", nested.anything: 1 }
`);
    expect(errors).toEqual([]);
  });
});

describe("risk hints name fields of the method's own type", () => {
  const hintFor = async (call: string) => {
    const { policy, file } = await compiled(`  - id: r
    description: d
    roles: [member]
    allow: ${call}
    fields: { deny: [_id] }
`);
    return lintPolicy(policy!, [file]).warnings.find((w) => w.code === 'risk/id-without-resource')?.message;
  };

  it.each([
    ['ecom.orders.getOrder', 'resource: { buyerInfo.memberId: "${caller.id}" }'],
    ['members.members.getMember', 'resource: { _id: "${caller.id}" }'],
    ['loyalty.accounts.getAccount', 'resource: { memberId: "${caller.id}" }'],
    ['crm.contacts.getContact', 'caller attribute (callerAttributes)'],
  ])('%s', async (call, hint) => {
    const message = await hintFor(call);
    expect(message).toContain(hint);
    expect(message).not.toContain(call.startsWith('ecom.') ? 'contactId' : 'buyerInfo');
  });
});
