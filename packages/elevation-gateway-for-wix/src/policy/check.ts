// `elevate check` as a function: every policy file validated (schema, semantics, SDK names), the
// risk lint run, and the committed generated module compared with what `elevate build` would write.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPolicyDir } from './load.ts';
import { compilePolicy, type CompileOptions } from './compile.ts';
import { generatePolicyModule } from './generate.ts';
import { lintPolicy } from './lint.ts';
import type { CompiledPolicy } from '../contract/compiled-policy.ts';
import type { Diagnostic } from './diagnostics.ts';
import { DEFAULT_GENERATED, DEFAULT_POLICY_DIR } from './build.ts';

export interface CheckResult {
  /** Errors and unjustified warnings, in file order. */
  diagnostics: Diagnostic[];
  /** Risk warnings a rule's `justification:` accepts. */
  accepted: Diagnostic[];
  policy?: CompiledPolicy;
}

export interface CheckOptions extends CompileOptions {
  policies?: string;
  /** The committed generated module; `false` skips the staleness check. */
  generated?: string | false;
  /** The app project (default: the working directory); `false` skips the app-id check. */
  project?: string | false;
}

const APP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The gateway refuses tokens issued for other apps by comparing token-info's `clientId` with the
 * app's id, which Wix's runtime gives the backend as `import.meta.env.APP_ID` from the project's
 * `wix.config.json`. A project without one would refuse to start.
 */
export function appIdProblems(project: string): Diagnostic[] {
  const file = join(project, 'wix.config.json');
  const problem = (message: string): Diagnostic[] => [
    { severity: 'error', file: relative(process.cwd(), file) || file, line: 1, column: 1, code: 'app-id', message },
  ];
  if (!existsSync(file))
    return problem(
      "no wix.config.json: the gateway needs the app's id (Wix's runtime passes it as import.meta.env.APP_ID) to refuse tokens issued for other apps",
    );
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return problem('wix.config.json is not JSON');
  }
  const appId = config !== null && typeof config === 'object' ? (config as { appId?: unknown }).appId : undefined;
  if (appId === undefined) return problem('wix.config.json has no "appId": the gateway needs the app\'s id to refuse tokens issued for other apps');
  if (typeof appId !== 'string' || !APP_ID.test(appId)) return problem('wix.config.json\'s "appId" is not an app id (a GUID, as the Wix CLI writes it)');
  return [];
}

export async function checkPolicy(options: CheckOptions = {}): Promise<CheckResult> {
  const dir = options.policies ?? DEFAULT_POLICY_DIR;
  const diagnostics: Diagnostic[] = [];
  const files = loadPolicyDir(dir, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, accepted: [] };
  const { policy } = await compilePolicy(files, diagnostics, options);
  if (!policy) return { diagnostics: sorted(diagnostics), accepted: [] };
  const lint = lintPolicy(policy, files);
  diagnostics.push(...lint.warnings);

  if (options.project !== false) diagnostics.push(...appIdProblems(options.project ?? process.cwd()));
  const generated = options.generated === undefined ? DEFAULT_GENERATED : options.generated;
  if (generated !== false) {
    const expected = await generatePolicyModule(policy);
    if (!existsSync(generated)) {
      diagnostics.push({
        severity: 'error',
        file: generated,
        line: 1,
        column: 1,
        code: 'generated-missing',
        message: `the generated policy module is missing: run \`elevate build --policies ${dir} --out ${generated}\``,
      });
    } else if (readFileSync(generated, 'utf8') !== expected) {
      diagnostics.push({
        severity: 'error',
        file: generated,
        line: 1,
        column: 1,
        code: 'generated-stale',
        message: `the generated policy module is stale (it differs from what the policy compiles to): run \`elevate build --policies ${dir} --out ${generated}\``,
      });
    }
  }
  return { diagnostics: sorted(diagnostics), accepted: lint.accepted, policy };
}

function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
