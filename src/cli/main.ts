// `elevate <command>`: the policy tool for developers and security reviewers.
// Exit codes: 0 success, 1 errors or failed tests, 2 usage errors.
import { runBuild } from './build-command';
import { runCheck } from './check-command';
import { runAudit } from './audit-command';
import { runExplain } from './explain-command';
import { runTest } from './test-command';
import { runSchema } from './schema-command';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  build: { summary: 'validate policies/*.yaml and write src/generated/policy.ts', run: runBuild },
  check: { summary: 'validate the policy, run the risk lint, check the generated module is current', run: runCheck },
  audit: { summary: 'list every permitted call per role; --check/--approve against the approved inventory', run: runAudit },
  explain: { summary: 'explain the decision for a caller, a call and its arguments (offline)', run: runExplain },
  test: { summary: 'run the policy tests in policies/tests/*.yaml', run: runTest },
  schema: { summary: 'write the JSON Schemas of policy and policy-test files for editors', run: runSchema },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'usage: elevate <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `elevate <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(commands, name)) {
    console.error(`elevate: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    await loadObligationKinds();
  } catch (error) {
    console.error(`elevate: src/obligations/index.ts could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  try {
    return await commands[name]!.run(rest);
  } catch (error) {
    console.error(`elevate ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** The app's obligation kinds (src/obligations/index.ts of the working directory), registered before any policy is read. */
async function loadObligationKinds(): Promise<void> {
  const index = resolve('src/obligations/index.ts');
  if (existsSync(index)) await import(pathToFileURL(index).href);
}
