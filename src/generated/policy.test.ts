// The generated policy module is committed; this fails `npm test` whenever it no longer matches
// policies/*.yaml (run `npm run policy:build` and commit the result).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildPolicy, DEFAULT_GENERATED } from '../policy/build';
import { GENERATED_HEADER } from '../policy/generate';
import * as generated from './policy';
import { policyDigest } from '../policy/digest';

describe('src/generated/policy.ts', () => {
  it('is marked as generated', () => {
    expect(readFileSync(DEFAULT_GENERATED, 'utf8').startsWith(GENERATED_HEADER)).toBe(true);
  });

  it('is up to date with policies/*.yaml', async () => {
    const result = await buildPolicy();
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const committed = readFileSync(DEFAULT_GENERATED, 'utf8');
    expect(committed === result.moduleText, 'src/generated/policy.ts is stale: run `npm run policy:build`').toBe(true);
  });

  it('carries the digest of its own content', async () => {
    expect(generated.digest).toBe(await policyDigest(generated.policy));
  });

  it('imports only the SDK methods the policy names', () => {
    expect(Object.keys(generated.sdkMethods).sort()).toEqual(Object.keys(generated.policy.methods).sort());
    const text = readFileSync(DEFAULT_GENERATED, 'utf8');
    expect(text).not.toMatch(/from '@wix\/(ecom|stores)'/);
  });
});
