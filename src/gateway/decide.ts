// Caller + call → decision. One CASL ability per subject type, built from the compiled policy on
// that subject type's first request and kept: rules indexed by call, conditions compiled once by the
// strict matcher, so a request only touches the rules for its own call. Deny rules are added last, so
// CASL checks them first: they win.
import { createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { SUBJECT_TYPES, type CompiledRule, type DecisionPolicy, type SubjectType } from '../contract/compiled-policy';
import { strictConditionsMatcher, type Conditions } from '../conditions/strict-matcher';
import { CALLER } from '../conditions/placeholders';
import { matchesCallPattern } from '../conditions/call-pattern';
import type { Caller } from './caller';

/** CASL subject types: the call as requested, and the object it returns or touches. */
export const KIND: unique symbol = Symbol('kind');
type Doc = { [KIND]: 'Call' | 'Resource'; [CALLER]: Caller } & Record<string, unknown>;
type Ability = MongoAbility<[string, 'Call' | 'Resource' | Doc]>;

/** Resource conditions as CASL sees them: every field path under `resource.` (operators untouched). */
function underResource(conditions: Conditions): Conditions {
  const out: Conditions = {};
  for (const [key, value] of Object.entries(conditions)) {
    if (key === '$and' || key === '$or') out[key] = (value as Conditions[]).map(underResource);
    else out[`resource.${key}`] = value;
  }
  return out;
}

export type Decision =
  { effect: 'allow'; call: string; rules: CompiledRule[]; decidingRule: CompiledRule } | { effect: 'deny'; call: string; rule?: CompiledRule; reason: string };

export class PolicyEngine {
  private readonly abilities = new Map<SubjectType, Ability>();
  private readonly byId = new Map<string, CompiledRule>();

  constructor(readonly policy: DecisionPolicy) {
    for (const rule of policy.rules) this.byId.set(rule.id, rule);
  }

  /** The ability of one subject type, built on its first request (cold starts build only what they use). */
  private abilityFor(subjectType: SubjectType): Ability | undefined {
    let ability = this.abilities.get(subjectType);
    if (ability || !(SUBJECT_TYPES as readonly string[]).includes(subjectType)) return ability;
    const policy = this.policy;
    const allowedCalls = [...new Set(policy.rules.filter((r) => r.effect === 'allow').map((r) => r.call))];
    const held = new Set(policy.subjectRoles[subjectType] ?? []);
    const applies = (r: CompiledRule) => r.roles.some((role) => held.has(role));
    const raw: RawRuleOf<Ability>[] = [];
    for (const r of policy.rules) {
      if (r.effect !== 'allow' || !applies(r)) continue;
      raw.push({ action: r.call, subject: 'Call', conditions: r.when as never, reason: r.id });
      raw.push({ action: r.call, subject: 'Resource', conditions: r.resource && (underResource(r.resource) as never), reason: r.id });
    }
    for (const r of policy.rules) {
      if (r.effect !== 'deny' || !applies(r)) continue;
      for (const call of allowedCalls) {
        if (matchesCallPattern(r.call, call)) {
          raw.push({ action: call, subject: 'Call', conditions: r.when as never, inverted: true, reason: r.id });
        }
      }
    }
    ability = createMongoAbility<Ability>(raw, {
      conditionsMatcher: strictConditionsMatcher as never,
      detectSubjectType: (doc) => (doc as Doc)[KIND],
    });
    this.abilities.set(subjectType, ability);
    return ability;
  }

  /** Whether any allow rule of the caller's roles names the call (before its conditions). */
  grantsAny(caller: Caller, call: string): boolean {
    const ability = this.abilityFor(caller.subjectType);
    return ability !== undefined && ability.rulesFor(call, 'Call').some((r) => !r.inverted);
  }

  rule(id: string): CompiledRule | undefined {
    return this.byId.get(id);
  }

  /** Decides a call on its arguments: deny rules first, then every allow rule whose `when` holds. */
  decide(caller: Caller, call: string, args: unknown[]): Decision {
    const ability = this.abilityFor(caller.subjectType);
    if (!ability) return { effect: 'deny', call, reason: 'no rules for this subject type' };
    const doc = { [KIND]: 'Call', [CALLER]: caller, args } as Doc;
    const matched: CompiledRule[] = [];
    for (const rule of ability.rulesFor(call, 'Call')) {
      if (!rule.matchesConditions(doc)) continue;
      const compiled = this.byId.get(rule.reason!);
      if (!compiled) continue;
      if (rule.inverted) return { effect: 'deny', call, rule: compiled, reason: `deny rule "${compiled.id}"` };
      matched.push(compiled);
    }
    if (matched.length === 0) {
      const considered = ability.rulesFor(call, 'Call').length;
      return { effect: 'deny', call, reason: considered ? "no allow rule's conditions hold" : 'no rule grants this call' };
    }
    // CASL lists rules highest priority first (last defined); report the first in policy order.
    matched.reverse();
    return { effect: 'allow', call, rules: matched, decidingRule: matched[0]! };
  }

  /** True when the object satisfies the resource conditions of at least one of the allowing rules. */
  resourcePermitted(caller: Caller, call: string, allowing: CompiledRule[], object: unknown): boolean {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return false;
    const ability = this.abilityFor(caller.subjectType);
    if (!ability) return false;
    // The object is wrapped, not copied: resource conditions are compiled under `resource.`.
    const doc = { [KIND]: 'Resource', [CALLER]: caller, resource: object } as unknown as Doc;
    return ability.rulesFor(call, 'Resource').some((rule) => allowing.some((r) => r.id === rule.reason) && rule.matchesConditions(doc));
  }
}
