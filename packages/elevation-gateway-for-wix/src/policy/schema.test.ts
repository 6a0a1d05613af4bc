// The registry of obligation kinds keeps the built-in rule keys off limits; they must be the
// schema's own keys, or a kind could shadow one (or a new built-in key could be taken by a kind).
import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULE_KEYS } from '../contract/obligation-kind.ts';
import { ruleShape } from './schema.ts';

describe('rule keys', () => {
  it('the registry reserves exactly the keys of the rule schema', () => {
    expect([...BUILT_IN_RULE_KEYS].sort()).toEqual(Object.keys(ruleShape).sort());
  });
});
