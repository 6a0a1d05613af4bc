// Validated YAML → the compiled policy the gateway runs. Every semantic error is reported at the
// file:line:column that caused it; a policy with errors produces no compiled policy at all.
import {
  DEFAULT_LIMITS,
  POLICY_FORMAT,
  SUBJECT_TYPES,
  type CompiledPolicy,
  type CompiledRule,
  type Limits,
  type SubjectType,
} from '../contract/compiled-policy';
import type { MethodDescription, MethodInfo } from '../sdk/method-info';
import { compileConditions, ConditionSyntaxError, type Conditions } from '../conditions/strict-matcher';
import { placeholderAttribute, placeholdersIn, CALLER_ATTRIBUTES } from '../conditions/placeholders';
import { locate, type LoadedFile } from './load';
import { parseRate } from './schema';
import type { Diagnostic } from './diagnostics';
import { didYouMean } from './suggest';
import { matchesCallPattern } from '../conditions/call-pattern';
import { describeCall, restMethodsOf, namespacesOf, sdkPackages } from '../sdk/catalogue';
import { signaturesOf } from '../sdk/signature-reader';
import { listShapeOf } from '../sdk/list-shape';
import { queryShape } from '../sdk/query-shape';
import { resolveSchema } from '../sdk/argument-schema';
import { argumentPathProblem, argumentPathsIn } from './argument-paths';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface CompileResult {
  policy?: CompiledPolicy;
  diagnostics: Diagnostic[];
}

type Where = (path: (string | number)[], key?: boolean) => { file: string; line: number; column: number };

export async function compilePolicy(files: LoadedFile[], diagnostics: Diagnostic[] = []): Promise<CompileResult> {
  const error = (at: { file: string; line: number; column: number }, code: string, message: string, rule?: string) =>
    diagnostics.push({ severity: 'error', ...at, code, message, ...(rule ? { rule } : {}) });
  const whereIn =
    (f: LoadedFile): Where =>
    (path, key) => ({ file: f.file, ...locate(f, path, key) });

  if (files.length === 0) {
    error({ file: 'policies', line: 1, column: 1 }, 'no-policy', 'no policy files found (policies/*.yaml): nothing would be allowed');
  }

  // Limits and defaults: at most one file may set them.
  let limits: Limits = { ...DEFAULT_LIMITS };
  let defaultTimeoutMs = DEFAULT_TIMEOUT_MS;
  let limitsFrom: string | undefined;
  for (const f of files) {
    if (!f.policy) continue;
    if (f.policy.limits || f.policy.defaults) {
      if (limitsFrom) error(whereIn(f)(['limits'], true), 'duplicate-limits', `limits/defaults are already set in ${limitsFrom}`);
      limitsFrom = f.file;
      limits = { ...limits, ...Object.fromEntries(Object.entries(f.policy.limits ?? {}).filter(([, v]) => v !== undefined)) };
      defaultTimeoutMs = f.policy.defaults?.timeoutMs ?? defaultTimeoutMs;
    }
  }

  // Roles.
  const roles: CompiledPolicy['roles'] = {};
  const roleWhere = new Map<string, Where>();
  for (const f of files) {
    for (const [name, role] of Object.entries(f.policy?.roles ?? {})) {
      if (Object.hasOwn(roles, name)) {
        error(whereIn(f)(['roles', name], true), 'duplicate-role', `role "${name}" is defined twice`);
        continue;
      }
      roles[name] = { subjects: role.subjects, inherits: role.inherits, ...(role.description ? { description: role.description } : {}) };
      roleWhere.set(name, (p, k) => whereIn(f)(['roles', name, ...p], k));
    }
  }
  const roleNames = Object.keys(roles);
  for (const [name, role] of Object.entries(roles)) {
    role.inherits.forEach((parent, i) => {
      if (!Object.hasOwn(roles, parent)) {
        error(roleWhere.get(name)!(['inherits', i]), 'undefined-role', `role "${name}" inherits undefined role "${parent}"${didYouMean(parent, roleNames)}`);
      }
    });
  }
  // Cycles.
  const expanded = new Map<string, string[]>();
  const expand = (name: string, trail: string[]): string[] => {
    if (trail.includes(name)) {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      error(roleWhere.get(name)!(['inherits']), 'cyclic-role', `role inheritance is cyclic: ${cycle.join(' → ')}`);
      return [];
    }
    const known = expanded.get(name);
    if (known) return known;
    const role = roles[name];
    if (!role) return [];
    const all = new Set([name]);
    for (const parent of role.inherits) for (const r of expand(parent, [...trail, name])) all.add(r);
    const list = [...all];
    expanded.set(name, list);
    return list;
  };
  const subjectRoles = Object.fromEntries(SUBJECT_TYPES.map((s) => [s, [] as string[]])) as Record<SubjectType, string[]>;
  for (const name of roleNames) {
    const all = expand(name, []);
    for (const subject of roles[name]!.subjects) {
      for (const r of all) if (!subjectRoles[subject].includes(r)) subjectRoles[subject].push(r);
    }
  }
  for (const s of SUBJECT_TYPES) subjectRoles[s].sort();

  // Rules.
  const rules: CompiledRule[] = [];
  const ruleIds = new Map<string, string>();
  const described_: Record<string, MethodDescription> = {};
  /** Where each method is first named, for errors about its signature. */
  const namedAt = new Map<string, { at: ReturnType<Where>; ruleId: string }>();
  /** Argument paths to check against the signatures once they are read. */
  const argumentPaths: { call: string; path: string; at: ReturnType<Where>; key: string; ruleId: string }[] = [];
  const kindChecks: (() => void)[] = [];
  const knownModules = () => sdkPackages().flatMap((p) => namespacesOf(p).map((n) => n.module));

  const resolveMethod = async (call: string, at: ReturnType<Where>, ruleId: string): Promise<MethodDescription | undefined> => {
    const described = await describeCall(call);
    if (described.ok) {
      described_[call] = described.info;
      if (!namedAt.has(call)) namedAt.set(call, { at, ruleId });
      return described.info;
    }
    const module = call.slice(0, call.lastIndexOf('.'));
    const method = call.slice(call.lastIndexOf('.') + 1);
    let hint = '';
    if (described.reason === 'unknown-module') hint = didYouMean(module, knownModules());
    if (described.reason === 'unknown-method') hint = didYouMean(method, await restMethodsOf(module));
    error(at, `sdk/${described.reason}`, `${described.message}${hint}`, ruleId);
    return undefined;
  };

  const checkConditions = (value: Conditions, where: Where, key: string, ruleId: string): boolean => {
    try {
      compileConditions(value);
    } catch (e) {
      if (e instanceof ConditionSyntaxError) {
        const path = e.path ? e.path.split('.') : [];
        error(where([key, ...path.slice(0, 1)]), 'condition-syntax', `${key}: ${e.message}${e.path ? ` (at ${e.path})` : ''}`, ruleId);
        return false;
      }
      throw e;
    }
    return checkPlaceholders(value, where, key, ruleId);
  };
  const checkPlaceholders = (value: unknown, where: Where, key: string, ruleId: string): boolean => {
    let ok = true;
    for (const p of placeholdersIn(value)) {
      if (!placeholderAttribute(p) || !/^\$\{caller\.[A-Za-z]+\}$/.test(p)) {
        ok = false;
        error(
          where([key]),
          'placeholder',
          `${key}: "${p}" names no caller attribute (use one of ${CALLER_ATTRIBUTES.map((a) => `\${caller.${a}}`).join(', ')})`,
          ruleId,
        );
      }
    }
    return ok;
  };

  for (const f of files) {
    const list = f.policy?.rules ?? [];
    for (let index = 0; index < list.length; index++) {
      const r = list[index]!;
      const where: Where = (p, k) => whereIn(f)(['rules', index, ...p], k);
      const at = where([]);
      const previous = ruleIds.get(r.id);
      if (previous) error(where(['id']), 'duplicate-rule', `rule id "${r.id}" is already used at ${previous}`, r.id);
      else ruleIds.set(r.id, `${at.file}:${at.line}:${at.column}`);

      r.roles.forEach((role, i) => {
        if (!Object.hasOwn(roles, role)) error(where(['roles', i]), 'undefined-role', `undefined role "${role}"${didYouMean(role, roleNames)}`, r.id);
      });

      const effect = r.allow !== undefined ? 'allow' : 'deny';
      const call = (r.allow ?? r.deny)!;
      const compiled: CompiledRule = {
        id: r.id,
        description: r.description,
        effect,
        roles: r.roles,
        call,
        source: at,
      };
      if (r.when) {
        if (checkConditions(r.when, where, 'when', r.id)) compiled.when = r.when;
      }
      if (r.justification) compiled.justification = r.justification;

      if (effect === 'deny') {
        for (const key of ['resource', 'preload', 'fields', 'cap', 'writable', 'presets', 'rateLimit', 'timeoutMs'] as const) {
          if (r[key] !== undefined) error(where([key], true), 'deny-obligation', `"${key}" only applies to allow rules`, r.id);
        }
        rules.push(compiled);
        continue;
      }

      const info = await resolveMethod(call, where(['allow']), r.id);
      if (r.resource) {
        if (checkConditions(r.resource, where, 'resource', r.id)) compiled.resource = r.resource;
      }
      if (r.fields) compiled.fields = r.fields;
      if (r.cap !== undefined) compiled.cap = r.cap;
      if (r.writable) compiled.writable = r.writable;
      if (r.presets) {
        if (checkPlaceholders(r.presets, where, 'presets', r.id)) compiled.presets = r.presets;
      }
      if (r.timeoutMs !== undefined) compiled.timeoutMs = r.timeoutMs;
      if (r.rateLimit) compiled.rateLimit = { ...parseRate(r.rateLimit)!, text: r.rateLimit };
      if (r.preload) compiled.preload = r.preload;

      if (info) {
        for (const [i, path] of (r.writable ?? []).entries()) argumentPaths.push({ call, path, at: where(['writable', i]), key: 'writable', ruleId: r.id });
        for (const path of Object.keys(r.presets ?? {})) argumentPaths.push({ call, path, at: where(['presets', path], true), key: 'presets', ruleId: r.id });
        for (const path of argumentPathsIn(r.when ?? {})) argumentPaths.push({ call, path, at: where(['when']), key: 'when', ruleId: r.id });
        const pre = r.preload !== undefined ? await resolveMethod(r.preload, where(['preload']), r.id) : undefined;
        // What a method's kind allows is checked once its signature has refined the kind.
        kindChecks.push(() => {
          const refined = methods[call];
          if (!refined) return;
          if (r.cap !== undefined && refined.kind !== 'list') {
            error(
              where(['cap'], true),
              'cap-not-list',
              `cap applies to list calls (query…/search… with a query and a list of items); ${call} is not one`,
              r.id,
            );
          }
          if (r.cap !== undefined && refined.kind === 'list') {
            const max = largestPage(refined);
            if (max !== undefined && r.cap > max)
              error(
                where(['cap']),
                'cap-above-maximum',
                `cap ${r.cap} is above the largest page ${call} takes (${max}, the SDK's own maximum): Wix would refuse it`,
                r.id,
              );
          }
          if (r.preload !== undefined) {
            if (refined.kind !== 'write-one') {
              error(where(['preload'], true), 'preload-not-write', `preload applies to writes addressed by id; ${call} is a ${refined.kind} call`, r.id);
            }
            const preInfo = pre && methods[r.preload];
            if (preInfo && preInfo.kind !== 'read-one') {
              error(where(['preload']), 'preload-not-read', `preload must be a read of one object by id; ${r.preload} is a ${preInfo.kind} call`, r.id);
            } else if (preInfo && preInfo.pathArgs.join() !== refined.pathArgs.join()) {
              error(
                where(['preload']),
                'preload-mismatch',
                `${r.preload} takes its id from args ${preInfo.pathArgs.join(', ')} but ${call} from args ${refined.pathArgs.join(', ')}`,
                r.id,
              );
            }
          }
          if (r.resource && refined.kind === 'write-one' && !r.preload) {
            error(
              where(['resource'], true),
              'resource-needs-preload',
              `a resource condition on a write addressed by id needs "preload": the read that loads the target first`,
              r.id,
            );
          }
          if (r.resource && (refined.kind === 'read' || refined.kind === 'write')) {
            error(
              where(['resource'], true),
              'resource-unenforceable',
              `${call} neither returns one object by id nor lists objects: a resource condition cannot be enforced on it`,
              r.id,
            );
          }
        });
      }
      rules.push(compiled);
    }
  }

  // Allow rules that an unconditional deny makes unreachable for every one of their roles.
  for (const rule of rules) {
    if (rule.effect !== 'allow') continue;
    const blocked = rule.roles.every((role) =>
      rules.some(
        (d) => d.effect === 'deny' && !d.when && matchesCallPattern(d.call, rule.call) && d.roles.some((dr) => (expanded.get(role) ?? [role]).includes(dr)),
      ),
    );
    if (blocked) {
      const denier = rules.find((d) => d.effect === 'deny' && !d.when && matchesCallPattern(d.call, rule.call))!;
      error(
        rule.source,
        'unreachable-rule',
        `rule "${rule.id}" can never allow anything: deny rule "${denier.id}" always refuses ${rule.call} for its roles`,
        rule.id,
      );
    }
  }

  // What each method accepts, from the SDK's type declarations (one TypeScript program for all).
  const methods: Record<string, MethodInfo> = {};
  const signatures = signaturesOf(Object.values(described_).map(({ call, package: pkg, method }) => ({ call, package: pkg, method })));
  for (const [call, info] of Object.entries(described_)) {
    const result = signatures.get(call)!;
    if (result.ok) methods[call] = withSignature(info, result.signature);
    else {
      const named = namedAt.get(call)!;
      error(named.at, 'sdk/no-signature', `cannot check the arguments of ${call}: ${result.message}`, named.ruleId);
    }
  }
  for (const p of argumentPaths) {
    const info = methods[p.call];
    const problem = info && argumentPathProblem(info.signature, p.path);
    if (problem) error(p.at, 'argument-path', `${p.key}: ${problem}`, p.ruleId);
  }
  for (const check of kindChecks) check();

  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return {
    diagnostics,
    policy: { format: POLICY_FORMAT, limits, roles, subjectRoles, rules, methods: sortKeys(methods), defaultTimeoutMs },
  };
}

/** The largest page size a list's paging forms take (the SDK's `@max`), if it says. */
function largestPage(info: MethodInfo): number | undefined {
  const { paging } = queryShape(info.signature, info.list!.queryArg);
  const query = resolveSchema(info.signature.params[info.list!.queryArg]!, info.signature.defs);
  if (!('type' in query) || query.type !== 'object') return undefined;
  const maxima = paging
    .map((form) => {
      const p = resolveSchema(query.properties[form]!, info.signature.defs);
      const limit = 'type' in p && p.type === 'object' && p.properties.limit ? resolveSchema(p.properties.limit, info.signature.defs) : undefined;
      return limit && 'type' in limit && limit.type === 'number' ? limit.maximum : undefined;
    })
    .filter((m): m is number => m !== undefined);
  return maxima.length ? Math.min(...maxima) : undefined;
}

/**
 * The method with its signature; a query whose signature shows no query argument or no items
 * array is a plain read, not a list (resource conditions, caps and forced filters would have
 * nothing to act on: the compiler refuses them on it).
 */
function withSignature(info: MethodDescription, signature: MethodInfo['signature']): MethodInfo {
  if (info.kind !== 'list' || !info.list) return { ...info, signature };
  const list = listShapeOf(signature, info.list.itemsKey);
  if (list) return { ...info, list, signature };
  const { list: _none, ...rest } = info;
  return { ...rest, kind: 'read', signature };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
