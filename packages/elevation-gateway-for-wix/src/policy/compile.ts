// Validated YAML → the compiled policy the gateway runs. Every semantic error is reported at the
// file:line:column that caused it; a policy with errors produces no compiled policy at all.
import {
  DEFAULT_LIMITS,
  POLICY_FORMAT,
  SUBJECT_TYPES,
  type CallerAttributeDefinition,
  type CompiledPolicy,
  type CompiledRule,
  type Limits,
  type SubjectType,
} from '../contract/compiled-policy.ts';
import type { MethodDescription, MethodInfo } from '../sdk/method-info.ts';
import { compileConditions, ConditionSyntaxError, type Conditions } from '../conditions/strict-matcher.ts';
import { placeholderAttribute, placeholderName, placeholderNamesIn, placeholdersIn, CALLER_ATTRIBUTES } from '../conditions/placeholders.ts';
import { locate, type LoadedFile } from './load.ts';
import { parseRate, type PolicyFile } from './schema.ts';
import { obligationKinds, type ObligationKind } from '../contract/obligation-kind.ts';
import type { Diagnostic, DiagnosticCode } from './diagnostics.ts';
import { didYouMean } from './suggest.ts';
import { matchesCallPattern } from '../conditions/call-pattern.ts';
import { findCall, installedVersion, restMethodsOf, namespacesOf, sdkPackages, type FoundCall } from '../sdk/catalogue.ts';
import { describeMethod } from '../sdk/probe.ts';
import { signaturesOf, type ResultShape } from '../sdk/signature-reader.ts';
import { callerScoped, CALLER_SCOPED_SOURCE } from '../sdk/caller-scoped-methods.ts';
import { attributeValueProblem, fieldPathProblem, objectWalk } from './field-paths.ts';
import { listShapeOf } from '../sdk/list-shape.ts';
import { queryShape } from '../sdk/query-shape.ts';
import { resolveSchema } from '../sdk/argument-schema.ts';
import { argumentPathProblem } from './argument-paths.ts';
import { conditionPaths } from './schema-paths.ts';
import { protectionOptionsOf } from '../sdk/protection-options.ts';
import { PLAIN_ID, PLAIN_ID_WORDS } from '../contract/plain-id.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface CompileResult {
  policy?: CompiledPolicy;
  diagnostics: Diagnostic[];
}

type Where = (path: (string | number)[], key?: boolean) => Position;
type Position = { file: string; line: number; column: number };

/** What compiling one policy accumulates: its diagnostics, and what later steps need of earlier ones. */
interface Compilation {
  error(at: Position, code: DiagnosticCode, message: string, rule?: string): void;
  /** Every method the policy names, as the catalogue finds it. */
  found: Record<string, FoundCall>;
  /** Where each method is first named, for errors about its signature. */
  namedAt: Map<string, { at: Position; ruleId: string }>;
  /** Argument paths to check against the signatures once they are read. */
  argumentPaths: { call: string; path: string; at: Position; key: string; ruleId: string }[];
  /** Field paths to check against the result types once they are read: of `call`'s objects (`value`: a caller attribute's, one string). */
  fieldPaths: { call: string; path: string; at: Position; key: string; ruleId?: string; value?: true }[];
  /** What each method resolves to, from its type declarations (build time only). */
  results: Record<string, ResultShape | undefined>;
  /** The caller attributes the policy declares (`${caller.<name>}`). */
  attributes: ReadonlySet<string>;
  /** The subject types each declared attribute is read for. */
  attributeSubjects: Map<string, readonly SubjectType[]>;
  /** Every role each subject type holds, inheritance expanded. */
  subjectRoles: Record<SubjectType, string[]>;
  /** Checks of what a method's kind allows, run once its signature has refined the kind. */
  kindChecks: ((methods: Record<string, MethodInfo>) => void)[];
  /** The packages the app's package.json declares (undefined: not checked). */
  declared: ReadonlySet<string> | undefined;
}

export interface CompileOptions {
  /**
   * The packages the app's package.json declares: a method whose per-module package (the one the
   * generated module imports) is not among them is refused with the `npm i` line that fixes it.
   */
  declaredPackages?: ReadonlySet<string>;
}

const whereIn =
  (f: LoadedFile): Where =>
  (path, key) => ({ file: f.file, ...locate(f, path, key) });

export async function compilePolicy(files: LoadedFile[], diagnostics: Diagnostic[] = [], options: CompileOptions = {}): Promise<CompileResult> {
  const c: Compilation = {
    error: (at, code, message, rule) => diagnostics.push({ severity: 'error', ...at, code, message, ...(rule ? { rule } : {}) }),
    found: {},
    namedAt: new Map(),
    argumentPaths: [],
    fieldPaths: [],
    results: {},
    attributes: new Set(),
    attributeSubjects: new Map(),
    subjectRoles: Object.fromEntries(SUBJECT_TYPES.map((t) => [t, []])) as unknown as Record<SubjectType, string[]>,
    kindChecks: [],
    declared: options.declaredPackages,
  };
  if (files.length === 0) {
    c.error({ file: 'policies', line: 1, column: 1 }, 'no-policy', 'no policy files found (policies/*.yaml): nothing would be allowed');
  }
  const { limits, defaultTimeoutMs } = compileLimits(files, c);
  const { roles, subjectRoles, expanded } = compileRoles(files, c);
  c.subjectRoles = subjectRoles;
  const callerAttributes = await compileCallerAttributes(files, c);
  const rules: CompiledRule[] = [];
  const ruleIds = new Map<string, string>();
  for (const f of files) {
    const list = f.policy?.rules ?? [];
    for (let index = 0; index < list.length; index++) {
      const where: Where = (p, k) => whereIn(f)(['rules', index, ...p], k);
      rules.push(await compileRule(list[index]!, where, roles, ruleIds, c));
    }
  }
  reportUnreachable(rules, expanded, c);
  const methods = await describeMethods(c);
  for (const p of c.argumentPaths) {
    const info = methods[p.call];
    const problem = info && argumentPathProblem(info.signature, p.path);
    if (problem) c.error(p.at, 'argument-path', `${p.key}: ${problem}`, p.ruleId);
  }
  for (const p of c.fieldPaths) {
    const info = methods[p.call];
    const walk = info && objectWalk(info, c.results[p.call]);
    const problem = walk && (p.value ? attributeValueProblem(walk, p.path) : fieldPathProblem(walk, p.path));
    if (problem) c.error(p.at, 'field-path', `${p.key}: ${p.path}: ${problem}`, p.ruleId);
  }
  for (const check of c.kindChecks) check(methods);

  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return {
    diagnostics,
    policy: { format: POLICY_FORMAT, limits, roles, subjectRoles, callerAttributes, rules, methods: sortKeys(methods), defaultTimeoutMs },
  };
}

/** Limits and defaults: at most one file may set them. */
function compileLimits(files: LoadedFile[], c: Compilation): { limits: Limits; defaultTimeoutMs: number } {
  let limits: Limits = { ...DEFAULT_LIMITS };
  let defaultTimeoutMs = DEFAULT_TIMEOUT_MS;
  let limitsFrom: string | undefined;
  for (const f of files) {
    if (!f.policy) continue;
    if (f.policy.limits || f.policy.defaults) {
      if (limitsFrom)
        c.error(whereIn(f)([f.policy.limits ? 'limits' : 'defaults'], true), 'duplicate-limits', `limits/defaults are already set in ${limitsFrom}`);
      limitsFrom = f.file;
      limits = { ...limits, ...Object.fromEntries(Object.entries(f.policy.limits ?? {}).filter(([, v]) => v !== undefined)) };
      defaultTimeoutMs = f.policy.defaults?.timeoutMs ?? defaultTimeoutMs;
    }
  }
  return { limits, defaultTimeoutMs };
}

/** Roles, their inheritance (no undefined parents, no cycles), and every role each subject type holds. */
function compileRoles(files: LoadedFile[], c: Compilation) {
  const roles: CompiledPolicy['roles'] = {};
  const roleWhere = new Map<string, Where>();
  for (const f of files) {
    for (const [name, role] of Object.entries(f.policy?.roles ?? {})) {
      if (Object.hasOwn(roles, name)) {
        c.error(whereIn(f)(['roles', name], true), 'duplicate-role', `role "${name}" is defined twice`);
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
        c.error(roleWhere.get(name)!(['inherits', i]), 'undefined-role', `role "${name}" inherits undefined role "${parent}"${didYouMean(parent, roleNames)}`);
      }
    });
  }
  const expanded = new Map<string, string[]>();
  const expand = (name: string, trail: string[]): string[] => {
    if (trail.includes(name)) {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      c.error(roleWhere.get(name)!(['inherits']), 'cyclic-role', `role inheritance is cyclic: ${cycle.join(' → ')}`);
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
  return { roles, subjectRoles, expanded };
}

async function resolveMethod(call: string, at: Position, ruleId: string, c: Compilation): Promise<FoundCall | undefined> {
  const described = await findCall(call);
  if (described.ok) {
    const pkg = described.found.package;
    if (c.declared && !c.declared.has(pkg)) {
      const version = installedVersion(pkg);
      c.error(
        at,
        'sdk/undeclared-package',
        `${call} comes from ${pkg}, which the generated module imports but package.json does not declare: npm i ${pkg}${version ? `@${version}` : ''}`,
        ruleId,
      );
      return undefined;
    }
    c.found[call] = described.found;
    if (!c.namedAt.has(call)) c.namedAt.set(call, { at, ruleId });
    return described.found;
  }
  const module = call.slice(0, call.lastIndexOf('.'));
  const method = call.slice(call.lastIndexOf('.') + 1);
  let hint = '';
  if (described.reason === 'unknown-module')
    hint = didYouMean(
      module,
      sdkPackages().flatMap((p) => namespacesOf(p).map((n) => n.module)),
    );
  if (described.reason === 'unknown-method') hint = didYouMean(method, await restMethodsOf(module));
  c.error(at, `sdk/${described.reason}`, `${described.message}${hint}`, ruleId);
  return undefined;
}

/**
 * Every placeholder names a caller attribute: a built-in one, or (unless `builtInOnly`) one the
 * policy declares. A caller attribute's own read may use built-in ones only: it cannot depend on another read.
 */
function checkPlaceholders(value: unknown, where: Where, key: string, ruleId: string | undefined, c: Compilation, builtInOnly = false): boolean {
  let ok = true;
  const known = [...CALLER_ATTRIBUTES, ...(builtInOnly ? [] : c.attributes)];
  for (const p of placeholdersIn(value)) {
    const name = placeholderName(p);
    if (placeholderAttribute(p) || (name !== undefined && !builtInOnly && c.attributes.has(name))) continue;
    ok = false;
    const derived = name !== undefined && builtInOnly && c.attributes.has(name);
    c.error(
      where([key]),
      'placeholder',
      derived
        ? `${key}: "${p}" is a derived caller attribute: the read of another may use only ${CALLER_ATTRIBUTES.map((a) => `\${caller.${a}}`).join(', ')}`
        : `${key}: "${p}" names no caller attribute (use one of ${known.map((a) => `\${caller.${a}}`).join(', ')}, or declare it under callerAttributes)${name ? didYouMean(name, known) : ''}`,
      ruleId,
    );
  }
  return ok;
}

/** Names a derived attribute may not take: the built-in ones and the caller's own keys. */
const RESERVED_ATTRIBUTES = new Set<string>([...CALLER_ATTRIBUTES, 'roles', 'attributes']);
const ATTRIBUTE_KINDS = new Set(['read-one', 'read']);

/**
 * `callerAttributes`: each read resolved like a rule's call, fixed (constants and built-in
 * placeholders only), not caller-scoped; once signatures are read, a read with the right arity
 * whose result has the `value` path.
 */
async function compileCallerAttributes(files: LoadedFile[], c: Compilation): Promise<Record<string, CallerAttributeDefinition>> {
  const out: Record<string, CallerAttributeDefinition> = {};
  const names = c.attributes as Set<string>;
  for (const f of files) {
    for (const [name, a] of Object.entries(f.policy?.callerAttributes ?? {})) {
      const where: Where = (p, k) => whereIn(f)(['callerAttributes', name, ...p], k);
      const at = where([], true);
      if (RESERVED_ATTRIBUTES.has(name)) {
        c.error(at, 'caller-attribute', `caller attribute "${name}" would shadow the caller's own "${name}": choose another name`);
        continue;
      }
      if (Object.hasOwn(out, name)) {
        c.error(at, 'caller-attribute', `caller attribute "${name}" is declared twice`);
        continue;
      }
      names.add(name);
      c.attributeSubjects.set(name, a.subjects);
      const definition: CallerAttributeDefinition = {
        description: a.description,
        subjects: a.subjects,
        read: a.read,
        args: a.args,
        value: a.value,
        source: at,
      };
      out[name] = definition;
      checkPlaceholders(a.args, where, 'args', undefined, c, true);
      const scoped = callerScoped(a.read);
      if (scoped) {
        c.error(where(['read']), 'caller-scoped', `${a.read} acts for the current caller (${scoped.why}): elevated, it cannot tell who "${name}" belongs to`);
        continue;
      }
      const found = await resolveMethod(a.read, where(['read']), `callerAttributes.${name}`, c);
      if (!found) continue;
      c.fieldPaths.push({ call: a.read, path: a.value, at: where(['value']), key: 'value', value: true });
      c.kindChecks.push((methods) => {
        const info = methods[a.read];
        if (!info) return;
        if (!ATTRIBUTE_KINDS.has(info.kind)) {
          c.error(
            where(['read']),
            'caller-attribute',
            `caller attribute "${name}" is read by ${a.read}, a ${info.kind} call: it must be a read (of one object, or a plain read)`,
          );
          return;
        }
        for (const path of info.pathArgs) {
          const arg = /^\d+$/.test(path) ? a.args[Number(path)] : undefined;
          if (typeof arg === 'string' && placeholdersIn(arg).length === 0 && !PLAIN_ID.test(arg)) {
            c.error(
              where(['args', Number(path)]),
              'caller-attribute',
              `args.${path} goes into ${a.read}'s URL path: it must be a plain id (${PLAIN_ID_WORDS})`,
            );
          }
        }
        const { required, params, names: argNames } = info.signature;
        if (a.args.length < required || a.args.length > params.length) {
          c.error(
            where(['args'], a.args.length === 0),
            'caller-attribute',
            `${a.read} takes ${required === params.length ? required : `${required} to ${params.length}`} argument(s) (${argNames.join(', ')}); args has ${a.args.length}`,
          );
        }
      });
    }
  }
  return out;
}

function checkConditions(value: Conditions, where: Where, key: string, ruleId: string, c: Compilation): boolean {
  try {
    compileConditions(value);
  } catch (e) {
    if (e instanceof ConditionSyntaxError) {
      // The condition's own key (field paths are dotted keys, `args.0.filter`), then what is under it.
      const top = e.path ? Object.keys(value).find((k) => e.path === k || e.path!.startsWith(`${k}.`)) : undefined;
      c.error(where(top ? [key, top] : [key]), 'condition-syntax', `${key}: ${e.message}${e.path ? ` (at ${e.path})` : ''}`, ruleId);
      return false;
    }
    throw e;
  }
  return checkPlaceholders(value, where, key, ruleId, c);
}

const ALLOW_ONLY = ['resource', 'preload', 'fields', 'cap', 'writable', 'presets', 'rateLimit', 'timeoutMs', 'allowOptions'] as const;
type Rule = NonNullable<PolicyFile['rules']>[number];

async function compileRule(r: Rule, where: Where, roles: CompiledPolicy['roles'], ruleIds: Map<string, string>, c: Compilation): Promise<CompiledRule> {
  const at = where([]);
  const previous = ruleIds.get(r.id);
  if (previous) c.error(where(['id']), 'duplicate-rule', `rule id "${r.id}" is already used at ${previous}`, r.id);
  else ruleIds.set(r.id, `${at.file}:${at.line}:${at.column}`);
  r.roles.forEach((role, i) => {
    if (!Object.hasOwn(roles, role)) c.error(where(['roles', i]), 'undefined-role', `undefined role "${role}"${didYouMean(role, Object.keys(roles))}`, r.id);
  });

  const effect = r.allow !== undefined ? 'allow' : 'deny';
  const call = (r.allow ?? r.deny)!;
  const compiled: CompiledRule = { id: r.id, description: r.description, effect, roles: r.roles, call, source: at };
  if (r.when && checkConditions(r.when, where, 'when', r.id, c)) compiled.when = r.when;
  if (r.justification) compiled.justification = r.justification;
  const registered = obligationKinds().filter((k) => (r as Record<string, unknown>)[k.key] !== undefined);

  if (effect === 'deny') {
    checkAttributeHolders(r, where, c);
    for (const key of [...ALLOW_ONLY, ...registered.map((k) => k.key)]) {
      if ((r as Record<string, unknown>)[key] !== undefined) c.error(where([key], true), 'deny-obligation', `"${key}" only applies to allow rules`, r.id);
    }
    return compiled;
  }

  const info = await resolveMethod(call, where(['allow']), r.id, c);
  checkCallerScoped(call, r, where(['allow']), c);
  checkAttributeHolders(r, where, c);
  if (r.resource && checkConditions(r.resource, where, 'resource', r.id, c)) compiled.resource = r.resource;
  if (r.fields) compiled.fields = r.fields;
  if (r.cap !== undefined) compiled.cap = r.cap;
  if (r.writable) compiled.writable = r.writable;
  if (r.presets && checkPlaceholders(r.presets, where, 'presets', r.id, c)) compiled.presets = r.presets;
  if (r.timeoutMs !== undefined) compiled.timeoutMs = r.timeoutMs;
  if (r.allowOptions) {
    compiled.allowOptions = r.allowOptions;
    const module = call.slice(0, call.lastIndexOf('.'));
    const known = protectionOptionsOf(module).map((o) => o.option);
    r.allowOptions.forEach((option, i) => {
      if (!known.includes(option)) {
        c.error(
          where(['allowOptions', i]),
          'allow-option-unknown',
          known.length
            ? `"${option}" is not an option that turns a protection of ${module} off (${known.join(', ')})${didYouMean(option, known)}`
            : `${module} has no option that turns a protection off: allowOptions has nothing to allow`,
          r.id,
        );
      }
    });
    if (!r.justification) {
      c.error(
        where(['allowOptions'], true),
        'allow-option-unjustified',
        'allowOptions turns a Wix protection off: the rule needs a "justification" saying why',
        r.id,
      );
    }
  }
  if (r.rateLimit) compiled.rateLimit = { ...parseRate(r.rateLimit)!, text: r.rateLimit };
  if (r.preload) compiled.preload = r.preload;
  if (registered.length) compiled.extensions = Object.fromEntries(registered.map((k) => [k.key, (r as Record<string, unknown>)[k.key]]));
  // A registered kind's value may name the caller too: the same placeholders as a condition's.
  for (const k of registered) checkPlaceholders((r as Record<string, unknown>)[k.key], where, k.key, r.id, c);
  if (!info) return compiled;

  for (const [i, path] of (r.writable ?? []).entries()) c.argumentPaths.push({ call, path, at: where(['writable', i]), key: 'writable', ruleId: r.id });
  for (const path of Object.keys(r.presets ?? {})) c.argumentPaths.push({ call, path, at: where(['presets', path], true), key: 'presets', ruleId: r.id });
  for (const path of conditionPaths(r.when ?? {})) c.argumentPaths.push({ call, path, at: where(['when']), key: 'when', ruleId: r.id });
  const preloaded = r.preload !== undefined && (await resolveMethod(r.preload, where(['preload']), r.id, c)) !== undefined;
  if (r.preload !== undefined) checkCallerScoped(r.preload, r, where(['preload']), c);
  // A resource condition is on the object the call touches: the preloaded target of a write.
  const touched = r.preload ?? call;
  if (r.resource && (r.preload === undefined || preloaded)) {
    for (const path of conditionPaths(r.resource))
      c.fieldPaths.push({ call: touched, path, at: where(['resource', path], true), key: 'resource', ruleId: r.id });
  }
  for (const side of ['allow', 'deny'] as const) {
    for (const [i, path] of (r.fields?.[side] ?? []).entries())
      c.fieldPaths.push({ call, path, at: where(['fields', side, i]), key: `fields.${side}`, ruleId: r.id });
  }
  c.kindChecks.push((methods) => {
    const refined = methods[call];
    if (refined) checkKind(r, refined, preloaded ? methods[r.preload!] : undefined, where, registered, c);
  });
  return compiled;
}

/**
 * A derived attribute is read only for its subject types: a rule naming it must apply to those alone
 * (for anyone else it has no value, and a negative test or a nested preset on nothing could pass).
 */
function checkAttributeHolders(r: Rule, where: Where, c: Compilation): void {
  const registered = obligationKinds().map((k) => (r as Record<string, unknown>)[k.key]);
  const used = placeholderNamesIn([r.when, r.resource, r.presets, ...registered], (n) => c.attributeSubjects.has(n));
  for (const name of used) {
    const subjects = c.attributeSubjects.get(name)!;
    const holders = SUBJECT_TYPES.filter((s) => r.roles.some((role) => c.subjectRoles[s].includes(role)));
    const others = holders.filter((s) => !subjects.includes(s));
    if (others.length) {
      c.error(
        where(['roles'], true),
        'caller-attribute',
        `rule "${r.id}" uses \${caller.${name}}, which is read for ${subjects.join(', ')} only, but its roles are also held by ${others.join(', ')}: give the rule roles only they hold, or read "${name}" for them too`,
        r.id,
      );
    }
  }
}

/** A rule that elevates a method acting for the current caller needs a justification. */
function checkCallerScoped(call: string, r: Rule, at: Position, c: Compilation): void {
  const scoped = callerScoped(call);
  if (!scoped || r.justification) return;
  c.error(
    at,
    'caller-scoped',
    `${call} acts for the current caller: ${scoped.why}. Call it un-elevated from the frontend instead, or give the rule a "justification" (${CALLER_SCOPED_SOURCE.document}, ${CALLER_SCOPED_SOURCE.version})`,
    r.id,
  );
}

/** What a method's kind allows (once its signature has refined the kind): caps on lists, preloads on writes by id, … */
function checkKind(r: Rule, refined: MethodInfo, preInfo: MethodInfo | undefined, where: Where, registered: ObligationKind[], c: Compilation): void {
  const call = refined.call;
  const error = (at: Position, code: DiagnosticCode, message: string) => c.error(at, code, message, r.id);
  if (r.cap !== undefined && refined.kind !== 'list') {
    error(where(['cap'], true), 'cap-not-list', `cap applies to list calls (query…/search… with a query and a list of items); ${call} is not one`);
  }
  if (r.cap !== undefined && refined.kind === 'list') {
    const max = largestPage(refined);
    if (max !== undefined && r.cap > max) {
      error(where(['cap']), 'cap-above-maximum', `cap ${r.cap} is above the largest page ${call} takes (${max}, the SDK's own maximum): Wix would refuse it`);
    }
  }
  if (r.preload !== undefined) {
    if (refined.kind !== 'write-one') {
      error(where(['preload'], true), 'preload-not-write', `preload applies to writes addressed by id; ${call} is a ${refined.kind} call`);
    }
    if (preInfo && preInfo.kind !== 'read-one') {
      error(where(['preload']), 'preload-not-read', `preload must be a read of one object by id; ${r.preload} is a ${preInfo.kind} call`);
    } else if (preInfo && (preInfo.targetArgs.length !== refined.targetArgs.length || preInfo.scope?.arg !== refined.scope?.arg)) {
      error(
        where(['preload']),
        'preload-mismatch',
        `${r.preload} takes its target from args ${preInfo.targetArgs.join(', ')} but ${call} from args ${refined.targetArgs.join(', ')}`,
      );
    }
  }
  if (r.resource && refined.kind === 'write-one' && !r.preload) {
    error(
      where(['resource'], true),
      'resource-needs-preload',
      `a resource condition on a write addressed by id needs "preload": the read that loads the target first`,
    );
  }
  if (refined.scope && !pinsScope(r, refined.scope.arg)) {
    error(
      where(r.when ? ['when'] : ['allow'], r.when !== undefined),
      'scope-unpinned',
      `a rule on ${call} names one ${refined.scope.noun}: add when: { args.${refined.scope.arg}: <${refined.scope.noun} id> } (a plain string)`,
    );
  }
  if (refined.replaces !== undefined && r.preload === undefined) {
    error(
      where(['allow']),
      'replace-needs-preload',
      `${call} replaces args.${refined.replaces} whole: it needs "preload" (the read that loads the target), so what the caller may not write is kept`,
    );
  }
  if ((refined.kind === 'write' || refined.kind === 'write-one') && !r.writable) {
    const open = refined.signature.params.findIndex((p, i) => i !== refined.scope?.arg && isOpenObject(p, refined.signature.defs));
    if (open >= 0) {
      error(
        where(['allow']),
        'writable-required',
        `the SDK types args.${open} (${refined.signature.names[open]}) of ${call} as an open object: list the fields a caller may set in "writable" (e.g. args.${open}.title)`,
      );
    }
  }
  if (r.resource && (refined.kind === 'read' || refined.kind === 'write')) {
    error(
      where(['resource'], true),
      'resource-unenforceable',
      `${call} neither returns one object by id nor lists objects: a resource condition cannot be enforced on it`,
    );
  }
  for (const kind of registered) {
    if (kind.methodKinds && !kind.methodKinds.includes(refined.kind)) {
      error(
        where([kind.key], true),
        'obligation-not-applicable',
        `"${kind.key}" applies to ${kind.methodKinds.join(', ')} calls; ${call} is a ${refined.kind} call`,
      );
    }
  }
}

/** Whether the rule's `when` fixes argument `arg` to one plain string, at its top level. */
function pinsScope(r: Rule, arg: number): boolean {
  const key = `args.${arg}`;
  const value = r.when && Object.hasOwn(r.when, key) ? (r.when as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value.length > 0 && placeholdersIn(value).length === 0;
}

/** An object type that admits any key (`Record<string, any>`, a generic item): the SDK checks nothing of it. */
function isOpenObject(schema: MethodInfo['signature']['params'][number], defs: MethodInfo['signature']['defs']): boolean {
  const s = resolveSchema(schema, defs);
  return (
    ('type' in s && s.type === 'json') ||
    ('type' in s && s.type === 'object' && s.additionalProperties !== undefined && 'type' in s.additionalProperties && s.additionalProperties.type === 'json')
  );
}

/** Allow rules that an unconditional deny makes unreachable for every one of their roles. */
function reportUnreachable(rules: CompiledRule[], expanded: Map<string, string[]>, c: Compilation): void {
  for (const rule of rules) {
    if (rule.effect !== 'allow') continue;
    const blocked = rule.roles.every((role) =>
      rules.some(
        (d) => d.effect === 'deny' && !d.when && matchesCallPattern(d.call, rule.call) && d.roles.some((dr) => (expanded.get(role) ?? [role]).includes(dr)),
      ),
    );
    if (blocked) {
      const denier = rules.find((d) => d.effect === 'deny' && !d.when && matchesCallPattern(d.call, rule.call))!;
      c.error(
        rule.source,
        'unreachable-rule',
        `rule "${rule.id}" can never allow anything: deny rule "${denier.id}" always refuses ${rule.call} for its roles`,
        rule.id,
      );
    }
  }
}

/**
 * What each method accepts, from the SDK's type declarations (one TypeScript program for all), and
 * what it sends, from a probe of the real function with arguments of those types.
 */
async function describeMethods(c: Compilation): Promise<Record<string, MethodInfo>> {
  const methods: Record<string, MethodInfo> = {};
  const signatures = signaturesOf(Object.values(c.found).map(({ call, package: pkg, method }) => ({ call, package: pkg, method })));
  for (const [call, found] of Object.entries(c.found)) {
    const result = signatures.get(call)!;
    const named = c.namedAt.get(call)!;
    if (!result.ok) {
      c.error(named.at, 'sdk/no-signature', `cannot check the arguments of ${call}: ${result.message}`, named.ruleId);
      continue;
    }
    c.results[call] = result.result;
    const described = await describeMethod(found, result.signature);
    if (described.ok) methods[call] = withSignature(described.info, result.signature);
    else c.error(named.at, `sdk/${described.reason}`, described.message, named.ruleId);
  }
  return methods;
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
