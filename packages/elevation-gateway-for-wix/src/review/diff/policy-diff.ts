// The semantic diff of two compiled policies: for every kind of caller (the gateway decides per
// subject type, with the roles that subject type holds) and every call, what the change permits
// that the base did not (widens) and what it no longer permits (narrows). Grants are compared as
// sets: a rule of the change that some rule of the base already covers adds nothing, whatever its
// id or file; a rule of the base that some rule of the change covers loses nothing. So renaming
// or reordering rules and roles (a role is a name for the subject types that hold it: giving one
// to another kind of caller shows as the calls it now permits), splitting `$and`s or reordering `$in`s is no change.
import { SUBJECT_TYPES, type CompiledPolicy, type CompiledRule, type Limits, type SourcePosition, type SubjectType } from '../../contract/compiled-policy.ts';
import { matchesCallPattern } from '../../conditions/call-pattern.ts';
import { strictEqual } from '../../conditions/json-value.ts';
import { implies, toDnf } from './condition-implication.ts';
import { compareConditions, compareGrants, describeGrant, type Direction, type GrantChange } from './grant-comparison.ts';

export type ChangeKind =
  | 'newly-permitted'
  | 'no-longer-permitted'
  | 'rule-added'
  | 'rule-removed'
  | 'rule-changed'
  | 'deny-removed'
  | 'deny-added'
  | 'deny-changed'
  | 'caller-attribute'
  | 'limit';

export interface PolicyChange {
  direction: Direction;
  kind: ChangeKind;
  /** The kinds of caller it concerns (empty: the policy as a whole). */
  callers: SubjectType[];
  call?: string;
  /** The rule of the change (or of the base, when it is gone). */
  rule?: string;
  /** Where that rule is written. */
  source?: SourcePosition;
  /** Its roles. */
  roles?: string[];
  aspect?: string;
  text: string;
}

export interface PolicyDiff {
  changes: PolicyChange[];
  widens: number;
  narrows: number;
}

/** A policy that grants nothing: the base when the folder did not exist at the ref. */
export function emptyPolicy(limits: Limits): CompiledPolicy {
  return {
    format: 3,
    limits,
    roles: {},
    subjectRoles: Object.fromEntries(SUBJECT_TYPES.map((s) => [s, []])) as unknown as CompiledPolicy['subjectRoles'],
    rules: [],
    callerAttributes: {},
    methods: {},
    defaultTimeoutMs: 0,
  };
}

const widensNothing = (changes: GrantChange[]) => !changes.some((c) => c.direction === 'widens');
const narrowsNothing = (changes: GrantChange[]) => !changes.some((c) => c.direction === 'narrows');

/** The rule on the other side to describe a change against: the same id, else the only unpaired one. */
function counterpart(rule: CompiledRule, others: CompiledRule[], mine: CompiledRule[]): CompiledRule | undefined {
  const same = others.find((o) => o.id === rule.id);
  if (same) return same;
  const ids = new Set(mine.map((m) => m.id));
  const otherIds = new Set(others.map((o) => o.id));
  const unpairedOthers = others.filter((o) => !ids.has(o.id));
  const unpairedMine = mine.filter((m) => !otherIds.has(m.id));
  return unpairedOthers.length === 1 && unpairedMine.length === 1 ? unpairedOthers[0] : undefined;
}

interface Side {
  allow: Map<string, CompiledRule[]>;
  deny: CompiledRule[];
}

function sideOf(policy: CompiledPolicy, subjectType: SubjectType): Side {
  const held = new Set(policy.subjectRoles[subjectType] ?? []);
  const applies = (r: CompiledRule) => r.roles.some((role) => held.has(role));
  const allow = new Map<string, CompiledRule[]>();
  for (const r of policy.rules) {
    if (r.effect !== 'allow' || !applies(r)) continue;
    allow.set(r.call, [...(allow.get(r.call) ?? []), r]);
  }
  return { allow, deny: policy.rules.filter((r) => r.effect === 'deny' && applies(r)) };
}

const at = (r: CompiledRule) => ({ rule: r.id, source: r.source, roles: r.roles });

/** The changes for one kind of caller and one call both versions permit. */
function keptCall(before: CompiledRule[], after: CompiledRule[], push: (c: Omit<PolicyChange, 'callers' | 'call'>) => void): void {
  for (const b of after) {
    if (before.some((a) => widensNothing(compareGrants(a, b)))) continue;
    const a = counterpart(b, before, after);
    if (!a) {
      push({ direction: 'widens', kind: 'rule-added', ...at(b), text: `rule ${b.id} added: ${describeGrant(b)}` });
      continue;
    }
    for (const c of compareGrants(a, b).filter((x) => x.direction === 'widens'))
      push({ direction: 'widens', kind: 'rule-changed', ...at(b), aspect: c.aspect, text: c.text });
  }
  for (const a of before) {
    if (after.some((b) => narrowsNothing(compareGrants(a, b)))) continue;
    const b = counterpart(a, after, before);
    if (!b) {
      push({ direction: 'narrows', kind: 'rule-removed', ...at(a), text: `rule ${a.id} removed: ${describeGrant(a)}` });
      continue;
    }
    for (const c of compareGrants(a, b).filter((x) => x.direction === 'narrows'))
      push({ direction: 'narrows', kind: 'rule-changed', ...at(b), aspect: c.aspect, text: c.text });
  }
}

/** Deny rules that can refuse the call: one of the base no rule of the change covers is a widening, and the reverse. */
function denyChanges(before: CompiledRule[], after: CompiledRule[], push: (c: Omit<PolicyChange, 'callers' | 'call'>) => void): void {
  const covers = (wide: CompiledRule, narrow: CompiledRule) => implies(toDnf(narrow.when), toDnf(wide.when));
  for (const d of before) {
    if (after.some((e) => covers(e, d))) continue;
    const e = counterpart(d, after, before);
    if (!e) {
      push({
        direction: 'widens',
        kind: 'deny-removed',
        ...at(d),
        text: `deny rule ${d.id} no longer refuses this call${d.when ? ` (was: when ${JSON.stringify(d.when)})` : ''}`,
      });
      continue;
    }
    // A deny rule's condition holding less often refuses less: its narrowing widens the grant.
    for (const c of compareConditions('when', d.when, e.when).filter((x) => x.direction === 'narrows'))
      push({ direction: 'widens', kind: 'deny-changed', ...at(e), aspect: 'deny', text: `deny rule ${e.id} refuses less: ${c.text}` });
    if (e.call !== d.call) push({ direction: 'widens', kind: 'deny-changed', ...at(e), aspect: 'deny', text: `deny rule ${e.id}: ${d.call} → ${e.call}` });
  }
  for (const e of after) {
    if (before.some((d) => covers(d, e))) continue;
    const d = counterpart(e, before, after);
    const text = d
      ? `deny rule ${e.id} refuses more: ${compareConditions('when', d.when, e.when)
          .filter((x) => x.direction === 'widens')
          .map((x) => x.text)
          .join('; ')}`
      : `deny rule ${e.id} added${e.when ? `: when ${JSON.stringify(e.when)}` : ''}`;
    push({ direction: 'narrows', kind: d ? 'deny-changed' : 'deny-added', ...at(e), aspect: 'deny', text });
  }
}

function callerChanges(base: CompiledPolicy, change: CompiledPolicy, subjectType: SubjectType, out: PolicyChange[]): void {
  const callers = [subjectType];
  const before = sideOf(base, subjectType);
  const after = sideOf(change, subjectType);
  const calls = [...new Set([...before.allow.keys(), ...after.allow.keys()])].sort();
  for (const call of calls) {
    const push = (c: Omit<PolicyChange, 'callers' | 'call'>) => out.push({ ...c, callers, call });
    const ra = before.allow.get(call) ?? [];
    const rb = after.allow.get(call) ?? [];
    if (ra.length === 0) {
      for (const b of rb) push({ direction: 'widens', kind: 'newly-permitted', ...at(b), text: `newly permitted by rule ${b.id}: ${describeGrant(b)}` });
      continue;
    }
    if (rb.length === 0) {
      for (const a of ra)
        push({ direction: 'narrows', kind: 'no-longer-permitted', ...at(a), text: `no longer permitted (was rule ${a.id}: ${describeGrant(a)})` });
      continue;
    }
    keptCall(ra, rb, push);
    denyChanges(
      before.deny.filter((d) => matchesCallPattern(d.call, call)),
      after.deny.filter((d) => matchesCallPattern(d.call, call)),
      push,
    );
  }
}

function attributeChanges(base: CompiledPolicy, change: CompiledPolicy, out: PolicyChange[]): void {
  const before = base.callerAttributes ?? {};
  const after = change.callerAttributes ?? {};
  for (const [name, b] of Object.entries(after)) {
    const a = before[name];
    if (!a) continue; // a new attribute permits nothing until a rule names it, and such rules are compared
    const pointed = a.read !== b.read || a.value !== b.value || !strictEqual(a.args, b.args);
    if (pointed)
      out.push({
        direction: 'widens',
        kind: 'caller-attribute',
        callers: b.subjects,
        text: `caller attribute ${name} is read differently: ${a.read}(${JSON.stringify(a.args)}).${a.value} → ${b.read}(${JSON.stringify(b.args)}).${b.value} (what "own" means changed: counted as widening)`,
      });
    const added = b.subjects.filter((s) => !a.subjects.includes(s));
    const removed = a.subjects.filter((s) => !b.subjects.includes(s));
    if (added.length)
      out.push({ direction: 'widens', kind: 'caller-attribute', callers: added, text: `caller attribute ${name} now read for ${added.join(', ')}` });
    if (removed.length)
      out.push({ direction: 'narrows', kind: 'caller-attribute', callers: removed, text: `caller attribute ${name} no longer read for ${removed.join(', ')}` });
  }
  for (const name of Object.keys(before)) {
    if (!Object.hasOwn(after, name))
      out.push({ direction: 'narrows', kind: 'caller-attribute', callers: before[name]!.subjects, text: `caller attribute ${name} removed` });
  }
}

function limitChanges(base: CompiledPolicy, change: CompiledPolicy, out: PolicyChange[]): void {
  for (const key of Object.keys(change.limits) as (keyof Limits)[]) {
    const a = base.limits[key];
    const b = change.limits[key];
    if (a === b || a === undefined) continue;
    out.push({
      direction: b > a ? 'widens' : 'narrows',
      kind: 'limit',
      callers: [],
      aspect: key,
      text: `limit ${key} ${b > a ? 'raised' : 'lowered'} ${a} → ${b}`,
    });
  }
}

/** Every change from `base` to `change`, the same change for several kinds of caller merged into one. */
export function diffPolicies(base: CompiledPolicy, change: CompiledPolicy): PolicyDiff {
  const raw: PolicyChange[] = [];
  for (const subjectType of SUBJECT_TYPES) callerChanges(base, change, subjectType, raw);
  attributeChanges(base, change, raw);
  limitChanges(base, change, raw);
  const merged = new Map<string, PolicyChange>();
  for (const c of raw) {
    const key = JSON.stringify([c.direction, c.kind, c.call, c.rule, c.aspect, c.text]);
    const seen = merged.get(key);
    if (seen) seen.callers = [...new Set([...seen.callers, ...c.callers])];
    else merged.set(key, { ...c, callers: [...c.callers] });
  }
  const changes = [...merged.values()];
  return { changes, widens: changes.filter((c) => c.direction === 'widens').length, narrows: changes.filter((c) => c.direction === 'narrows').length };
}
