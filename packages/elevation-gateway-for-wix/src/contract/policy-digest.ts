// The compiled policy's fingerprint: written next to it at build time, checked when the gateway
// loads it, so a hand-edited or half-written module is refused instead of trusted.
import type { CompiledPolicy } from './compiled-policy.ts';

export async function policyDigest(policy: CompiledPolicy): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(policy));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
