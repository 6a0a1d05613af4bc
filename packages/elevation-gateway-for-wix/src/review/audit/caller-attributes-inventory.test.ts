// The approved inventory holds what each caller attribute a grant names is: re-pointing the read
// (another member's id, another value, more subject types) is a change of permissions a reviewer sees.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { policyFromYaml } from '../../dev/testing/policy-fixture.ts';
import { permittedCalls } from './permitted-calls.ts';
import { diffInventory, formatInventoryDiff } from './inventory-diff.ts';

const FIXTURE = readFileSync('test/fixtures/members-contacts-loyalty.yaml', 'utf8');

describe('caller attributes in the permitted-call inventory', () => {
  it('lists the definition beside each grant that names it, and a changed definition is a diff', async () => {
    const shipped = permittedCalls((await policyFromYaml(FIXTURE)).policy);
    const own = shipped.find((e) => e.rule === 'own-loyalty-account')!;
    expect(own.callerAttributes).toEqual({
      contactId: { subjects: ['MEMBER'], read: 'members.members.getMember', args: ['${caller.id}'], value: 'contactId' },
    });
    expect(shipped.find((e) => e.rule === 'own-member-record')!.callerAttributes).toBeUndefined();
    const tampered = permittedCalls((await policyFromYaml(FIXTURE.replace('args: ["${caller.id}"]', 'args: ["m-2"]'))).policy);
    const diff = formatInventoryDiff(diffInventory(shipped, tampered));
    expect(diff).toContain('own-loyalty-account');
    expect(diff).toContain('m-2');
  });
});
