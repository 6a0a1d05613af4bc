// Fields per object: when allowing rules return different fields, an object gets the fields of the
// rules that let it through — a read's object by its own resource conditions, a write's reply by
// its preloaded target. Against the emulated Wix, with what reached it checked.
import { describe, expect, it } from 'vitest';
import { createTestBed } from '../dev/testing/test-bed.ts';
import { policyFromYaml } from '../dev/testing/policy-fixture.ts';
import { devTokens } from '../dev/emulator/index.ts';

const POLICY = `version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: own-order-whole
    description: A member reads their own order whole.
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
  - id: any-order-status
    description: A member sees the status of any approved order.
    roles: [member]
    allow: ecom.orders.getOrder
    resource: { status: APPROVED }
    fields: { allow: [_id, status] }
  - id: own-cancel
    description: A member cancels their own order and gets it back whole.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    writable: [args.1.customMessage]
  - id: any-cancel-status-only
    description: A member cancels any approved order and sees only its status.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { status: APPROVED }
    fields: { allow: [order._id, order.status] }
    writable: [args.1.customMessage]
    justification: a test of fields per object on writes
`;

const m1 = devTokens.members['m-1'];

describe('fields per object', () => {
  it("a read: one's own order whole, another's masked to the fields of the rule that let it through", async () => {
    const b = createTestBed({ policy: await policyFromYaml(POLICY) });
    const own = await b.call(m1, 'ecom.orders', 'getOrder', ['o-1']);
    expect(own.body.result).toMatchObject({ _id: 'o-1', buyerInfo: { memberId: 'm-1' } });
    const other = await b.call(m1, 'ecom.orders', 'getOrder', ['o-4']);
    expect(other.status).toBe(200);
    expect(Object.keys(other.body.result).sort()).toEqual(['_id', 'status']);
  });

  it("a write's reply: judged by its preloaded target, so another member's order never comes back whole", async () => {
    const b = createTestBed({ policy: await policyFromYaml(POLICY) });
    const other = await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-4', {}]);
    expect(other.status).toBe(200);
    expect(other.body.result).toEqual({ order: { _id: 'o-4', status: 'CANCELED' } });
    expect(JSON.stringify(other.body)).not.toMatch(/grace|buyerInfo|billingInfo/i);
    expect(b.upstream().map((r) => r.route)).toEqual(['getOrder', 'cancelOrder']);
    const own = await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', {}]);
    expect(own.status).toBe(200);
    expect(own.body.result.order).toMatchObject({ _id: 'o-1', buyerInfo: { memberId: 'm-1' } });
  });
});

const MIXED = `version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: cancel-guest-orders-whole
    description: A member cancels an order with no member buyer and sees it whole.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: { $exists: false } }
    writable: [args.1.customMessage, args.1.restockAllItems]
    justification: a test of fields per object on writes
  - id: cancel-any-status-only
    description: A member cancels any order and sees only its status.
    roles: [member]
    allow: ecom.orders.cancelOrder
    fields: { allow: [order._id, order.status] }
    writable: [args.1.customMessage]
    justification: a test of fields per object on writes
`;

const OWN_OR_ANY = `version: 1
roles:
  member: { subjects: [MEMBER] }
rules:
  - id: own-cancel
    description: A member cancels their own order and may restock it.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { buyerInfo.memberId: "\${caller.id}" }
    writable: [args.1.customMessage, args.1.restockAllItems]
  - id: any-approved-cancel
    description: A member cancels any approved order, with a message only.
    roles: [member]
    allow: ecom.orders.cancelOrder
    preload: ecom.orders.getOrder
    resource: { status: APPROVED }
    writable: [args.1.customMessage]
    justification: a test of writable per target
`;

describe('fields and writable per target, with mixed rules', () => {
  it('without a preloaded target, only the rules without resource conditions let the reply through', async () => {
    const b = createTestBed({ policy: await policyFromYaml(MIXED) });
    const reply = await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-4', {}]);
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({ order: { _id: 'o-4', status: 'CANCELED' } });
  });

  it('a path only a rule the target fails may write is refused (400), and nothing is written', async () => {
    const b = createTestBed({ policy: await policyFromYaml(OWN_OR_ANY) });
    const other = await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-4', { restockAllItems: true }]);
    expect(other.status).toBe(400);
    expect(b.upstream().map((r) => r.route)).toEqual(['getOrder']);
    expect((await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-4', { customMessage: 'sorry' }])).status).toBe(200);
    expect((await b.call(m1, 'ecom.orders', 'cancelOrder', ['o-1', { restockAllItems: true }])).status).toBe(200);
  });
});
