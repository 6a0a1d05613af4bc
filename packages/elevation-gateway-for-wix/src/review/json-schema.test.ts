// The committed JSON Schemas are generated from the zod schemas and must validate the shop fixture's
// policy and policy tests.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateJsonSchema } from '../dev/testing/json-schema-check.ts';
import { policyFiles } from '../policy/load.ts';
import { policyTestFiles } from './verify/load-policy-tests.ts';
import { DEFAULT_POLICY_SCHEMA, DEFAULT_TESTS_SCHEMA, SCHEMA_MARK, policyJsonSchema, policyTestsJsonSchema } from './json-schema.ts';
import { runCli } from '../dev/testing/cli-harness.ts';
import { SHOP } from '../dev/testing/shop.ts';

const policySchema = JSON.parse(readFileSync(DEFAULT_POLICY_SCHEMA, 'utf8'));
const testsSchema = JSON.parse(readFileSync(DEFAULT_TESTS_SCHEMA, 'utf8'));

describe('schema/*.schema.json', () => {
  it('are marked generated and up to date with the zod schemas', async () => {
    expect(policySchema.$comment).toBe(SCHEMA_MARK);
    expect(readFileSync(DEFAULT_POLICY_SCHEMA, 'utf8'), 'schema/policy.schema.json is stale: run `elevate schema` in the package folder').toBe(
      policyJsonSchema(),
    );
    expect(readFileSync(DEFAULT_TESTS_SCHEMA, 'utf8'), 'schema/policy-tests.schema.json is stale: run `elevate schema` in the package folder').toBe(
      policyTestsJsonSchema(),
    );
    expect((await runCli(['schema', '--check'])).code).toBe(0);
  });

  it('validate the shipped policy and policy tests', () => {
    const policies = policyFiles(SHOP.policies);
    const tests = policyTestFiles(SHOP.tests);
    expect(policies.length).toBeGreaterThan(0);
    expect(tests.length).toBeGreaterThan(0);
    for (const f of policies) expect(validateJsonSchema(policySchema, parse(readFileSync(f, 'utf8'))), f).toEqual([]);
    for (const f of tests) expect(validateJsonSchema(testsSchema, parse(readFileSync(f, 'utf8'))), f).toEqual([]);
    // The files point editors at these schemas.
    expect(readFileSync(join(SHOP.policies, 'policy.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/\.\.\/schema\/policy\.schema\.json/,
    );
    for (const f of tests)
      expect(readFileSync(f, 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/schema\/policy-tests\.schema\.json/);
  });

  it('reject what the policy language does not allow', () => {
    const shipped = parse(readFileSync(join(SHOP.policies, 'policy.yaml'), 'utf8'));
    const broken = structuredClone(shipped);
    broken.roles.visitor.subjects = ['GUEST'];
    broken.rules[0].colour = 'red';
    broken.rules[1].cap = 5000;
    broken.rules[2].allow = 'getOrder';
    broken.version = 2;
    const errors = validateJsonSchema(policySchema, broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('$.version: expected 1'),
        expect.stringContaining('$.roles.visitor.subjects[0]: "GUEST" is not one of'),
        '$.rules[0]: unknown key "colour"',
        '$.rules[1].cap: above 1000',
        expect.stringContaining('$.rules[2].allow: "getOrder" does not match'),
      ]),
    );
  });

  it('elevate schema --out - prints the policy schema', async () => {
    const run = await runCli(['schema', '--out', '-']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(policySchema);
    expect((await runCli(['schema', '--out'])).code).toBe(2);
  });
});
