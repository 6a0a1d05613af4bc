// `elevate <command>`: the policy tool for developers and security reviewers.
// Exit codes: 0 success, 1 errors or failed tests, 2 usage errors.
import { runBuild } from './build-command.ts';
import { runCheck } from './check-command.ts';
import { runAudit } from './audit-command.ts';
import { runExplain } from './explain-command.ts';
import { runReplay } from './replay-command.ts';
import { runTest } from './test-command.ts';
import { runDiff } from './diff-command.ts';
import { runSchema } from './schema-command.ts';
import { runInit } from './init-command.ts';
import { runDev } from './dev-command.ts';
import { loadObligationKinds } from './obligations-loader.ts';
import { projectConfig, ProjectConfigError, resetProjectConfig } from './project-config.ts';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
  /** false: the command does not run the app's obligation kinds first (diff loads them itself, only with --app-code). */
  loadsAppCode?: false;
}

export const commands: Record<string, Command> = {
  init: { summary: 'add the gateway to the Wix app in this folder (endpoint, starter policy, tests, scripts)', run: runInit },
  build: { summary: 'validate the policy and write the generated module the endpoint imports', run: runBuild },
  check: { summary: 'validate the policy, run the risk lint, check the generated module is current', run: runCheck },
  audit: { summary: 'list every permitted call per role; --check/--approve against the approved inventory', run: runAudit },
  explain: { summary: 'explain the decision for a caller, a call and its arguments (offline)', run: runExplain },
  diff: {
    summary: 'what the working policy permits that a git ref did not, and the reverse (exit 1 when anything widens)',
    run: runDiff,
    // A pull request's own code must not run in the gate that reviews it.
    loadsAppCode: false,
  },
  replay: { summary: 're-decide a decision log with the working policy: unchanged, changed, not decidable from the log', run: runReplay },
  test: { summary: "run the policy tests (the policy folder's tests/*.yaml)", run: runTest },
  schema: { summary: 'write the JSON Schemas of policy and policy-test files for editors', run: runSchema },
  dev: { summary: "run the app's endpoint locally with Wix emulated, and a playground to call it (needs vite and msw)", run: runDev },
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
  resetProjectConfig();
  let config;
  try {
    config = projectConfig();
  } catch (error) {
    if (!(error instanceof ProjectConfigError)) throw error;
    console.error(`elevate: ${error.message}`);
    return 2;
  }
  try {
    if (commands[name]!.loadsAppCode !== false) await loadObligationKinds(config.obligations);
  } catch (error) {
    console.error(`elevate: ${config.obligations} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  try {
    return await commands[name]!.run(rest);
  } catch (error) {
    console.error(`elevate ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
