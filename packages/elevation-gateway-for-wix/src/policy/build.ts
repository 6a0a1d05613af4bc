// `elevate build` as a function: policies/*.yaml → compiled policy → generated module text.
import { loadPolicyDir } from './load.ts';
import { compilePolicy, type CompileOptions } from './compile.ts';
import { generatePolicyModule } from './generate.ts';
import type { CompiledPolicy } from '../contract/compiled-policy.ts';
import type { Diagnostic } from './diagnostics.ts';

export const DEFAULT_POLICY_DIR = 'policies';
export const DEFAULT_GENERATED = 'src/generated/policy.ts';

export interface BuildResult {
  diagnostics: Diagnostic[];
  policy?: CompiledPolicy;
  moduleText?: string;
}

export interface BuildOptions extends CompileOptions {
  /**
   * The folder the policy files are named relative to, in diagnostics and in the compiled rules'
   * `source` (default: the working directory): the app's folder gives the module `elevate build`
   * writes when run there.
   */
  cwd?: string;
}

export async function buildPolicy(dir = DEFAULT_POLICY_DIR, options: BuildOptions = {}): Promise<BuildResult> {
  const diagnostics: Diagnostic[] = [];
  const files = loadPolicyDir(dir, diagnostics, options.cwd);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const { policy } = await compilePolicy(files, diagnostics, options);
  if (!policy) return { diagnostics };
  return { diagnostics, policy, moduleText: await generatePolicyModule(policy) };
}
