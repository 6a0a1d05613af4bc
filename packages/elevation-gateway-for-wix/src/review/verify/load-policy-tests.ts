// Reads policies/tests/*.yaml with positions and validates them: the zod schema first, then what
// only the policy and the SDK can tell (callers, SDK names, rule ids, inputs that fit the call).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { CompiledPolicy, SubjectType } from '../../contract/compiled-policy.ts';
import type { MethodInfo } from '../../sdk/method-info.ts';
import type { Diagnostic, DiagnosticCode } from '../../policy/diagnostics.ts';
import { documentValue, isFile, locate, positionOf, type LoadedFile } from '../../policy/load.ts';
import { didYouMean } from '../../policy/suggest.ts';
import { findCall, namespacesOf, restMethodsOf, sdkPackages } from '../../sdk/catalogue.ts';
import { parseCallerSpec } from '../explain/caller-spec.ts';
import { policyTestFileSchema, type PolicyTestCase } from './test-file-schema.ts';

export interface LoadedTestCase {
  test: PolicyTestCase;
  file: string;
  line: number;
  column: number;
  subjectType: SubjectType;
  callerId: string;
  /** The method as the policy describes it (absent when no rule names the call: the case can only be denied). */
  info: MethodInfo | undefined;
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

async function loadOne(text: string, file: string, policy: CompiledPolicy, diagnostics: Diagnostic[]): Promise<LoadedTestCase[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loaded: LoadedFile = { file, doc, lines };
  const error = (path: (string | number)[], code: DiagnosticCode, message: string, key = false) =>
    diagnostics.push({ severity: 'error', file, ...locate(loaded, path, key), code, message });
  for (const e of doc.errors) {
    diagnostics.push({ severity: 'error', file, ...positionOf(lines, e.pos[0]), code: 'yaml', message: e.message.split('\n')[0] ?? 'YAML error' });
  }
  if (doc.errors.length) return [];
  const value = documentValue(loaded, diagnostics);
  if (!value.ok) return [];
  const parsed = policyTestFileSchema.safeParse(value.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as (string | number)[];
      const where = path.length ? `${path.join('.')}: ` : '';
      if (issue.code === 'unrecognized_keys') {
        const keys = (issue as { keys: string[] }).keys;
        error([...path, keys[0] ?? ''], 'schema', `${where}unknown key ${keys.map((k) => `"${k}"`).join(', ')}`, true);
      } else error(path, 'schema', `${where}${issue.message}`);
    }
    return [];
  }

  const ruleIds = policy.rules.map((r) => r.id);
  const out: LoadedTestCase[] = [];
  for (const [i, test] of parsed.data.cases.entries()) {
    const before = diagnostics.length;
    const at = (key: string) => ['cases', i, key];
    const caller = parseCallerSpec(test.as);
    if (!caller.ok) error(at('as'), 'test/caller', caller.message);
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
      error(at('call'), `sdk/${described.reason}`, `${described.message}${hint}`);
    }
    const declared = Object.keys(policy.callerAttributes ?? {});
    for (const name of Object.keys(test.attributes ?? {})) {
      if (!declared.includes(name)) {
        error([...at('attributes'), name], 'test/input', `the policy declares no caller attribute "${name}"${didYouMean(name, declared)}`, true);
      } else if (!policy.callerAttributes[name]!.subjects.includes(caller.ok ? caller.subjectType : 'UNKNOWN')) {
        error(
          [...at('attributes'), name],
          'test/input',
          `caller attribute "${name}" is read for ${policy.callerAttributes[name]!.subjects.join(', ')} only, not for "${test.as}"`,
          true,
        );
      }
    }
    if (test.rule !== undefined && !ruleIds.includes(test.rule))
      error(at('rule'), 'test/unknown-rule', `no rule "${test.rule}" in the policy${didYouMean(test.rule, ruleIds)}`);
    if (test.expect === 'deny' && (test.fields || test.count !== undefined)) {
      error(
        at(test.fields ? 'fields' : 'count'),
        'test/deny-expectation',
        `"${test.fields ? 'fields' : 'count'}" only applies to cases that expect allow`,
        true,
      );
    }
    if (described.ok && info) {
      const list = info.kind === 'list';
      if (list && test.resource) error(at('resource'), 'test/input', `${test.call} is a list call: give the items Wix would return as "items"`, true);
      if (!list && test.items) error(at('items'), 'test/input', `${test.call} is not a list call: give the object Wix would return as "resource"`, true);
      if (!list && test.count !== undefined) error(at('count'), 'test/input', `"count" applies to list calls only`, true);
      if (test.count !== undefined && !test.items) error(at('count'), 'test/input', `"count" needs the "items" Wix would return`, true);
    }
    if (diagnostics.length > before || !caller.ok || !described.ok) continue;
    const pos = locate(loaded, ['cases', i]);
    out.push({ test, file, ...pos, subjectType: caller.subjectType, callerId: caller.id, info });
  }
  return out;
}
