// Argument paths in `writable`, `presets` and `when` must name what the method accepts: a typo is
// a positioned error with a suggestion, not a rule that silently never (or always) holds.
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from './load.ts';
import { compilePolicy } from './compile.ts';
import type { Diagnostic } from './diagnostics.ts';

async function diagnosticsOf(rule: string): Promise<Diagnostic[]> {
  const text = `version: 1
roles: { member: { subjects: [MEMBER] } }
rules:
  - id: r
    description: test
    roles: [member]
${rule}`;
  const diagnostics: Diagnostic[] = [];
  await compilePolicy([parsePolicyText(text, 'p.yaml', diagnostics)], diagnostics);
  return diagnostics.filter((d) => d.code === 'argument-path');
}

describe("argument paths are checked against the method's signature", () => {
  it.each([
    [
      'a writable typo',
      '    allow: ecom.orders.cancelOrder\n    writable: [args.1.customMesage]',
      'writable: args.1.customMesage: "customMesage" is not a field of args.1 (did you mean "customMessage"?)',
      8,
    ],
    [
      'a position past the arity',
      '    allow: ecom.orders.cancelOrder\n    writable: [args.2.x]',
      'writable: args.2.x: the method takes 2 argument(s) (_id, options)',
      8,
    ],
    ['a preset under a string', '    allow: ecom.orders.cancelOrder\n    presets: { args.0.x: "${caller.id}" }', 'presets: args.0.x: args.0 has no fields', 8],
    [
      'a when path the query does not have',
      '    allow: stores.productsV3.queryProducts\n    when: { args.0.paging.limit: { $lte: 5 } }',
      'when: args.0.paging.limit: "paging" is not a field of args.0',
      8,
    ],
    [
      'a when path inside $or',
      '    allow: stores.productsV3.queryProducts\n    when: { $or: [{ args.1.feilds: { $exists: false } }] }',
      'when: args.1.feilds: "feilds" is not a field of args.1 (did you mean "fields"?)',
      8,
    ],
  ])('%s', async (_name, rule, message, line) => {
    const found = await diagnosticsOf(rule);
    expect(found.map((d) => d.message)).toEqual([message]);
    expect(found[0]!.line).toBe(line);
    expect(found[0]!.severity).toBe('error');
  });

  it.each([
    ['writable fields of the options', '    allow: ecom.orders.cancelOrder\n    writable: [args.1.customMessage, args.1.sendOrderCanceledEmail]'],
    [
      'a when path into a filter (any field name) and an array index',
      '    allow: stores.productsV3.queryProducts\n    when: { args.0.filter.visible: true, args.1.fields.0: URL }',
    ],
  ])('%s pass', async (_name, rule) => {
    expect(await diagnosticsOf(rule)).toEqual([]);
  });
});
