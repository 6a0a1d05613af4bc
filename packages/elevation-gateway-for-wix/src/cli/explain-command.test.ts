import { describe, expect, it } from 'vitest';
import { copyPolicy, runCli } from '../dev/testing/cli-harness.ts';

describe('elevate explain', () => {
  it('explains a member reading an own order', async () => {
    const run = await runCli(['explain', '--as', 'member:m-1', 'ecom.orders.getOrder', '["o-1"]']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('decision: ALLOW  ecom.orders.getOrder("o-1") as MEMBER:m-1');
    expect(run.stdout).toContain('caller roles: member, visitor');
    expect(run.stdout).toContain('allow member-reads-own-order [ecom.orders.getOrder] — role member — matches');
    expect(run.stdout).toContain('resource condition (member-reads-own-order): {"buyerInfo.memberId":"${caller.id}"}');
    expect(run.stdout).toContain('the returned object is checked; a failing or missing object is the same 403');
  });

  it('says why a visitor is denied, and traces a sample resource', async () => {
    const visitor = await runCli(['explain', '--as', 'VISITOR', 'ecom.orders.getOrder', '["o-1"]']);
    expect(visitor.code).toBe(0);
    expect(visitor.stdout).toContain('decision: DENY');
    expect(visitor.stdout).toContain('allow member-reads-own-order [ecom.orders.getOrder] — not for this caller (roles member)');

    const other = await runCli([
      'explain',
      '--as',
      'member:m-1',
      'ecom.orders.getOrder',
      '["o-4"]',
      '--resource',
      '{"_id":"o-4","buyerInfo":{"memberId":"m-2"}}',
    ]);
    expect(other.stdout).toContain('DENY (the sample resource fails the resource conditions)');
    expect(other.stdout).toContain('✗ buyerInfo.memberId $eq "m-1" (${caller.id}): actual "m-2"');
  });

  it('--json gives the engine decision, the considered rules and the obligations', async () => {
    const run = await runCli(['explain', '--json', '--as', 'member:m-1', 'ecom.orders.searchOrders', '[{"cursorPaging":{"limit":500}}]']);
    const e = JSON.parse(run.stdout);
    expect(e.decision).toMatchObject({ effect: 'allow', decidingRule: { id: 'member-searches-own-orders' } });
    expect(e.caller).toEqual({ subjectType: 'MEMBER', id: 'm-1', roles: ['member', 'visitor'] });
    expect(e.obligations).toMatchObject({ cap: 50, filter: { 'buyerInfo.memberId': { $eq: 'm-1' } } });
  });

  it('exits 2 on a bad --as, bad JSON, non-array arguments or an unknown method', async () => {
    const badAs = await runCli(['explain', '--as', 'membr:m-1', 'ecom.orders.getOrder', '["o-1"]']);
    expect(badAs.code).toBe(2);
    expect(badAs.stderr).toContain('(did you mean "member"?)');
    expect(badAs.stderr).toContain('usage: elevate explain');
    const badJson = await runCli(['explain', '--as', 'member', 'ecom.orders.getOrder', '[o-1]']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('the arguments is not valid JSON');
    expect((await runCli(['explain', '--as', 'member', 'ecom.orders.getOrder', '{"id":"o-1"}'])).code).toBe(2);
    const unknown = await runCli(['explain', '--as', 'member', 'ecom.orders.getOrdr', '["o-1"]']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('(did you mean "getOrder"?)');
    expect((await runCli(['explain', 'ecom.orders.getOrder'])).code).toBe(2);
  });

  it('--site and --instance give the caller the attributes ${caller.siteId} and ${caller.instanceId} read', async () => {
    const copy = copyPolicy();
    try {
      copy.edit(
        'resource: { buyerInfo.memberId: "${caller.id}" }\n',
        'resource: { buyerInfo.memberId: "${caller.id}", channelInfo.externalOrderId: "${caller.siteId}" }\n',
      );
      const sample = '{"_id":"o-1","buyerInfo":{"memberId":"m-1"},"channelInfo":{"externalOrderId":"site-1"}}';
      const base = ['explain', '--policies', copy.dir, '--as', 'member:m-1', 'ecom.orders.getOrder', '["o-1"]', '--resource', sample];
      const without = await runCli(base);
      expect(without.stdout).toContain('DENY (the sample resource fails the resource conditions)');
      const withSite = await runCli([...base, '--site', 'site-1', '--instance', 'inst-1']);
      expect(withSite.code).toBe(0);
      expect(withSite.stdout).not.toContain('fails the resource conditions');
      expect(withSite.stdout).toContain('decision: ALLOW');
    } finally {
      copy.remove();
    }
  });
});
