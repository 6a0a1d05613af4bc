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
import { placeholdersIn } from '../../conditions/placeholders.ts';
import type { Conditions } from '../../conditions/strict-matcher.ts';
import { implies, toDnf } from './condition-implication.ts';
import { compareConditions, compareGrants, describeGrant, type Direction, type GrantChange, type GrantContext } from './grant-comparison.ts';

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

/** The field paths a condition reads (its keys, through `$and` and `$or`). */
function conditionPaths(conditions: Conditions | undefined, out: Set<string> = new Set()): Set<string> {
  for (const [key, spec] of Object.entries(conditions ?? {})) {
    if (key === '$and' || key === '$or') {
      if (Array.isArray(spec)) for (const sub of spec) conditionPaths(sub as Conditions, out);
    } else if (!key.startsWith('$')) out.add(key);
  }
  return out;
}

const overlap = (p: string, q: string) => p === q || p.startsWith(`${q}.`) || q.startsWith(`${p}.`);

/**
 * Why forcing an argument path redirects a call: the gateway checks `when` (of allow and deny
 * rules alike) on the arguments the client sent, and applies presets after, so a preset on a path a
 * condition reads, or on an argument the method addresses its object by (its target, URL path or
 * scope arguments), makes the call reach what the conditions never admitted.
 */
function steering(call: string, policies: CompiledPolicy[]): GrantContext['steers'] {
  const read = new Set<string>();
  const addressed = new Map<string, string>();
  for (const policy of policies) {
    for (const r of policy.rules) {
      if (r.effect === 'allow' ? r.call === call : matchesCallPattern(r.call, call)) conditionPaths(r.when, read);
    }
    const info = policy.methods[call];
    if (!info) continue;
    for (const p of info.targetArgs ?? []) addressed.set(`args.${p}`, 'which the method addresses its object by');
    for (const p of info.pathArgs ?? []) addressed.set(`args.${p}`, 'which the SDK puts in the URL path');
    if (info.scope) addressed.set(`args.${info.scope.arg}`, `the ${info.scope.noun} every call of the module is scoped to`);
  }
  return (path) => {
    const condition = [...read].find((q) => overlap(path, q));
    if (condition !== undefined) return `forces ${path} after the rules' conditions were checked on ${condition === path ? 'it' : condition}`;
    const target = [...addressed].find(([q]) => overlap(path, q));
    return target ? `forces ${path}, ${target[0] === path ? '' : `over ${target[0]}, `}${target[1]}` : undefined;
  };
}

/** Whether `b` forces every preset `a` forces, to the same value. */
const keepsPresets = (a: CompiledRule, b: CompiledRule) =>
  Object.entries(a.presets ?? {}).every(([path, value]) => Object.hasOwn(b.presets ?? {}, path) && strictEqual(b.presets![path], value));

/** Every preset the rules force on the call, with the rule forcing it (a preset of any allowing rule applies to the whole call). */
function presetUnion(rules: CompiledRule[]): { path: string; value: unknown; rule: CompiledRule }[] {
  return rules.flatMap((rule) => Object.entries(rule.presets ?? {}).map(([path, value]) => ({ path, value, rule })));
}

/** The changes for one kind of caller and one call both versions permit. */
function keptCall(before: CompiledRule[], after: CompiledRule[], context: GrantContext, push: (c: Omit<PolicyChange, 'callers' | 'call'>) => void): void {
  const compare = (a: CompiledRule, b: CompiledRule) => compareGrants(a, b, context);
  // Each rate-limited rule has a budget of its own, kept by rule id: a base budget covers one rule of
  // the change, the one with its id, or the one it was renamed to (its id gone from the change).
  const afterIds = new Set(after.map((r) => r.id));
  const claimed = new Set<CompiledRule>();
  const sameBudget = (a: CompiledRule, b: CompiledRule) => !b.rateLimit || !a.rateLimit || a.id === b.id || (!afterIds.has(a.id) && !claimed.has(a));
  const reportedPresets = new Set<string>();
  for (const b of after.filter((r) => r.rateLimit).concat(after.filter((r) => !r.rateLimit))) {
    const cover = before.find((a) => sameBudget(a, b) && widensNothing(compare(a, b)));
    if (cover) {
      if (b.rateLimit && cover.rateLimit && cover.id !== b.id) claimed.add(cover);
      continue;
    }
    // Covered but for its budget: a copy of a rate-limited rule, which adds the budget to the base's.
    const budgetOnly = b.rateLimit && before.some((a) => widensNothing(compare(a, b)));
    const budget = `another rate-limit budget: ${b.rateLimit?.text} more (each rule's budget is its own, kept by rule id)`;
    const a = counterpart(b, before, after);
    if (!a) {
      push({ direction: 'widens', kind: 'rule-added', ...at(b), text: `rule ${b.id} added: ${describeGrant(b)}${budgetOnly ? ` (${budget})` : ''}` });
      continue;
    }
    const widened = compare(a, b).filter((x) => x.direction === 'widens');
    for (const c of widened) {
      if (c.aspect === 'presets' && c.path) reportedPresets.add(c.path);
      push({ direction: 'widens', kind: 'rule-changed', ...at(b), aspect: c.aspect, text: c.text });
    }
    if (widened.length === 0 && budgetOnly) push({ direction: 'widens', kind: 'rule-changed', ...at(b), aspect: 'rateLimit', text: `rule ${b.id}: ${budget}` });
  }
  for (const a of before) {
    // A rule that forces presets is covered only by one that forces them too (they apply to the whole call).
    if (after.some((b) => keepsPresets(a, b) && narrowsNothing(compare(a, b)))) continue;
    const b = counterpart(a, after, before);
    if (!b) {
      push({ direction: 'narrows', kind: 'rule-removed', ...at(a), text: `rule ${a.id} removed: ${describeGrant(a)}` });
      continue;
    }
    for (const c of compare(a, b).filter((x) => x.direction === 'narrows'))
      push({ direction: 'narrows', kind: 'rule-changed', ...at(b), aspect: c.aspect, text: c.text });
  }
  // A preset of any allowing rule is forced on the whole call: one no rule of the change forces any more is lost.
  const kept = presetUnion(after);
  const lost = new Set<string>();
  for (const { path, value, rule } of presetUnion(before)) {
    const key = JSON.stringify([path, value]);
    if (reportedPresets.has(path) || lost.has(key) || kept.some((k) => k.path === path && strictEqual(k.value, value))) continue;
    lost.add(key);
    push({
      direction: 'widens',
      kind: 'rule-changed',
      ...at(rule),
      aspect: 'presets',
      text: `preset ${path} = ${JSON.stringify(value)} no longer forced on this call (rule ${rule.id} forced it, and a preset of any allowing rule applies to the whole call)`,
    });
  }
}

/** Deny rules that can refuse the call: one of the base no rule of the change covers is a widening, and the reverse. */
function denyChanges(before: CompiledRule[], after: CompiledRule[], push: (c: Omit<PolicyChange, 'callers' | 'call'>) => void): void {
  // A deny rule whose condition names a caller attribute the caller has no value for always refuses
  // (src/gateway/decide.ts): `wide` covers `narrow` only if it names every placeholder `narrow` does.
  const placeholders = (r: CompiledRule) => new Set(placeholdersIn(r.when ?? {}));
  const lostPlaceholders = (from: CompiledRule, to: CompiledRule) => [...placeholders(from)].filter((p) => !placeholders(to).has(p));
  const covers = (wide: CompiledRule, narrow: CompiledRule) => implies(toDnf(narrow.when), toDnf(wide.when)) && lostPlaceholders(narrow, wide).length === 0;
  const unresolved = (ps: string[]) =>
    `it no longer refuses every caller without a value for ${ps.join(', ')} (a deny rule whose condition names a caller attribute the caller lacks always refuses)`;
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
    const less = compareConditions('when', d.when, e.when)
      .filter((x) => x.direction === 'narrows')
      .map((c) => c.text);
    const lost = lostPlaceholders(d, e);
    if (lost.length) less.push(unresolved(lost));
    if (less.length === 0 && !implies(toDnf(d.when), toDnf(e.when)))
      less.push(`when ${JSON.stringify(d.when ?? {})} → ${JSON.stringify(e.when ?? {})} (not shown to refuse as much: counted as widening)`);
    for (const text of less) push({ direction: 'widens', kind: 'deny-changed', ...at(e), aspect: 'deny', text: `deny rule ${e.id} refuses less: ${text}` });
    if (e.call !== d.call) push({ direction: 'widens', kind: 'deny-changed', ...at(e), aspect: 'deny', text: `deny rule ${e.id}: ${d.call} → ${e.call}` });
  }
  for (const e of after) {
    if (before.some((d) => covers(d, e))) continue;
    const d = counterpart(e, before, after);
    const more = d
      ? [
          ...compareConditions('when', d.when, e.when)
            .filter((x) => x.direction === 'widens')
            .map((x) => x.text),
          ...lostPlaceholders(e, d).map((p) => `it now refuses every caller without a value for ${p}`),
        ]
      : [];
    const text = d ? `deny rule ${e.id} refuses more: ${more.join('; ')}` : `deny rule ${e.id} added${e.when ? `: when ${JSON.stringify(e.when)}` : ''}`;
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
    keptCall(ra, rb, { steers: steering(call, [base, change]), defaultTimeoutMs: { before: base.defaultTimeoutMs, after: change.defaultTimeoutMs } }, push);
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

/** The policy's default timeout (`defaults.timeoutMs`): a longer one holds elevated work longer, counted as widening. */
function defaultTimeoutChange(base: CompiledPolicy, change: CompiledPolicy, out: PolicyChange[]): void {
  const a = base.defaultTimeoutMs;
  const b = change.defaultTimeoutMs;
  if (a === b || base.rules.length === 0) return;
  out.push({
    direction: b > a ? 'widens' : 'narrows',
    kind: 'limit',
    callers: [],
    aspect: 'defaultTimeoutMs',
    text: `default timeout ${b > a ? 'raised' : 'lowered'} ${a} ms → ${b} ms${b > a ? ' (elevated work may run longer: counted as widening)' : ''}`,
  });
}

/** Every change from `base` to `change`, the same change for several kinds of caller merged into one. */
export function diffPolicies(base: CompiledPolicy, change: CompiledPolicy): PolicyDiff {
  const raw: PolicyChange[] = [];
  for (const subjectType of SUBJECT_TYPES) callerChanges(base, change, subjectType, raw);
  attributeChanges(base, change, raw);
  limitChanges(base, change, raw);
  defaultTimeoutChange(base, change, raw);
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
