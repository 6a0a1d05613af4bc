// `elevate test [--policies dir] [--json] [--coverage] [--coverage-threshold n] [files...]`: runs the
// policy tests (policies/tests/*.yaml), prints the trace of each failing case and, asked, the
// policy's coverage by the cases.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { buildPolicy } from '../policy/build.ts';
import { projectConfig } from './project-config.ts';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics.ts';
import { isFile } from '../policy/load.ts';
import { loadPolicyTests, policyTestFiles } from '../review/verify/load-policy-tests.ts';
import { runPolicyTests, type CaseResult } from '../review/verify/run-policy-tests.ts';
import { meetsThreshold, policyCoverage, type PolicyCoverage } from '../review/verify/coverage.ts';
import { formatExplanation } from './explain-command.ts';
import { paint, usageError, type Paint } from './output.ts';
import { readCommandLine } from './command-line.ts';

export const TEST_HELP = `usage: elevate test [--policies <dir>] [--json] [--coverage] [--coverage-threshold <percent>] [<test file>...]

Runs the policy tests offline: each case's caller and call go through the gateway's real decision
and obligations, with the case's sample object or items standing in for Wix. A failing case
prints its trace as \`elevate explain\` does: the rules weighed and the value each condition saw.
  --policies <dir>            policy folder (default: the project's, policies unless configured); tests: <dir>/tests/*.yaml
  --json                      { ok, passed, failed, errors, results[, coverage] } on stdout; failing results carry their explanation
  --coverage                  after the results, which branches of each rule the cases took, and every one they did not
                              (file:line:column); an allow rule: allowed, refused, each $or arm of its when and resource,
                              resource held and failed; a deny rule: held, failed, each $or arm of its when
  --coverage-threshold <n>    fail (exit 1) when fewer than n percent (0-100) of the branches are covered; implies --coverage
Exit: 0 every case passed (and coverage reaches the threshold), 1 a case failed, a test file has errors or coverage is
below the threshold, 2 usage error.`;

/** The threshold as a percentage, or why it is not one. */
function parseThreshold(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value > 100) return { ok: false, message: `--coverage-threshold takes a percentage from 0 to 100, not "${text}"` };
  return { ok: true, value };
}

/** A result as --json shows it: without the coverage trace (rule by rule, condition by condition). */
function shownResult({ trace: _trace, ...shown }: CaseResult): Omit<CaseResult, 'trace'> {
  return shown;
}

function printFailure(r: CaseResult, p: Paint): void {
  console.error(`${p.red('✗')} ${r.file}:${r.line}:${r.column} ${r.name}`);
  for (const problem of r.problems) console.error(`    ${problem}`);
  if (r.explanation) {
    const sample = r.explanation.resource && r.explanation.obligations?.kind === 'list' ? ", the case's first item as the sample" : '';
    console.error(`    trace (as \`elevate explain\` prints it${sample}):`);
    for (const line of formatExplanation(r.explanation, p).split('\n')) console.error(line ? `      ${line}` : '');
  } else if (r.explanationError) console.error(`    (no trace: explaining the case failed: ${r.explanationError})`);
}

function printCoverage(c: PolicyCoverage, p: Paint): void {
  console.log(`${p.bold('coverage')}: ${c.covered} of ${c.total} branches (${c.percent}%)`);
  const width = Math.max(0, ...c.rules.map((r) => r.rule.length));
  for (const r of c.rules) {
    const branches = r.branches.map((b) => `${b.covered ? p.green('✓') : p.red('✗')} ${b.branch}`).join('  ');
    console.log(`  ${r.rule.padEnd(width)}  ${`${r.covered} of ${r.total}`.padEnd(7)}  ${branches}`);
  }
  if (c.uncovered.length === 0) return;
  console.log('uncovered:');
  for (const b of c.uncovered) console.log(`  ${b.file}:${b.line}:${b.column} rule ${b.rule}: ${b.message}`);
}

export async function runTest(argv: string[]): Promise<number> {
  const line = readCommandLine(
    'test',
    argv,
    TEST_HELP,
    {
      policies: { type: 'string', default: projectConfig().policies },
      json: { type: 'boolean', default: false },
      coverage: { type: 'boolean', default: false },
      'coverage-threshold': { type: 'string' },
    },
    true,
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  let threshold: number | undefined;
  if (values['coverage-threshold'] !== undefined) {
    const parsed = parseThreshold(values['coverage-threshold']);
    if (!parsed.ok) return usageError('test', parsed.message, TEST_HELP);
    threshold = parsed.value;
  }
  const wantsCoverage = values.coverage || threshold !== undefined;
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
  const results = errors.length ? [] : await runPolicyTests(built.policy, cases, { trace: true });
  const failed = results.filter((r) => !r.passed);
  // No case ran when a test file has errors: there is no coverage to report.
  const coverage = wantsCoverage && errors.length === 0 ? policyCoverage(built.policy, results) : undefined;
  const reached = coverage === undefined || threshold === undefined || meetsThreshold(coverage, threshold);
  const ok = errors.length === 0 && failed.length === 0 && reached;
  if (values.json) {
    const shown = coverage && (threshold === undefined ? coverage : { ...coverage, threshold, meetsThreshold: reached });
    console.log(
      JSON.stringify(
        { ok, passed: results.length - failed.length, failed: failed.length, errors, results: results.map(shownResult), ...(shown ? { coverage: shown } : {}) },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  }
  const p = paint();
  if (errors.length) {
    for (const d of errors) console.error(`${formatDiagnostic(d)} [${d.code}]`);
    console.error(p.red(`elevate test: ${errors.length} error(s) in the test files; no case was run`));
    return 1;
  }
  for (const r of results) {
    if (r.passed)
      console.log(
        `${p.green('✓')} ${r.name} ${p.dim(`(${r.outcome}${r.rule ? ` by ${r.rule}` : ''}${r.outcome !== 'allow' && r.reason ? `: ${r.reason}` : ''})`)}`,
      );
    else printFailure(r, p);
  }
  const summary = `${results.length} case(s): ${results.length - failed.length} passed, ${failed.length} failed (${files.length} file(s))`;
  if (failed.length) {
    console.error(p.red(summary));
    console.error("Next: read each failing case's trace above (the rules weighed, each condition with the value it saw), then fix the rule or the case.");
  } else console.log(p.green(summary));
  if (coverage) {
    printCoverage(coverage, p);
    if (threshold !== undefined) {
      if (reached) console.log(p.green(`coverage ${coverage.percent}% reaches the threshold ${threshold}%`));
      else
        console.error(
          p.red(`elevate test: coverage ${coverage.percent}% (${coverage.covered} of ${coverage.total} branches) is below the threshold ${threshold}%`),
        );
    }
  }
  return ok ? 0 : 1;
}
