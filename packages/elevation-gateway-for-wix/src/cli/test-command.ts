// `elevate test [--policies dir] [--json] [files...]`: runs the policy tests (policies/tests/*.yaml).
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { buildPolicy } from '../policy/build.ts';
import { projectConfig } from './project-config.ts';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics.ts';
import { isFile } from '../policy/load.ts';
import { loadPolicyTests, policyTestFiles } from '../review/verify/load-policy-tests.ts';
import { runPolicyTests } from '../review/verify/run-policy-tests.ts';
import { paint, usageError } from './output.ts';
import { readCommandLine } from './command-line.ts';

export const TEST_HELP = `usage: elevate test [--policies <dir>] [--json] [<test file>...]

Runs the policy tests offline: each case's caller and call go through the gateway's real decision
and obligations, with the case's sample object or items standing in for Wix.
  --policies <dir>  policy folder (default: the project's, policies unless configured); tests: <dir>/tests/*.yaml
  --json            { ok, passed, failed, results } on stdout
Exit: 0 every case passed, 1 a case failed or a test file has errors, 2 usage error.`;

export async function runTest(argv: string[]): Promise<number> {
  const line = readCommandLine(
    'test',
    argv,
    TEST_HELP,
    {
      policies: { type: 'string', default: projectConfig().policies },
      json: { type: 'boolean', default: false },
    },
    true,
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  const missing = positionals.find((f) => !existsSync(f));
  if (missing) return usageError('test', `no such test file: ${missing}`, TEST_HELP);
  const notFile = positionals.find((f) => !isFile(f));
  if (notFile) return usageError('test', `${notFile} is not a file: give policy test files (*.yaml)`, TEST_HELP);
  const files = positionals.length ? positionals : policyTestFiles(join(values.policies, 'tests'));
  const built = await buildPolicy(values.policies);
  if (files.length === 0) {
    // A policy that grants nothing has nothing to test; one that grants anything has tests to write.
    if (built.policy && !built.policy.rules.some((r) => r.effect === 'allow')) {
      console.log(`no policy tests (${join(values.policies, 'tests')}/*.yaml), and the policy grants nothing: nothing to test`);
      return 0;
    }
    console.error(`elevate test: no policy tests found (${join(values.policies, 'tests')}/*.yaml)`);
    return 1;
  }
  if (!built.policy) {
    for (const d of built.diagnostics) console.error(formatDiagnostic(d));
    console.error('elevate test: the policy has errors; run `elevate check`');
    return 1;
  }
  const diagnostics: Diagnostic[] = [];
  const cases = await loadPolicyTests(files, built.policy, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const results = errors.length ? [] : await runPolicyTests(built.policy, cases);
  const failed = results.filter((r) => !r.passed);
  const ok = errors.length === 0 && failed.length === 0;
  if (values.json) {
    console.log(JSON.stringify({ ok, passed: results.length - failed.length, failed: failed.length, errors, results }, null, 2));
    return ok ? 0 : 1;
  }
  const p = paint();
  if (errors.length) {
    for (const d of errors) console.error(`${formatDiagnostic(d)} [${d.code}]`);
    console.error(p.red(`elevate test: ${errors.length} error(s) in the test files; no case was run`));
    return 1;
  }
  for (const r of results) {
    const head = `${r.file}:${r.line}:${r.column}`;
    if (r.passed)
      console.log(
        `${p.green('✓')} ${r.name} ${p.dim(`(${r.outcome}${r.rule ? ` by ${r.rule}` : ''}${r.outcome !== 'allow' && r.reason ? `: ${r.reason}` : ''})`)}`,
      );
    else {
      console.error(`${p.red('✗')} ${head} ${r.name}`);
      for (const problem of r.problems) console.error(`    ${problem}`);
    }
  }
  const summary = `${results.length} case(s): ${results.length - failed.length} passed, ${failed.length} failed (${files.length} file(s))`;
  if (failed.length) {
    console.error(p.red(summary));
    console.error("Next: `elevate explain` a failing case's caller and call to see which rules decided, then fix the rule or the case.");
    return 1;
  }
  console.log(p.green(summary));
  return 0;
}
