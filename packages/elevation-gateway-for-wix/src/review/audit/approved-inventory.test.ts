// Any change of what the shop fixture's policy permits fails `npm test` until a reviewer approves it
// by updating test/fixtures/shop/policies/permitted-calls.approved.json (`elevate audit --approve`
// from the package folder).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkPolicy } from '../../policy/check.ts';
import { parsePolicyText } from '../../policy/load.ts';
import { compilePolicy } from '../../policy/compile.ts';
import { lintPolicy } from '../../policy/lint.ts';
import type { Diagnostic } from '../../policy/diagnostics.ts';
import { permittedCalls } from './permitted-calls.ts';
import { SHOP } from '../../dev/testing/shop.ts';
import { approvedInventoryText, diffInventory, formatInventoryDiff, parseApprovedInventory } from './inventory-diff.ts';

async function inventoryOf(text: string) {
  const diagnostics: Diagnostic[] = [];
  const file = parsePolicyText(text, `${SHOP.policies}/policy.yaml`, diagnostics);
  const { policy } = await compilePolicy([file], diagnostics);
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return permittedCalls(policy, lintPolicy(policy, [file]).accepted);
}

describe('the approved permitted-call inventory', () => {
  it('matches what the policy permits', async () => {
    const { policy, accepted } = await checkPolicy({ policies: SHOP.policies, generated: false, project: SHOP.root });
    const approved = parseApprovedInventory(readFileSync(SHOP.approved, 'utf8'), SHOP.approved);
    const diff = formatInventoryDiff(diffInventory(approved, permittedCalls(policy!, accepted)));
    expect(diff, `The policy's permissions changed. Review, then approve with \`elevate audit --approve\` (from the package folder):\n${diff}`).toBe('');
  });

  it('is the exact text `elevate audit --approve` writes', async () => {
    const { policy, accepted } = await checkPolicy({ policies: SHOP.policies, generated: false, project: SHOP.root });
    expect(readFileSync(SHOP.approved, 'utf8')).toBe(approvedInventoryText(permittedCalls(policy!, accepted)));
  });

  it('turns a new grant, a lost grant and a changed condition into one diff line each', async () => {
    const shipped = readFileSync(`${SHOP.policies}/policy.yaml`, 'utf8');
    const approved = await inventoryOf(shipped);
    const changed = await inventoryOf(
      shipped
        .replace('allow: ecom.orders.searchOrders\n', 'allow: ecom.orders.searchOrders\n    when: { args.0.filter: { $exists: true } }\n')
        .replace(/\n  - id: visitor-views-product[\s\S]*?revenueDetails\]\n/, '\n')
        .concat(
          '\n  - id: visitor-reads-order\n    description: Too much.\n    roles: [visitor]\n    allow: ecom.orders.getOrder\n    resource: { buyerInfo.visitorId: "${caller.id}" }\n    fields: { allow: [_id, status] }\n',
        ),
    );
    expect(formatInventoryDiff(diffInventory(approved, changed)).split('\n')).toEqual(
      [
        '- member stores.productsV3.getProduct (rule visitor-views-product)',
        '+ member ecom.orders.getOrder (rule visitor-reads-order)',
        '~ member ecom.orders.searchOrders (rule member-searches-own-orders): when null → {"args.0.filter":{"$exists":true}}',
        '- visitor stores.productsV3.getProduct (rule visitor-views-product)',
        '+ visitor ecom.orders.getOrder (rule visitor-reads-order)',
      ].sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1)),
    );
  });
});
