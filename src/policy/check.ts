// `elevate check` as a function: every policy file validated (schema, semantics, SDK names), the
// risk lint run, and the committed generated module compared with what `elevate build` would write.
import { existsSync, readFileSync } from 'node:fs';
import { loadPolicyDir } from './load';
import { compilePolicy } from './compile';
import { generatePolicyModule } from './generate';
import { lintPolicy } from './lint';
import type { CompiledPolicy } from './compiled';
import type { Diagnostic } from './diagnostics';
import { DEFAULT_GENERATED, DEFAULT_POLICY_DIR } from './build';

export interface CheckResult {
  /** Errors and unjustified warnings, in file order. */
  diagnostics: Diagnostic[];
  /** Risk warnings a rule's `justification:` accepts. */
  accepted: Diagnostic[];
  policy?: CompiledPolicy;
}

export interface CheckOptions {
  policies?: string;
  /** The committed generated module; `false` skips the staleness check. */
  generated?: string | false;
}

export async function checkPolicy(options: CheckOptions = {}): Promise<CheckResult> {
  const dir = options.policies ?? DEFAULT_POLICY_DIR;
  const diagnostics: Diagnostic[] = [];
  const files = loadPolicyDir(dir, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, accepted: [] };
  const { policy } = await compilePolicy(files, diagnostics);
  if (!policy) return { diagnostics: sorted(diagnostics), accepted: [] };
  const lint = lintPolicy(policy, files);
  diagnostics.push(...lint.warnings);

  const generated = options.generated === undefined ? DEFAULT_GENERATED : options.generated;
  if (generated !== false) {
    const expected = await generatePolicyModule(policy);
    if (!existsSync(generated)) {
      diagnostics.push({ severity: 'error', file: generated, line: 1, column: 1, code: 'generated-missing', message: `the generated policy module is missing: run \`elevate build --policies ${dir} --out ${generated}\`` });
    } else if (readFileSync(generated, 'utf8') !== expected) {
      diagnostics.push({ severity: 'error', file: generated, line: 1, column: 1, code: 'generated-stale', message: `the generated policy module is stale (it differs from what the policy compiles to): run \`elevate build --policies ${dir} --out ${generated}\` (npm run policy:build)` });
    }
  }
  return { diagnostics: sorted(diagnostics), accepted: lint.accepted, policy };
}

function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
