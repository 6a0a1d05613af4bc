// Loads the generated policy module and refuses it unless its format and digest check out. A
// missing, broken or tampered module makes every call 503 POLICY_UNAVAILABLE: never a pass.
import { POLICY_FORMAT, type CompiledPolicy } from '../contract/compiled-policy.ts';
import { policyDigest } from '../contract/policy-digest.ts';
import type { SdkFunction } from './dispatch.ts';
import { GatewayError } from './errors.ts';
import { obligationKind } from '../contract/obligation-kind.ts';
import * as z from 'zod/mini';

export interface PolicyModule {
  policy: CompiledPolicy;
  digest: string;
  sdkMethods: Readonly<Record<string, SdkFunction>>;
}

const unavailable = (reason: string) => new GatewayError('POLICY_UNAVAILABLE', 'The gateway policy is not available; every call is refused.', {}, reason);

export async function verifyPolicyModule(load: () => Promise<PolicyModule>): Promise<PolicyModule> {
  let mod: PolicyModule;
  try {
    mod = await load();
  } catch {
    throw unavailable('the policy module could not be loaded');
  }
  if (!mod || typeof mod !== 'object' || !mod.policy || typeof mod.policy !== 'object') throw unavailable('the policy module exports no policy');
  if (mod.policy.format !== POLICY_FORMAT) throw unavailable(`policy format ${String(mod.policy.format)} is not ${POLICY_FORMAT}`);
  let digest: string;
  try {
    digest = await policyDigest(mod.policy);
  } catch {
    throw unavailable('the policy could not be digested');
  }
  if (digest !== mod.digest) throw unavailable('the policy digest does not match its content');
  if (!mod.sdkMethods || typeof mod.sdkMethods !== 'object') throw unavailable('the policy module exports no SDK methods');
  for (const call of Object.keys(mod.policy.methods)) {
    if (!Object.hasOwn(mod.sdkMethods, call) || typeof mod.sdkMethods[call] !== 'function') {
      throw unavailable(`the policy names ${call} but the module does not import it`);
    }
  }
  // A rule's registered obligation must be enforced by this backend, as compiled: never skipped.
  for (const rule of mod.policy.rules) {
    for (const [key, value] of Object.entries(rule.extensions ?? {})) {
      const kind = obligationKind(key);
      if (!kind) throw unavailable(`rule ${rule.id} sets obligation "${key}", which this backend does not register`);
      if (!z.safeParse(kind.schema, value).success) throw unavailable(`rule ${rule.id}: obligation "${key}" does not match its schema`);
      const method = mod.policy.methods[rule.call];
      if (kind.methodKinds && (!method || !kind.methodKinds.includes(method.kind))) {
        throw unavailable(`rule ${rule.id}: obligation "${key}" does not apply to ${rule.call}`);
      }
    }
  }
  return mod;
}
