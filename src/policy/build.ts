// `elevate build` as a function: policies/*.yaml → compiled policy → generated module text.
import { loadPolicyDir } from './load';
import { compilePolicy } from './compile';
import { generatePolicyModule } from './generate';
import type { CompiledPolicy } from '../contract/compiled-policy';
import type { Diagnostic } from './diagnostics';

export const DEFAULT_POLICY_DIR = 'policies';
export const DEFAULT_GENERATED = 'src/generated/policy.ts';

export interface BuildResult {
  diagnostics: Diagnostic[];
  policy?: CompiledPolicy;
  moduleText?: string;
}

export async function buildPolicy(dir = DEFAULT_POLICY_DIR): Promise<BuildResult> {
  const diagnostics: Diagnostic[] = [];
  const files = loadPolicyDir(dir, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const { policy } = await compilePolicy(files, diagnostics);
  if (!policy) return { diagnostics };
  return { diagnostics, policy, moduleText: await generatePolicyModule(policy) };
}
