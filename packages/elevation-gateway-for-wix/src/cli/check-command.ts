// `elevate check [--policies dir] [--generated file] [--strict] [--json]`
import { declaredPackages, projectConfig } from './project-config.ts';
import { checkPolicy } from '../policy/check.ts';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics.ts';
import { paint } from './output.ts';
import { readCommandLine } from './command-line.ts';

export const CHECK_HELP = `usage: elevate check [--policies <dir>] [--generated <file>] [--project <dir>] [--strict] [--json]

Validates every policy file (schema, roles, rules, SDK method names, argument paths, conditions),
runs the risk lint, checks that the generated policy module is up to date and that the project
gives the gateway its app id (wix.config.json's appId).
  --policies <dir>    policy folder (default: the project's, policies unless configured)
  --generated <file>  generated module to compare (default: the project's, src/generated/policy.ts)
  --project <dir>     the app (its wix.config.json and package.json; default: the project's, .)
  --strict            warnings fail too (exit 1)
  --json              { ok, errors, warnings, accepted } on stdout
Exit: 0 no errors (warnings alone pass unless --strict), 1 errors, 2 usage error.`;

export async function runCheck(argv: string[]): Promise<number> {
  const line = readCommandLine('check', argv, CHECK_HELP, {
    policies: { type: 'string', default: projectConfig().policies },
    generated: { type: 'string', default: projectConfig().generated },
    project: { type: 'string', default: projectConfig().app },
    strict: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  const result = await checkPolicy({
    policies: values.policies,
    generated: values.generated,
    project: values.project,
    declaredPackages: declaredPackages(values.project),
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  const failed = errors.length > 0 || (values.strict && warnings.length > 0);
  if (values.json) {
    console.log(JSON.stringify({ ok: !failed, errors, warnings, accepted: result.accepted }, null, 2));
    return failed ? 1 : 0;
  }
  const p = paint();
  const show = (d: Diagnostic) => {
    const line = formatDiagnostic(d);
    const code = p.dim(` [${d.code}]`);
    return `${d.severity === 'error' ? line.replace(' error: ', ` ${p.red('error')}: `) : line.replace(' warning: ', ` ${p.yellow('warning')}: `)}${code}`;
  };
  for (const d of result.diagnostics) (d.severity === 'error' ? console.error : console.log)(show(d));
  const accepted = result.accepted.length ? `, ${result.accepted.length} risk warning(s) accepted by a justification (see \`elevate audit\`)` : '';
  const summary = `${values.policies}: ${errors.length} error(s), ${warnings.length} warning(s)${accepted}`;
  if (failed) {
    console.error(p.red(summary) + (errors.length === 0 ? ' (--strict: warnings fail)' : ''));
    console.error('Next: fix each error at its file:line:column (a stale generated module: `elevate build`), then run `elevate check` again.');
    return 1;
  }
  const rules = result.policy?.rules.length ?? 0;
  console.log(`${p.green('ok')} ${summary}; ${rules} rule(s), ${Object.keys(result.policy?.roles ?? {}).length} role(s)`);
  return 0;
}
