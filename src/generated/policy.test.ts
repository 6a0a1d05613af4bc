// The generated policy module is committed; this fails `npm test` whenever it no longer matches
// policies/*.yaml or the installed SDK (its methods' meta, and the argument schemas read from
// their type declarations): run `npm run policy:build` and commit the result.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildPolicy, DEFAULT_GENERATED } from '../policy/build';
import { GENERATED_HEADER } from '../policy/generate';
import * as generated from './policy';
import { policyDigest } from '../contract/policy-digest';

describe('src/generated/policy.ts', () => {
  it('is marked as generated', () => {
    expect(readFileSync(DEFAULT_GENERATED, 'utf8').startsWith(GENERATED_HEADER)).toBe(true);
  });

  it('is up to date with policies/*.yaml and with the installed SDK\'s types', async () => {
    const result = await buildPolicy();
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const committed = readFileSync(DEFAULT_GENERATED, 'utf8');
    expect(committed === result.moduleText, 'src/generated/policy.ts is stale (the policy or the installed SDK changed): run `npm run policy:build`').toBe(true);
  });

  it('carries the digest of its own content', async () => {
    expect(generated.digest).toBe(await policyDigest(generated.policy));
  });

  it('imports only the SDK methods the policy names', () => {
    expect(Object.keys(generated.sdkMethods).sort()).toEqual(Object.keys(generated.policy.methods).sort());
    const text = readFileSync(DEFAULT_GENERATED, 'utf8');
    expect(text).not.toMatch(/from '@wix\/(ecom|stores)'/);
  });

  it('holds an argument schema for every method it names, read from the SDK\'s declarations', () => {
    for (const [call, info] of Object.entries(generated.policy.methods)) {
      expect(info.signature.params.length, call).toBeGreaterThanOrEqual(info.signature.required);
      expect(info.signature.required, call).toBeGreaterThan(0);
    }
    // The products query takes exactly what V3ProductQuery declares: cursor paging only.
    const query = generated.policy.methods['stores.productsV3.queryProducts']!.signature.defs.V3ProductQuery as { properties: Record<string, unknown> };
    expect(Object.keys(query.properties).sort()).toEqual(['cursorPaging', 'filter', 'sort']);
  });
});
