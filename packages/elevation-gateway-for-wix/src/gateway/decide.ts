// Caller + call → decision. One CASL ability per subject type, built from the compiled policy on
// that subject type's first request and kept: rules indexed by call, conditions compiled once by the
// strict matcher, so a request only touches the rules for its own call. Deny rules are added last, so
// CASL checks them first: they win.
import { createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { SUBJECT_TYPES, type CompiledRule, type DecisionPolicy, type SubjectType } from '../contract/compiled-policy.ts';
import { strictConditionsMatcher, type Conditions } from '../conditions/strict-matcher.ts';
import { CALLER, hasUnresolvedPlaceholder } from '../conditions/placeholders.ts';
import { matchesCallPattern } from '../conditions/call-pattern.ts';
import type { Caller } from '../contract/caller.ts';

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

/** Why a call no rule of the caller's roles names is refused (an unknown call reads the same). */
export const NO_RULE_GRANTS = 'no rule grants this call';

/** One rule of the call, as the engine weighed it for a caller. */
export interface RuleTrace {
  rule: CompiledRule;
  /** The caller holds one of the rule's roles. */
  applies: boolean;
  /** The rule took part: it applies and its `when` held (as the engine's own matcher judged it). */
  matched: boolean;
  /** What `when` was matched against. */
  input: { args: unknown[] };
}

/** Receives the engine's steps while it decides (explain's trace); the engine never depends on what it does. */
export interface RuleTracer {
  rule(trace: RuleTrace): void;
}

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

  /**
   * Decides a call on its arguments: deny rules first, then every allow rule whose `when` holds.
   * With a tracer, every rule naming the call is reported, those of roles the caller lacks too,
   * and the first matching deny rule still decides.
   */
  decide(caller: Caller, call: string, args: unknown[], tracer?: RuleTracer): Decision {
    const ability = this.abilityFor(caller.subjectType);
    if (!ability) return { effect: 'deny', call, reason: 'no rules for this subject type' };
    const doc = { [KIND]: 'Call', [CALLER]: caller, args } as Doc;
    const matched: CompiledRule[] = [];
    let denied: Decision | undefined;
    const weighed = tracer ? new Set<string>() : undefined;
    for (const rule of ability.rulesFor(call, 'Call')) {
      const compiled = this.byId.get(rule.reason!);
      if (!compiled) continue;
      // A deny rule whose condition names an attribute the caller has no value for holds: a negative
      // test (`$ne: ${caller.siteId}`) on nothing must not let the call through.
      const holds =
        rule.matchesConditions(doc) || (rule.inverted === true && hasUnresolvedPlaceholder(compiled.when, caller as unknown as Record<string, unknown>));
      if (tracer) {
        weighed!.add(compiled.id);
        tracer.rule({ rule: compiled, applies: true, matched: holds, input: { args } });
      }
      if (!holds) continue;
      if (rule.inverted) {
        denied ??= { effect: 'deny', call, rule: compiled, reason: `deny rule "${compiled.id}"` };
        if (!tracer) return denied;
        continue;
      }
      matched.push(compiled);
    }
    if (tracer) this.traceOthers(call, weighed!, args, tracer);
    if (denied) return denied;
    if (matched.length === 0) {
      const considered = ability.rulesFor(call, 'Call').length;
      return { effect: 'deny', call, reason: considered ? "no allow rule's conditions hold" : NO_RULE_GRANTS };
    }
    // CASL lists rules highest priority first (last defined); report the first in policy order.
    matched.reverse();
    return { effect: 'allow', call, rules: matched, decidingRule: matched[0]! };
  }

  /** The rules naming the call that the caller's roles do not hold (traced only). */
  private traceOthers(call: string, weighed: Set<string>, args: unknown[], tracer: RuleTracer): void {
    for (const r of this.policy.rules) {
      if (weighed.has(r.id)) continue;
      if (r.effect === 'allow' ? r.call !== call : !matchesCallPattern(r.call, call)) continue;
      tracer.rule({ rule: r, applies: false, matched: false, input: { args } });
    }
  }

  /** True when the object satisfies the resource conditions of at least one of the rules named. */
  resourcePermitted(caller: Caller, call: string, allowing: ReadonlySet<string>, object: unknown): boolean {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return false;
    const ability = this.abilityFor(caller.subjectType);
    if (!ability) return false;
    // The object is wrapped, not copied: resource conditions are compiled under `resource.`.
    const doc = { [KIND]: 'Resource', [CALLER]: caller, resource: object } as unknown as Doc;
    return ability.rulesFor(call, 'Resource').some((rule) => allowing.has(rule.reason!) && rule.matchesConditions(doc));
  }
}
