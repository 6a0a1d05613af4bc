// Reads policies/tests/*.yaml with positions and validates them: the zod schema first, then the
// file's fixtures and matrices (resolved here, so the runner gets plain cases: one per case, one per
// matrix cell), then what only the policy and the SDK can tell (callers, SDK names, rule ids,
// inputs that fit the call).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { SUBJECT_TYPES, type CompiledPolicy, type SubjectType } from '../../contract/compiled-policy.ts';
import type { MethodInfo } from '../../sdk/method-info.ts';
import type { Diagnostic, DiagnosticCode } from '../../policy/diagnostics.ts';
import { documentValue, isFile, locate, parseYamlText, positionOf, type LoadedFile } from '../../policy/load.ts';
import { didYouMean } from '../../policy/suggest.ts';
import { findCall, namespacesOf, restMethodsOf, sdkPackages } from '../../sdk/catalogue.ts';
import { parseCallerSpec } from '../explain/caller-spec.ts';
import { policyTestFileSchema, type PolicyTestCase, type PolicyTestFile, type PolicyTestMatrix, type WrittenTestCase } from './test-file-schema.ts';

export interface LoadedTestCase {
  test: PolicyTestCase;
  file: string;
  line: number;
  column: number;
  subjectType: SubjectType;
  callerId: string;
  /** The method as the policy describes it (absent when no rule names the call: the case can only be denied). */
  info: MethodInfo | undefined;
  /** A matrix cell's case: the matrix's name, the call's label and the caller as the matrix lists it. */
  matrix?: { name: string; call: string; caller: string };
}

export function policyTestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && isFile(join(dir, f)))
    .sort()
    .map((f) => join(dir, f));
}

export async function loadPolicyTests(paths: string[], policy: CompiledPolicy, diagnostics: Diagnostic[], cwd = process.cwd()): Promise<LoadedTestCase[]> {
  const cases: LoadedTestCase[] = [];
  for (const path of paths) {
    const file = relative(cwd, path) || path;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      diagnostics.push({ severity: 'error', file, line: 1, column: 1, code: 'test/file', message: `cannot read the test file: ${(e as Error).message}` });
      continue;
    }
    cases.push(...(await loadOne(text, file, policy, diagnostics)));
  }
  return cases;
}

export async function loadPolicyTestText(text: string, file: string, policy: CompiledPolicy, diagnostics: Diagnostic[]): Promise<LoadedTestCase[]> {
  return loadOne(text, file, policy, diagnostics);
}

type Path = (string | number)[];
type Report = (path: Path, code: DiagnosticCode, message: string, key?: boolean) => void;
type Fixtures = NonNullable<PolicyTestFile['fixtures']>;
type CallerFixture = NonNullable<Fixtures['callers']>[string];
type SampleFixtureKind = 'args' | 'resources' | 'items';
const SAMPLE_FIXTURE_KINDS: readonly SampleFixtureKind[] = ['args', 'resources', 'items'];
const SUBJECT_TYPE_NAMES = SUBJECT_TYPES.map((s) => s.toLowerCase());

/** A caller as a case or a matrix column names it, resolved. */
interface ResolvedCaller {
  /** The caller spec the runner gets as `as` (a fixture's own `as`). */
  spec: string;
  subjectType: SubjectType;
  id: string;
  fixture?: CallerFixture;
}

/**
 * A case with its fixtures resolved, before the checks that need the policy. `resolved` is false
 * when something it names could not be resolved (already reported): it is checked, never run.
 */
interface Draft {
  test: PolicyTestCase;
  resolved: boolean;
  caller: ResolvedCaller | undefined;
  /** The attributes the case (or the matrix call) gives itself; a caller fixture's are checked with the fixture. */
  ownAttributes: Record<string, string> | undefined;
  /** Whether the case gives resource and items (given but unresolved counts: the author meant to). */
  gives: { resource: boolean; items: boolean };
  /** Where a key of the case was written, for positioned errors. */
  keyAt: (key: keyof PolicyTestCase) => Path;
  /** Where the case is reported: the case itself, or a matrix's cell. */
  at: Path;
  matrix?: LoadedTestCase['matrix'];
}

async function loadOne(text: string, file: string, policy: CompiledPolicy, diagnostics: Diagnostic[]): Promise<LoadedTestCase[]> {
  const { doc, lines } = parseYamlText(text);
  const loaded: LoadedFile = { file, doc, lines };
  // A matrix checks one call once per caller: the same problem is reported once.
  const reported = new Set<string>();
  let errors = 0;
  const error: Report = (path, code, message, key = false) => {
    errors++;
    const at = locate(loaded, path, key);
    const id = `${at.line}:${at.column}:${code}:${message}`;
    if (reported.has(id)) return;
    reported.add(id);
    diagnostics.push({ severity: 'error', file, ...at, code, message });
  };
  for (const e of doc.errors) {
    diagnostics.push({ severity: 'error', file, ...positionOf(lines, e.pos[0]), code: 'yaml', message: e.message.split('\n')[0] ?? 'YAML error' });
  }
  if (doc.errors.length) return [];
  const value = documentValue(loaded, diagnostics);
  if (!value.ok) return [];
  const parsed = policyTestFileSchema.safeParse(value.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, [], error);
    return [];
  }

  const fixtures = parsed.data.fixtures ?? {};
  const drafts = resolvedDrafts(parsed.data, fixtures, policy, error);
  const out: LoadedTestCase[] = [];
  for (const draft of drafts) {
    const before = errors;
    const { test, caller } = draft;
    const info = await checkAgainstPolicy(draft, policy, error);
    if (errors > before || !draft.resolved || !caller || info === false) continue;
    out.push({
      test,
      file,
      ...locate(loaded, draft.at),
      subjectType: caller.subjectType,
      callerId: caller.id,
      info,
      ...(draft.matrix ? { matrix: draft.matrix } : {}),
    });
  }
  return out;
}

/**
 * A zod issue as positioned diagnostics. A value that may also be a fixture's name is a union: its
 * issues are those of the branch whose JSON type the value has, so `items: [5]` reads as an item
 * that is not an object, not as "invalid input".
 */
function reportIssue(issue: z.core.$ZodIssue, prefix: Path, error: Report): void {
  const path = [...prefix, ...(issue.path as Path)];
  const where = path.length ? `${path.join('.')}: ` : '';
  if (issue.code === 'invalid_union') {
    const fitting = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
    if (fitting.length === 1) {
      for (const i of fitting[0]!) reportIssue(i, path, error);
      return;
    }
  }
  if (issue.code === 'unrecognized_keys') {
    error([...path, issue.keys[0] ?? ''], 'schema', `${where}unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`, true);
  } else if (issue.code === 'invalid_key') {
    error(path, 'schema', `${where}${issue.issues.map((i) => i.message).join('; ')}`, true);
  } else error(path, 'schema', `${where}${issue.message}`);
}

/** Every case and every matrix cell, its fixtures resolved; what is wrong with the fixtures and the matrices is reported. */
function resolvedDrafts(data: PolicyTestFile, fixtures: Fixtures, policy: CompiledPolicy, error: Report): Draft[] {
  const callerFixtures = checkedCallerFixtures(fixtures, policy, error);

  const resolveCaller = (ref: string, path: Path): ResolvedCaller | undefined => {
    const isSpec = ref.includes(':') || SUBJECT_TYPE_NAMES.includes(ref.toLowerCase());
    if (!isSpec && fixtures.callers && Object.hasOwn(fixtures.callers, ref)) return callerFixtures.get(ref);
    if (!isSpec && fixtures.callers && Object.keys(fixtures.callers).length) {
      error(
        path,
        'test/fixture',
        `"${ref}" names no caller fixture and no subject type${didYouMean(ref, [...Object.keys(fixtures.callers), ...SUBJECT_TYPE_NAMES])}: use a name from fixtures.callers or a caller (${SUBJECT_TYPE_NAMES.join(', ')}, optionally with an id: member:m-1)`,
      );
      return undefined;
    }
    const caller = parseCallerSpec(ref);
    if (!caller.ok) {
      error(path, 'test/caller', caller.message);
      return undefined;
    }
    return { spec: ref, subjectType: caller.subjectType, id: caller.id };
  };

  /** `value`, or a copy of the fixture it names (a copy: cases never share sample data). */
  const sample = <T>(kind: SampleFixtureKind, value: T | string, path: Path): { ok: true; value: T } | { ok: false } => {
    if (typeof value !== 'string') return { ok: true, value };
    const table = (fixtures[kind] ?? {}) as Record<string, T>;
    if (Object.hasOwn(table, value)) return { ok: true, value: structuredClone(table[value]!) };
    const elsewhere = SAMPLE_FIXTURE_KINDS.find((k) => k !== kind && fixtures[k] && Object.hasOwn(fixtures[k], value));
    const kindNote = elsewhere ? ` ("${value}" is a fixtures.${elsewhere} entry)` : '';
    // With no such fixtures at all, a string is most likely a value written where a list or object goes.
    const shape = Object.keys(table).length
      ? ''
      : kind === 'args'
        ? ` (the arguments are a list: args: [${JSON.stringify(value)}]; a string names an argument fixture)`
        : ` (a string names a fixtures.${kind} entry; give the ${kind === 'items' ? 'items as a list' : 'object'} itself otherwise)`;
    error(path, 'test/fixture', `no fixtures.${kind} entry "${value}"${kindNote}${shape}${didYouMean(value, Object.keys(table))}`);
    return { ok: false };
  };

  /** A draft from what a case or a matrix call writes, for one caller. */
  const draft = (
    written: Pick<WrittenTestCase, 'call' | 'args' | 'resource' | 'items' | 'result' | 'site' | 'instance' | 'attributes'>,
    plain: Pick<PolicyTestCase, 'name' | 'expect' | 'rule' | 'count' | 'fields'>,
    caller: ResolvedCaller | undefined,
    where: Pick<Draft, 'keyAt' | 'at' | 'matrix'> & { sound: boolean },
  ): Draft => {
    const args = sample('args', written.args, where.keyAt('args'));
    const resource =
      written.resource === undefined ? ({ ok: true, value: undefined } as const) : sample('resources', written.resource, where.keyAt('resource'));
    const items = written.items === undefined ? ({ ok: true, value: undefined } as const) : sample('items', written.items, where.keyAt('items'));
    const fixture = caller?.fixture;
    const test: PolicyTestCase = {
      ...plain,
      as: caller?.spec ?? '',
      site: written.site ?? fixture?.site,
      instance: written.instance ?? fixture?.instance,
      attributes: written.attributes ?? fixture?.attributes,
      call: written.call,
      args: args.ok ? args.value : [],
      resource: resource.ok ? resource.value : undefined,
      items: items.ok ? items.value : undefined,
      result: written.result,
    };
    return {
      test: withoutUndefined(test),
      resolved: where.sound && args.ok && resource.ok && items.ok,
      caller,
      ownAttributes: written.attributes,
      gives: { resource: written.resource !== undefined, items: written.items !== undefined },
      keyAt: where.keyAt,
      at: where.at,
      ...(where.matrix ? { matrix: where.matrix } : {}),
    };
  };

  const drafts: Draft[] = [];
  for (const [i, c] of (data.cases ?? []).entries()) {
    const at: Path = ['cases', i];
    const keyAt = (key: keyof PolicyTestCase): Path => [...at, key];
    const caller = resolveCaller(c.as, keyAt('as'));
    const { name, expect, rule, count, fields } = c;
    drafts.push(draft(c, withoutUndefined({ name, expect, rule, count, fields }), caller, { keyAt, at, sound: caller !== undefined }));
  }
  const matrixNames = new Map<string, number>();
  for (const [m, matrix] of (data.matrices ?? []).entries()) {
    const base: Path = ['matrices', m];
    const earlier = matrixNames.get(matrix.name);
    const named = earlier === undefined;
    if (!named) {
      error(
        [...base, 'name'],
        'test/matrix',
        `matrices.${earlier} is named "${matrix.name}" too: name each matrix differently, so that its cells' names tell them apart`,
      );
    } else matrixNames.set(matrix.name, m);
    const columns = matrixColumns(matrix, base, resolveCaller, error);
    for (const { label, row } of matrixRows(matrix, base, error)) {
      const entry = matrix.calls[label]!;
      const callAt = [...base, 'calls', label];
      for (const [j, cell] of row.cells.slice(0, matrix.callers.length).entries()) {
        const column = columns[j]!;
        const cellAt: Path = [...base, 'expect', label, j];
        const keyAt = (key: keyof PolicyTestCase): Path => (key === 'as' ? [...base, 'callers', j] : key === 'expect' ? cellAt : [...callAt, key]);
        const name = `${matrix.name}: ${label} × ${column.ref}`;
        drafts.push(
          draft(entry, { name, expect: cell }, column.caller, {
            keyAt,
            at: cellAt,
            matrix: { name: matrix.name, call: label, caller: column.ref },
            sound: named && column.caller !== undefined && !column.duplicate && row.complete,
          }),
        );
      }
    }
  }
  return drafts;
}

/** The file's caller fixtures that are sound, by name; what is wrong with the others is reported at the fixture. */
function checkedCallerFixtures(fixtures: Fixtures, policy: CompiledPolicy, error: Report): Map<string, ResolvedCaller> {
  const sound = new Map<string, ResolvedCaller>();
  for (const [name, fixture] of Object.entries(fixtures.callers ?? {})) {
    const at: Path = ['fixtures', 'callers', name];
    let ok = true;
    if (SUBJECT_TYPE_NAMES.includes(name.toLowerCase())) {
      ok = false;
      error(
        at,
        'test/fixture',
        `a caller fixture may not be named "${name}": "as: ${name.toLowerCase()}" means any ${name.toLowerCase()} caller; give the fixture another name (e.g. ${name.toLowerCase()}-1)`,
        true,
      );
    }
    const caller = parseCallerSpec(fixture.as);
    if (!caller.ok) {
      ok = false;
      error([...at, 'as'], 'test/caller', caller.message);
    }
    if (!checkAttributes(fixture.attributes, caller.ok ? caller.subjectType : undefined, fixture.as, [...at, 'attributes'], policy, error)) ok = false;
    if (ok && caller.ok) sound.set(name, { spec: fixture.as, subjectType: caller.subjectType, id: caller.id, fixture });
  }
  return sound;
}

/** A matrix's callers, one per column; a caller listed twice is reported at its second column. */
function matrixColumns(
  matrix: PolicyTestMatrix,
  base: Path,
  resolveCaller: (ref: string, path: Path) => ResolvedCaller | undefined,
  error: Report,
): { ref: string; caller: ResolvedCaller | undefined; duplicate: boolean }[] {
  const seen = new Map<string, number>();
  return matrix.callers.map((ref, j) => {
    const path = [...base, 'callers', j];
    const caller = resolveCaller(ref, path);
    // member:m-1 and MEMBER:m-1 are one caller; a fixture is itself.
    const identity = caller && !caller.fixture ? `${caller.subjectType}:${caller.id}` : `fixture:${ref}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      const as = matrix.callers[first] === ref ? '' : ` (as ${matrix.callers[first]})`;
      error(path, 'test/matrix', `"${ref}" is already column ${first + 1}${as}: list each caller once`);
      return { ref, caller, duplicate: true };
    }
    seen.set(identity, j);
    return { ref, caller, duplicate: false };
  });
}

/** A matrix's rows, each for a call it has; a row whose length does not match the callers is reported and marked incomplete. */
function matrixRows(matrix: PolicyTestMatrix, base: Path, error: Report): { label: string; row: { cells: ('allow' | 'deny')[]; complete: boolean } }[] {
  const labels = Object.keys(matrix.calls);
  const callers = matrix.callers;
  const listed = `${callers.length} caller${callers.length === 1 ? '' : 's'} (${callers.join(', ')})`;
  for (const label of labels) {
    if (!Object.hasOwn(matrix.expect, label)) {
      error([...base, 'calls', label], 'test/matrix', `call "${label}" has no row in expect: give it one allow or deny for each of the ${listed}`, true);
    }
  }
  const rows: { label: string; row: { cells: ('allow' | 'deny')[]; complete: boolean } }[] = [];
  for (const [label, cells] of Object.entries(matrix.expect)) {
    const rowAt = [...base, 'expect', label];
    if (!Object.hasOwn(matrix.calls, label)) {
      error(rowAt, 'test/matrix', `expect has a row "${label}", but calls has no call "${label}"${didYouMean(label, labels)}`, true);
      continue;
    }
    const complete = cells.length === callers.length;
    if (cells.length < callers.length) {
      const missing = callers.slice(cells.length);
      error(
        rowAt,
        'test/matrix',
        `row "${label}" has ${cells.length} cell${cells.length === 1 ? '' : 's'} for ${listed}: missing the cell${missing.length === 1 ? '' : 's'} for ${missing.join(', ')}`,
      );
    } else if (cells.length > callers.length) {
      error(
        [...rowAt, callers.length],
        'test/matrix',
        `row "${label}" has ${cells.length} cells for ${listed}: the ${cells.length - callers.length} from here on match no caller`,
      );
    }
    rows.push({ label, row: { cells, complete } });
  }
  return rows;
}

/** Attributes a caller is given: the policy must declare each, and read it for the caller's subject type (unknown: not checked). */
function checkAttributes(
  attributes: Record<string, string> | undefined,
  subjectType: SubjectType | undefined,
  callerText: string,
  path: Path,
  policy: CompiledPolicy,
  error: Report,
): boolean {
  let ok = true;
  const declared = Object.keys(policy.callerAttributes ?? {});
  for (const name of Object.keys(attributes ?? {})) {
    if (!declared.includes(name)) {
      ok = false;
      error([...path, name], 'test/input', `the policy declares no caller attribute "${name}"${didYouMean(name, declared)}`, true);
    } else if (subjectType && !policy.callerAttributes[name]!.subjects.includes(subjectType)) {
      ok = false;
      error(
        [...path, name],
        'test/input',
        `caller attribute "${name}" is read for ${policy.callerAttributes[name]!.subjects.join(', ')} only, not for "${callerText}"`,
        true,
      );
    }
  }
  return ok;
}

/**
 * What only the policy and the SDK can tell about a draft: the call exists, the rule exists, the
 * inputs fit the call. The method's description (undefined when no rule names the call), or false
 * when the SDK has no such call.
 */
async function checkAgainstPolicy(draft: Draft, policy: CompiledPolicy, error: Report): Promise<MethodInfo | undefined | false> {
  const { test, keyAt, caller } = draft;
  const described = await findCall(test.call);
  const info = Object.hasOwn(policy.methods, test.call) ? policy.methods[test.call] : undefined;
  if (!described.ok) {
    const cut = test.call.lastIndexOf('.');
    const module = test.call.slice(0, cut);
    let hint = '';
    if (described.reason === 'unknown-module')
      hint = didYouMean(
        module,
        sdkPackages().flatMap((p) => namespacesOf(p).map((n) => n.module)),
      );
    if (described.reason === 'unknown-method') hint = didYouMean(test.call.slice(cut + 1), await restMethodsOf(module));
    error(keyAt('call'), `sdk/${described.reason}`, `${described.message}${hint}`);
  }
  checkAttributes(draft.ownAttributes, caller?.subjectType, caller?.spec ?? '', keyAt('attributes'), policy, error);
  const ruleIds = policy.rules.map((r) => r.id);
  if (test.rule !== undefined && !ruleIds.includes(test.rule))
    error(keyAt('rule'), 'test/unknown-rule', `no rule "${test.rule}" in the policy${didYouMean(test.rule, ruleIds)}`);
  if (test.expect === 'deny' && (test.fields || test.count !== undefined)) {
    error(
      keyAt(test.fields ? 'fields' : 'count'),
      'test/deny-expectation',
      `"${test.fields ? 'fields' : 'count'}" only applies to cases that expect allow`,
      true,
    );
  }
  if (described.ok && info) {
    const list = info.kind === 'list';
    if (list && draft.gives.resource) error(keyAt('resource'), 'test/input', `${test.call} is a list call: give the items Wix would return as "items"`, true);
    if (!list && draft.gives.items)
      error(keyAt('items'), 'test/input', `${test.call} is not a list call: give the object Wix would return as "resource"`, true);
    if (!list && test.count !== undefined) error(keyAt('count'), 'test/input', `"count" applies to list calls only`, true);
    if (test.count !== undefined && !draft.gives.items) error(keyAt('count'), 'test/input', `"count" needs the "items" Wix would return`, true);
  }
  return described.ok ? info : false;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
