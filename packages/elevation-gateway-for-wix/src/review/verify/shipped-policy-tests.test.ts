// `npm test` runs the shop fixture's policy tests (test/fixtures/shop/policies/tests/*.yaml) as
// `elevate test` does.
import { describe, expect, it } from 'vitest';
import { buildPolicy } from '../../policy/build.ts';
import { formatDiagnostic, type Diagnostic } from '../../policy/diagnostics.ts';
import { loadPolicyTests, policyTestFiles } from './load-policy-tests.ts';
import { runPolicyTests } from './run-policy-tests.ts';
import { SHOP } from '../../dev/testing/shop.ts';

describe('test/fixtures/shop/policies/tests/*.yaml', async () => {
  const { policy } = await buildPolicy(SHOP.policies);
  const diagnostics: Diagnostic[] = [];
  const cases = await loadPolicyTests(policyTestFiles(SHOP.tests), policy!, diagnostics);
  const results = await runPolicyTests(policy!, cases);

  it('are valid test files', () => {
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(cases.length).toBeGreaterThan(20);
  });

  it('all pass', () => {
    const failures = results.filter((r) => !r.passed).map((r) => `${r.file}:${r.line} ${r.name}: ${r.problems.join('; ')}`);
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('cover every allow rule with an allow case and a denied case', () => {
    for (const rule of policy!.rules.filter((r) => r.effect === 'allow')) {
      expect(
        cases.some((c) => c.test.expect === 'allow' && c.test.rule === rule.id),
        `no allow case names rule ${rule.id}`,
      ).toBe(true);
      expect(
        cases.some((c) => c.test.expect === 'deny' && c.test.call === rule.call),
        `no deny case calls ${rule.call}`,
      ).toBe(true);
    }
  });
});
