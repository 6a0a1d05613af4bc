// Coverage of the policy by its tests, as `opa test --coverage` and Cerbos' test coverage report
// it: from what the gateway weighed for each case (runPolicyTests with `trace`), which branches of
// each rule some case took. An allow rule: it allowed a case, it was weighed in a case that was
// refused, each `$or` arm of its `when` and of its resource conditions held, its resource
// conditions held on an object and failed on one. A deny rule: it held (refused a case), it was
// weighed and failed, each `$or` arm of its `when` held. Every branch is positioned in the policy
// text: an arm at the arm itself, a resource branch at its `resource` key, the rest at the rule.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { CompiledPolicy, CompiledRule, SourcePosition } from '../../contract/compiled-policy.ts';
import type { ConditionTrace } from '../../conditions/condition-trace.ts';
import type { Conditions } from '../../conditions/strict-matcher.ts';
import { locate, type LoadedFile } from '../../policy/load.ts';
import type { CaseResult } from './run-policy-tests.ts';

export interface BranchCoverage {
  /** `allowed`, `refused`, `held`, `failed`, `when $or[1]`, `resource held`, `resource failed`, `resource $or[0]`, … */
  branch: string;
  covered: boolean;
  file: string;
  line: number;
  column: number;
}

export interface UncoveredBranch extends Omit<BranchCoverage, 'covered'> {
  rule: string;
  /** What no case did: `when $or[1] never held`. */
  message: string;
}

export interface RuleCoverage {
  rule: string;
  effect: 'allow' | 'deny';
  file: string;
  line: number;
  column: number;
  covered: number;
  total: number;
  branches: BranchCoverage[];
}

export interface PolicyCoverage {
  covered: number;
  total: number;
  /** covered / total in percent, rounded down to one decimal (100 when there is nothing to cover). */
  percent: number;
  rules: RuleCoverage[];
  /** Every branch no case took, in policy order. */
  uncovered: UncoveredBranch[];
}

/** The position of the node at `path` under a rule (`['when', '$or', 1]`), or of its key. */
export type RuleLocator = (rule: CompiledRule, path: readonly (string | number)[], key?: boolean) => SourcePosition | undefined;

type Path = (string | number)[];

/** `$or[0].$or[1]` for `['$or', 0, '$or', 1]`. */
const armName = (path: Path) => path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i > 0 ? `.${s}` : s)).join('');

/** Every `$or` arm of conditions, at any depth under `$and` and `$or` (what the condition trace walks). */
function orArms(conditions: Conditions, at: Path = []): Path[] {
  const arms: Path[] = [];
  for (const [key, value] of Object.entries(conditions)) {
    if ((key !== '$and' && key !== '$or') || !Array.isArray(value)) continue;
    value.forEach((arm: Conditions, i) => {
      const path = [...at, key, i];
      if (key === '$or') arms.push(path);
      arms.push(...orArms(arm, path));
    });
  }
  return arms;
}

/** The names of the `$or` arms that held in a trace. */
function heldArms(trace: ConditionTrace, held: Set<string>, at: Path = []): Set<string> {
  for (const part of trace.parts) {
    if (!('branches' in part)) continue;
    part.branches.forEach((b, i) => {
      const path = [...at, part.operator, i];
      if (part.operator === '$or' && b.holds) held.add(armName(path));
      heldArms(b, held, path);
    });
  }
  return held;
}

/** What every case tells of one rule. */
interface Seen {
  allowed: boolean;
  refused: boolean;
  held: boolean;
  failed: boolean;
  whenArms: Set<string>;
  resourceHeld: boolean;
  resourceFailed: boolean;
  resourceArms: Set<string>;
}

function observe(policy: CompiledPolicy, results: readonly CaseResult[]): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  for (const r of policy.rules) {
    seen.set(r.id, {
      allowed: false,
      refused: false,
      held: false,
      failed: false,
      whenArms: new Set(),
      resourceHeld: false,
      resourceFailed: false,
      resourceArms: new Set(),
    });
  }
  const byId = new Map(policy.rules.map((r) => [r.id, r]));
  for (const result of results) {
    const trace = result.trace;
    if (!trace?.weighed) continue;
    for (const w of trace.rules) {
      const s = seen.get(w.rule);
      if (!s || !w.applies) continue;
      const rule = byId.get(w.rule)!;
      if (w.when) heldArms(w.when, s.whenArms);
      if (rule.effect === 'deny') {
        if (w.matched) s.held = true;
        else s.failed = true;
      } else if (result.outcome === 'deny') s.refused = true;
    }
    const checked = new Map<string, boolean>();
    for (const { rule, trace: t } of trace.resources) {
      const s = seen.get(rule);
      if (!s) continue;
      if (t.holds) s.resourceHeld = true;
      else s.resourceFailed = true;
      heldArms(t, s.resourceArms);
      checked.set(rule, (checked.get(rule) ?? false) || t.holds);
    }
    // A rule took part in an allowed case unless its resource conditions were checked and held on no object.
    if (result.outcome === 'allow') {
      for (const id of trace.allowing) if (checked.get(id) !== false) seen.get(id)!.allowed = true;
    }
  }
  return seen;
}

type Branch = BranchCoverage & { message: string };

/** The branches of a rule, whether the cases took each, and what it means that none did. */
function branchesOf(rule: CompiledRule, s: Seen, at: (path: Path, key?: boolean) => SourcePosition): Branch[] {
  const out: Branch[] = [];
  const add = (branch: string, covered: boolean, message: string, position: SourcePosition) =>
    out.push({ branch, covered, message, file: position.file, line: position.line, column: position.column });
  if (rule.effect === 'allow') {
    add('allowed', s.allowed, 'allow rule never allowed a case', rule.source);
    add('refused', s.refused, 'allow rule never refused a case (no denied case by a caller with its roles)', rule.source);
  } else {
    add('held', s.held, 'deny rule never held (it refused no case)', rule.source);
    // A deny rule without `when` holds whenever it is weighed: it cannot fail.
    if (rule.when) add('failed', s.failed, 'deny rule never failed (no case by a caller with its roles got past it)', rule.source);
  }
  for (const path of rule.when ? orArms(rule.when) : []) {
    const name = armName(path);
    add(`when ${name}`, s.whenArms.has(name), `when ${name} never held`, at(['when', ...path]));
  }
  if (rule.resource) {
    add('resource held', s.resourceHeld, 'resource never held (on any object the cases returned)', at(['resource'], true));
    add('resource failed', s.resourceFailed, 'resource never failed (on any object the cases returned)', at(['resource'], true));
    for (const path of orArms(rule.resource)) {
      const name = armName(path);
      add(`resource ${name}`, s.resourceArms.has(name), `resource ${name} never held`, at(['resource', ...path]));
    }
  }
  return out;
}

/** The coverage of `policy` by the results of runPolicyTests(…, { trace: true }). */
export function policyCoverage(policy: CompiledPolicy, results: readonly CaseResult[], locateIn: RuleLocator = policySourceLocator()): PolicyCoverage {
  const seen = observe(policy, results);
  const rules: RuleCoverage[] = [];
  const uncovered: UncoveredBranch[] = [];
  for (const rule of policy.rules) {
    const at = (path: Path, key?: boolean) => locateIn(rule, path, key) ?? rule.source;
    const branches = branchesOf(rule, seen.get(rule.id)!, at);
    const { file, line, column } = rule.source;
    rules.push({
      rule: rule.id,
      effect: rule.effect,
      file,
      line,
      column,
      covered: branches.filter((b) => b.covered).length,
      total: branches.length,
      branches: branches.map(({ message: _message, ...b }) => b),
    });
    for (const b of branches) {
      if (!b.covered) uncovered.push({ rule: rule.id, branch: b.branch, message: b.message, file: b.file, line: b.line, column: b.column });
    }
  }
  const covered = rules.reduce((n, r) => n + r.covered, 0);
  const total = rules.reduce((n, r) => n + r.total, 0);
  return { covered, total, percent: coveragePercent(covered, total), rules, uncovered };
}

/** Rounded down, so that a figure shown never claims more than was covered (99.96 is 99.9, not 100). */
export function coveragePercent(covered: number, total: number): number {
  return total === 0 ? 100 : Math.floor((covered * 1000) / total) / 10;
}

/** Whether coverage reaches `threshold` percent, exactly (not on the rounded figure). */
export function meetsThreshold(coverage: Pick<PolicyCoverage, 'covered' | 'total'>, threshold: number): boolean {
  return coverage.total === 0 || coverage.covered * 100 >= threshold * coverage.total;
}

/**
 * Finds a rule's nodes by re-reading its policy file with positions: the rule is the item of
 * `rules` at the rule's own source position with its id, and a path is followed only through
 * plain maps and sequences. Anything else (the file changed, an alias) gives undefined, and the
 * branch is placed at the rule.
 */
export function policySourceLocator(cwd = process.cwd()): RuleLocator {
  const files = new Map<string, LoadedFile | null>();
  const load = (file: string): LoadedFile | null => {
    if (files.has(file)) return files.get(file)!;
    let loaded: LoadedFile | null = null;
    try {
      const lines = new LineCounter();
      const doc = parseDocument(readFileSync(resolve(cwd, file), 'utf8'), { lineCounter: lines, prettyErrors: false });
      if (doc.errors.length === 0) loaded = { file, doc, lines };
    } catch {
      loaded = null;
    }
    files.set(file, loaded);
    return loaded;
  };
  return (rule, path, key = false) => {
    const loaded = load(rule.source.file);
    const list = loaded?.doc.get('rules', true);
    if (!loaded || !isSeq(list)) return undefined;
    const index = list.items.findIndex((_, i) => {
      const pos = locate(loaded, ['rules', i]);
      return pos.line === rule.source.line && pos.column === rule.source.column && loaded.doc.getIn(['rules', i, 'id']) === rule.id;
    });
    if (index < 0) return undefined;
    // Every step must be a real node: locate stops short (at the deepest node found) otherwise.
    const full = ['rules', index, ...path];
    for (let depth = 3; depth <= full.length; depth++) {
      const parent = loaded.doc.getIn(full.slice(0, depth - 1), true);
      if (!isMap(parent) && !isSeq(parent)) return undefined;
      if (!loaded.doc.hasIn(full.slice(0, depth))) return undefined;
    }
    return { file: rule.source.file, ...locate(loaded, full, key) };
  };
}
