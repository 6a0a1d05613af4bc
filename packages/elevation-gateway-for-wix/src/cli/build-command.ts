// `elevate build [--policies dir] [--out file] [--check]`
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildPolicy } from '../policy/build.ts';
import { declaredPackages, projectConfig } from './project-config.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { readCommandLine } from './command-line.ts';
import { usageError } from './output.ts';
import { isDirectory } from '../policy/load.ts';

export const BUILD_HELP = `usage: elevate build [--policies <dir>] [--out <file>] [--check]

Validates the policy and writes the generated module the backend imports.
  --policies <dir>  policy folder (default: the project's, policies unless configured)
  --out <file>      generated module (default: the project's, src/generated/policy.ts)
  --check           write nothing; exit 1 if the generated module is stale`;

export async function runBuild(argv: string[]): Promise<number> {
  const line = readCommandLine('build', argv, BUILD_HELP, {
    policies: { type: 'string', default: projectConfig().policies },
    out: { type: 'string', default: projectConfig().generated },
    check: { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  if (isDirectory(values.out)) return usageError('build', `--out ${values.out} is a folder: give the file to write`, BUILD_HELP);
  const result = await buildPolicy(values.policies, { declaredPackages: declaredPackages(projectConfig().app) });
  for (const d of result.diagnostics) console.error(formatDiagnostic(d));
  if (!result.moduleText || !result.policy) {
    console.error('elevate build: the policy has errors; nothing was written (the gateway keeps refusing what it cannot prove allowed)');
    return 1;
  }
  const current = existsSync(values.out) ? readFileSync(values.out, 'utf8') : undefined;
  if (values.check) {
    if (current !== result.moduleText) {
      console.error(`elevate build --check: ${values.out} is stale; run \`elevate build\``);
      return 1;
    }
    console.log(`${values.out} is up to date`);
    return 0;
  }
  if (current !== result.moduleText) {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, result.moduleText);
  }
  const allows = result.policy.rules.filter((r) => r.effect === 'allow');
  console.log(
    `wrote ${values.out}: ${allows.length} allow rule(s), ${result.policy.rules.length - allows.length} deny rule(s), ${Object.keys(result.policy.methods).length} SDK method(s)`,
  );
  for (const r of allows) console.log(`  ${r.roles.join(', ').padEnd(16)} ${r.call.padEnd(36)} ${r.id}`);
  return 0;
}
