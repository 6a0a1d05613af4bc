// Compiles a policy written inline (YAML text) into the same module shape `elevate build`
// generates, with the real SDK functions: for tests of policy features the example policy lacks.
import { readFileSync } from 'node:fs';
import { parsePolicyText } from '../../policy/load.ts';
import { compilePolicy } from '../../policy/compile.ts';
import { policyDigest } from '../../contract/policy-digest.ts';
import { formatDiagnostic, type Diagnostic } from '../../policy/diagnostics.ts';
import type { PolicyModule } from '../../gateway/policy-module.ts';
import type { SdkFunction } from '../../gateway/dispatch.ts';

export async function policyFromYaml(text: string, file = 'fixture.yaml'): Promise<PolicyModule> {
  const diagnostics: Diagnostic[] = [];
  const loaded = parsePolicyText(text, file, diagnostics);
  const { policy } = await compilePolicy([loaded], diagnostics);
  if (!policy) throw new Error(`fixture policy has errors:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const sdkMethods: Record<string, SdkFunction> = Object.create(null);
  for (const [call, info] of Object.entries(policy.methods)) {
    const mod = (await import(info.package)) as Record<string, SdkFunction>;
    sdkMethods[call] = mod[info.method]!;
  }
  return { policy, digest: await policyDigest(policy), sdkMethods: Object.freeze(sdkMethods) };
}

const fixtures = new Map<string, Promise<PolicyModule>>();

/** A fixture policy under test/fixtures/ (compiled once per test file). */
export function fixturePolicy(name: string): Promise<PolicyModule> {
  let module = fixtures.get(name);
  if (!module) {
    const file = `test/fixtures/${name}.yaml`;
    module = policyFromYaml(readFileSync(file, 'utf8'), file);
    fixtures.set(name, module);
  }
  return module;
}
