// `writable` as a whole-segment allow-list over every argument position, the addressed id aside.
import { describe, expect, it } from 'vitest';
import type { CompiledRule } from '../../contract/compiled-policy.ts';
import { GatewayError } from '../errors.ts';
import { checkWritable, resolvePresets } from './write-fields.ts';
import { planObligations } from '../obligation-plan.ts';

const rule = (writable?: string[]): CompiledRule => ({
  id: 'r',
  description: 'test',
  effect: 'allow',
  roles: ['x'],
  call: 'a.b.c',
  source: { file: 'f', line: 1, column: 1 },
  ...(writable ? { writable } : {}),
});
const refusal = (rules: CompiledRule[], args: unknown[], pathArgs: string[] = ['0']) => {
  try {
    // As enforcement does: the plan combines the rules' lists; no plan entry, no restriction.
    const { writable } = planObligations(rules, { call: 'a.b.c', kind: 'write-one' }, { defaultTimeoutMs: 1000 });
    if (writable) checkWritable(writable, args, pathArgs);
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return (e as GatewayError).message;
  }
  return undefined;
};

describe('checkWritable', () => {
  it('admits the listed paths and what is below them, and the id the call addresses', () => {
    expect(refusal([rule(['args.1.name', 'args.1.brand'])], ['p-1', { name: 'x', brand: { _id: 'b', name: 'y' } }])).toBeUndefined();
    expect(refusal([rule(['args.1.name'])], ['p-1', {}])).toBeUndefined();
    expect(refusal([rule(['args.0.name'])], [{ _id: 'p-1', name: 'x' }], ['0._id'])).toBeUndefined();
  });

  it('restricts every position, including options the rule never names', () => {
    expect(refusal([rule(['args.1.name'])], ['p-1', { name: 'x' }, { fields: ['MERCHANT_DATA'] }])).toBe('args.2.fields may not be set by this caller');
    expect(refusal([rule(['args.1.name'])], ['p-1', { name: 'x' }, 'scalar'])).toBe('args.2 may not be set by this caller');
    expect(refusal([rule([])], ['p-1', { name: 'x' }])).toBe('args.1.name may not be set by this caller');
  });

  it('compares whole segments: a key holding a dot is not the path it spells, and prototype names never match', () => {
    expect(refusal([rule(['args.1.name'])], ['p-1', { 'name.first': 'x' }])).toBe('args.1.name.first may not be set by this caller');
    expect(refusal([rule(['args.1.name.first'])], ['p-1', { 'name.first': 'x' }])).toBe('args.1.name.first may not be set by this caller');
    expect(refusal([rule(['args.1.constructor'])], ['p-1', { constructor: 'x' }])).toBe('args.1.constructor may not be set by this caller');
    expect(refusal([rule(['args.1.name'])], ['p-1', { nameX: 'x' }])).toBe('args.1.nameX may not be set by this caller');
  });

  it('the id selector is exempt only at its own path', () => {
    expect(refusal([rule(['args.1.name'])], [{ _id: 'p-1', extra: 1 }], ['0._id'])).toBe('args.0.extra may not be set by this caller');
  });

  it("several rules: any rule's list admits a key; a rule without a list admits everything", () => {
    expect(refusal([rule(['args.1.a']), rule(['args.1.b'])], ['p', { a: 1, b: 2 }])).toBeUndefined();
    expect(refusal([rule(['args.1.a']), rule()], ['p', { z: 1 }, { y: 2 }])).toBeUndefined();
  });
});

describe('resolvePresets', () => {
  it('refuses a preset with no value for the caller at any depth, not only at the top', () => {
    const member = { subjectType: 'MEMBER' as const, id: 'm-1', roles: ['member'] };
    expect(resolvePresets([{ path: 'args.0.filter', value: { memberId: '${caller.id}' } }], member).get('args.0.filter')).toEqual({ memberId: 'm-1' });
    for (const value of ['${caller.siteId}', { contactId: '${caller.contactId}' }, [{ a: '${caller.siteId}' }]]) {
      expect(() => resolvePresets([{ path: 'args.0.filter', value }], member)).toThrow(GatewayError);
    }
  });
});
