// `elevate check [--policies dir] [--generated file] [--strict] [--json]`
import { DEFAULT_GENERATED, DEFAULT_POLICY_DIR } from '../policy/build';
import { checkPolicy } from '../policy/check';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics';
import { paint } from './output';
import { readCommandLine } from './command-line';

export const CHECK_HELP = `usage: elevate check [--policies <dir>] [--generated <file>] [--project <dir>] [--strict] [--json]

Validates every policy file (schema, roles, rules, SDK method names, argument paths, conditions),
runs the risk lint, checks that the generated policy module is up to date and that the project
gives the gateway its app id (wix.config.json's appId).
  --policies <dir>    policy folder (default: ${DEFAULT_POLICY_DIR})
  --generated <file>  generated module to compare (default: ${DEFAULT_GENERATED})
  --project <dir>     the app project (default: the working directory)
  --strict            warnings fail too (exit 1)
  --json              { ok, errors, warnings, accepted } on stdout
Exit: 0 no errors (warnings alone pass unless --strict), 1 errors, 2 usage error.`;

export async function runCheck(argv: string[]): Promise<number> {
  const line = readCommandLine('check', argv, CHECK_HELP, {
    policies: { type: 'string', default: DEFAULT_POLICY_DIR },
    generated: { type: 'string', default: DEFAULT_GENERATED },
    project: { type: 'string', default: '.' },
    strict: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  const result = await checkPolicy({ policies: values.policies, generated: values.generated, project: values.project });
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
    return 1;
  }
  const rules = result.policy?.rules.length ?? 0;
  console.log(`${p.green('ok')} ${summary}; ${rules} rule(s), ${Object.keys(result.policy?.roles ?? {}).length} role(s)`);
  return 0;
}
