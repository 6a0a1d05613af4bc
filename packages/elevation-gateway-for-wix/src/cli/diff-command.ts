// `elevate diff <git-ref> | --base <dir>`: what the policy in the working tree permits that the
// base did not, and what it no longer permits, per kind of caller and call (src/review/diff).
import { buildPolicy } from '../policy/build.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { isDirectory } from '../policy/load.ts';
import type { CompiledPolicy } from '../contract/compiled-policy.ts';
import { DEFAULT_LIMITS } from '../contract/compiled-policy.ts';
import { diffPolicies, emptyPolicy } from '../review/diff/policy-diff.ts';
import { PolicyAtRefError, policyAtRef, RefError } from '../review/diff/policy-at-ref.ts';
import { formatPolicyDiffMarkdown, formatPolicyDiffText } from '../review/diff/format-policy-diff.ts';
import { existsSync } from 'node:fs';
import { projectConfig } from './project-config.ts';
import { loadObligationKinds } from './obligations-loader.ts';
import { paint, printable, usageError } from './output.ts';
import { readCommandLine } from './command-line.ts';

export const DIFF_HELP = `usage: elevate diff <git-ref> [--policies <dir>] [--markdown | --json] [--allow-widening] [--app-code]
       elevate diff --base <dir> [--policies <dir>] [--markdown | --json] [--allow-widening] [--app-code]

Compares the policy in the working tree with the policy at a git ref (or in another folder), by
meaning: for every kind of caller and call, what is newly permitted or no longer permitted, and for
kept calls what widened or narrowed (conditions operator by operator, resource conditions, fields,
caps, writable paths, presets, preloads, deny rules, rate limits, timeouts, protection options). A
rewrite with the same meaning is no change; a change it cannot decide counts as widening; a longer
timeout (a rule's timeoutMs, or defaults.timeoutMs) counts as widening: elevated work runs longer.
The diff never runs the app's code unless --app-code: a rule using one of the app's obligation
kinds (src/obligations/index.ts) then does not compile. A gate must not run the pull request's code.
  <git-ref>         the base: a branch, tag or commit (main, origin/main, HEAD~1)
  --base <dir>      the base: a policy folder instead of a git ref
  --policies <dir>  the changed policy folder (default: the project's, policies unless configured)
  --markdown        Markdown for a pull-request comment
  --json            { base, widens, narrows, changes } on stdout
  --allow-widening  exit 0 even when something widens (the diff is still printed)
  --app-code        load the app's obligation kinds first: this runs that file (only on a tree you trust)
Exit: 0 nothing widens (or --allow-widening), 1 something widens or a policy has errors, 2 usage error.`;

export async function runDiff(argv: string[]): Promise<number> {
  const line = readCommandLine(
    'diff',
    argv,
    DIFF_HELP,
    {
      base: { type: 'string' },
      policies: { type: 'string', default: projectConfig().policies },
      markdown: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'allow-widening': { type: 'boolean', default: false },
      'app-code': { type: 'boolean', default: false },
    },
    true,
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (values.markdown && values.json) return usageError('diff', 'give --markdown or --json, not both', DIFF_HELP);
  if (positionals.length > 1) return usageError('diff', `give one git ref, not ${positionals.length}`, DIFF_HELP);
  const ref = positionals[0];
  if ((ref === undefined) === (values.base === undefined))
    return usageError(
      'diff',
      ref === undefined ? 'give the base: a git ref (e.g. main) or --base <dir>' : 'give a git ref or --base <dir>, not both',
      DIFF_HELP,
    );
  if (values.base !== undefined && !isDirectory(values.base)) return usageError('diff', `--base ${values.base} is not a folder`, DIFF_HELP);
  if (!isDirectory(values.policies)) return usageError('diff', `the policy folder ${values.policies} does not exist`, DIFF_HELP);

  const obligations = projectConfig().obligations;
  if (values['app-code']) {
    try {
      await loadObligationKinds(obligations);
    } catch (error) {
      console.error(`elevate diff: ${obligations} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  // Without --app-code a key only the app's kinds register reads as unknown: say why.
  const appCodeHint = (diagnostics: { message: string }[]) =>
    !values['app-code'] && existsSync(obligations) && diagnostics.some((d) => d.message.includes('unknown key'))
      ? `; the app's obligation kinds (${obligations}) are not loaded: diff does not run the app's code (a pull request's code would run in the gate that reviews it). A rule key they register reads as unknown; on a tree you trust, pass --app-code`
      : '';

  const label = ref ?? values.base!;
  let base: CompiledPolicy | undefined;
  let cleanup = () => {};
  try {
    let dir = values.base;
    let cwd: string | undefined;
    if (ref !== undefined) {
      let at;
      try {
        at = policyAtRef(ref, values.policies);
      } catch (e) {
        if (e instanceof RefError) return usageError('diff', e.message, DIFF_HELP);
        if (e instanceof PolicyAtRefError) {
          console.error(`elevate diff: the policy at ${printable(ref)} has errors: ${printable(e.message, 10_000)}`);
          return 1;
        }
        throw e;
      }
      cleanup = at.remove;
      dir = at.dir;
      cwd = at.cwd;
    }
    const change = await buildPolicy(values.policies);
    if (!change.policy)
      return failed(change.diagnostics, `the policy in ${values.policies} has errors; run \`elevate check\`${appCodeHint(change.diagnostics)}`);
    if (dir === undefined) {
      // No policy at the ref: everything the change grants is new.
      base = emptyPolicy(DEFAULT_LIMITS);
    } else {
      const built = await buildPolicy(dir, cwd ? { cwd } : {});
      if (!built.policy)
        return failed(built.diagnostics, `the policy at ${label} has errors (with the SDK packages installed now)${appCodeHint(built.diagnostics)}`, label);
      base = built.policy;
    }
    const diff = diffPolicies(base, change.policy);
    const widened = diff.widens > 0 && !values['allow-widening'];
    if (values.json) console.log(JSON.stringify({ base: label, ...diff }, null, 2));
    else if (values.markdown) process.stdout.write(formatPolicyDiffMarkdown(diff, label, printable));
    else {
      console.log(formatPolicyDiffText(diff, label, paint(), printable));
      if (widened) console.error(`elevate diff: the change widens what callers may do; review each widening, then pass --allow-widening to accept it`);
    }
    return widened ? 1 : 0;
  } finally {
    cleanup();
  }
}

function failed(diagnostics: Parameters<typeof formatDiagnostic>[0][], message: string, at?: string): number {
  for (const d of diagnostics.filter((x) => x.severity === 'error')) console.error(printable(`${at ? `${at}: ` : ''}${formatDiagnostic(d)}`, 10_000));
  console.error(`elevate diff: ${printable(message, 10_000)}`);
  return 1;
}
