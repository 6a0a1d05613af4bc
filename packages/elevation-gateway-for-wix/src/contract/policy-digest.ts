// The compiled policy's fingerprint: written next to it at build time, checked when the gateway
// loads it, so a hand-edited or half-written module is refused instead of trusted.
import type { CompiledPolicy } from './compiled-policy.ts';
import { hashing } from './hashing.ts';

export async function policyDigest(policy: CompiledPolicy): Promise<string> {
  return `sha256:${await hashing().sha256Hex(JSON.stringify(policy))}`;
}
