// `elevate build [--policies dir] [--out file] [--check]`
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildPolicy, DEFAULT_GENERATED, DEFAULT_POLICY_DIR } from '../policy/build';
import { formatDiagnostic } from '../policy/diagnostics';
import { readCommandLine } from './command-line';
import { usageError } from './output';
import { isDirectory } from '../policy/load';

export const BUILD_HELP = `usage: elevate build [--policies <dir>] [--out <file>] [--check]

Validates the policy and writes the generated module the backend imports.
  --policies <dir>  policy folder (default: ${DEFAULT_POLICY_DIR})
  --out <file>      generated module (default: ${DEFAULT_GENERATED})
  --check           write nothing; exit 1 if the generated module is stale`;

export async function runBuild(argv: string[]): Promise<number> {
  const line = readCommandLine('build', argv, BUILD_HELP, {
    policies: { type: 'string', default: DEFAULT_POLICY_DIR },
    out: { type: 'string', default: DEFAULT_GENERATED },
    check: { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  if (isDirectory(values.out)) return usageError('build', `--out ${values.out} is a folder: give the file to write`, BUILD_HELP);
  const result = await buildPolicy(values.policies);
  for (const d of result.diagnostics) console.error(formatDiagnostic(d));
  if (!result.moduleText || !result.policy) {
    console.error('elevate build: the policy has errors; nothing was written (the gateway keeps refusing what it cannot prove allowed)');
    return 1;
  }
  const current = existsSync(values.out) ? readFileSync(values.out, 'utf8') : undefined;
  if (values.check) {
    if (current !== result.moduleText) {
      console.error(`elevate build --check: ${values.out} is stale; run \`npm run policy:build\``);
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
