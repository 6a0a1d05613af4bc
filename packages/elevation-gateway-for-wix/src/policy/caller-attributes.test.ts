// `callerAttributes`: derived attributes compile only when nothing in a request can change them
// (a fixed read keyed by built-in attributes), the read is a read, the value path exists in its
// result, and every `${caller.<name>}` a rule uses is declared.
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from './load.ts';
import { compilePolicy } from './compile.ts';
import type { Diagnostic } from './diagnostics.ts';
import { lintPolicy } from './lint.ts';
import { z } from 'zod';
import { registerObligationKind } from '../contract/obligation-kind.ts';

const attribute = (body: string) => `version: 1
roles:
  member: { subjects: [MEMBER] }
callerAttributes:
  contactId:
    description: the member's contact id, from their member record
    subjects: [MEMBER]
${body}`;
const GOOD = `    read: members.members.getMember
    args: ["\${caller.id}"]
    value: contactId
`;
const rules = (body: string) => `rules:\n  - id: own-account\n    description: d\n    roles: [member]\n${body}`;

async function compiled(text: string) {
  const diagnostics: Diagnostic[] = [];
  const { policy } = await compilePolicy([parsePolicyText(text, 'p.yaml', diagnostics)], diagnostics);
  return {
    policy,
    errors: diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message })),
  };
}

describe('callerAttributes', () => {
  it('compiles into the policy, with its read among the methods the module imports', async () => {
    const { policy, errors } = await compiled(
      attribute(GOOD) + rules('    allow: loyalty.accounts.getAccount\n    resource: { contactId: "${caller.contactId}" }\n    fields: { deny: [points] }\n'),
    );
    expect(errors).toEqual([]);
    expect(policy!.callerAttributes).toEqual({
      contactId: {
        description: "the member's contact id, from their member record",
        subjects: ['MEMBER'],
        read: 'members.members.getMember',
        args: ['${caller.id}'],
        value: 'contactId',
        source: { file: 'p.yaml', line: 5, column: 3 },
      },
    });
    expect(Object.keys(policy!.methods)).toEqual(['loyalty.accounts.getAccount', 'members.members.getMember']);
  });

  it.each([
    ['a value path the result does not have', GOOD.replace('value: contactId', 'value: contactid'), 'field-path', 10, 12, 'did you mean "contactId"?'],
    [
      'arguments a request could influence (another derived attribute)',
      GOOD.replace('${caller.id}', '${caller.contactId}'),
      'placeholder',
      9,
      11,
      'is a derived caller attribute',
    ],
    ['an unknown placeholder', GOOD.replace('${caller.id}', '${caller.ID}'), 'placeholder', 9, 11, 'names no caller attribute'],
    ['a list read', GOOD.replace('getMember', 'queryMembers'), 'caller-attribute', 8, 11, 'a list call: it must be a read'],
    ['a write', GOOD.replace('getMember', 'blockMember'), 'caller-attribute', 8, 11, 'it must be a read'],
    ['the wrong number of arguments', GOOD.replace('args: ["${caller.id}"]', 'args: []'), 'caller-attribute', 9, 5, 'takes 1 to 2 argument(s)'],
    ['a caller-scoped read', GOOD.replace('getMember', 'getCurrentMember'), 'caller-scoped', 8, 11, 'acts for the current caller'],
    ['a value that is an object', GOOD.replace('value: contactId', 'value: profile'), 'field-path', 10, 12, 'a caller attribute is one string'],
    ['a value inside an array', GOOD.replace('value: contactId', 'value: contact.emails'), 'field-path', 10, 12, 'a caller attribute is one string'],
    ['a constant id that is not a plain id', GOOD.replace('args: ["${caller.id}"]', 'args: ["x/../m-2"]'), 'caller-attribute', 9, 12, 'must be a plain id'],
  ])('refuses %s', async (_what, body, code, line, column, message) => {
    const { policy, errors } = await compiled(attribute(body));
    expect(policy).toBeUndefined();
    expect(errors).toContainEqual({ code, line, column, message: expect.stringContaining(message) });
  });

  it('refuses a name that would shadow a built-in attribute, and a second declaration', async () => {
    const shadow = await compiled(attribute(GOOD).replace('  contactId:\n', '  siteId:\n'));
    expect(shadow.errors).toContainEqual({ code: 'caller-attribute', line: 5, column: 3, message: expect.stringContaining('would shadow') });
    const diagnostics: Diagnostic[] = [];
    const files = [
      parsePolicyText(attribute(GOOD), 'a.yaml', diagnostics),
      parsePolicyText(`version: 1\n${attribute(GOOD).split('\n').slice(3).join('\n')}`, 'b.yaml', diagnostics),
    ];
    await compilePolicy(files, diagnostics);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ code: 'caller-attribute', file: 'b.yaml', line: 3, message: 'caller attribute "contactId" is declared twice' }),
    );
  });

  it('refuses a rule naming an undeclared attribute, suggesting the declared one', async () => {
    const { errors } = await compiled(
      attribute(GOOD) + rules('    allow: loyalty.accounts.getAccount\n    resource: { contactId: "${caller.contactID}" }\n    fields: { deny: [points] }\n'),
    );
    expect(errors).toEqual([
      {
        code: 'placeholder',
        line: 16,
        column: 15,
        message: expect.stringMatching(/"\$\{caller\.contactID\}" names no caller attribute .*\(did you mean "contactId"\?\)$/),
      },
    ]);
  });

  it('a list rule on a derived attribute lints like any other (its condition goes into the filter)', async () => {
    const text = attribute(GOOD) + rules('    allow: loyalty.accounts.queryLoyaltyAccounts\n    resource: { contactId: "${caller.contactId}" }\n    cap: 10\n');
    const diagnostics: Diagnostic[] = [];
    const file = parsePolicyText(text, 'p.yaml', diagnostics);
    const { policy } = await compilePolicy([file], diagnostics);
    expect(lintPolicy(policy!, [file]).warnings).toEqual([]);
  });

  it('refuses a rule whose roles are held by a subject type the attribute is not read for (it would compare with nothing)', async () => {
    const text = `version: 1
roles:
  visitor: { subjects: [VISITOR] }
  member: { subjects: [MEMBER], inherits: [visitor] }
callerAttributes:
  contactId: { description: d, subjects: [MEMBER], read: members.members.getMember, args: ["\${caller.id}"], value: contactId }
rules:
  - id: everyone
    description: d
    roles: [visitor]
    allow: loyalty.accounts.queryLoyaltyAccounts
    presets: { args.0.filter: { contactId: "\${caller.contactId}" } }
    cap: 10
  - id: no-foreign-contacts
    description: d
    roles: [visitor]
    deny: crm.contacts.getContact
    when: { args.0: { $ne: "\${caller.contactId}" } }
`;
    const { errors } = await compiled(text);
    expect(errors.filter((e) => e.code === 'caller-attribute')).toEqual([
      { code: 'caller-attribute', line: 10, column: 5, message: expect.stringContaining('read for MEMBER only, but its roles are also held by VISITOR') },
      { code: 'caller-attribute', line: 16, column: 5, message: expect.stringContaining('read for MEMBER only, but its roles are also held by VISITOR') },
    ]);
  });

  it('takes names with digits, as placeholders do', async () => {
    const { errors } = await compiled(
      attribute(GOOD).replace('  contactId:\n', '  contact2:\n') +
        rules('    allow: loyalty.accounts.getAccount\n    resource: { contactId: "${caller.contact2}" }\n'),
    );
    expect(errors).toEqual([]);
  });

  it("checks a registered obligation kind's placeholders like a condition's (a typo, or an attribute its roles' subjects lack)", async () => {
    const unregister = registerObligationKind({
      key: 'forcedValue',
      description: 'a kind whose value names the caller',
      schema: z.strictObject({ value: z.string() }),
      combine: () => undefined,
      describe: () => null,
    });
    try {
      const typo = await compiled(
        attribute(GOOD) +
          rules(
            '    allow: loyalty.accounts.getAccount\n    resource: { contactId: "${caller.contactId}" }\n    forcedValue: { value: "${caller.contactld}" }\n',
          ),
      );
      expect(typo.errors).toContainEqual({ code: 'placeholder', line: 17, column: 18, message: expect.stringContaining('(did you mean "contactId"?)') });
      const visitors = `version: 1\nroles:\n  visitor: { subjects: [VISITOR] }\n${attribute(GOOD).split('\n').slice(3).join('\n')}rules:\n  - id: r\n    description: d\n    roles: [visitor]\n    allow: loyalty.accounts.getAccount\n    forcedValue: { value: "\${caller.contactId}" }\n`;
      expect((await compiled(visitors)).errors).toContainEqual(
        expect.objectContaining({ code: 'caller-attribute', message: expect.stringContaining('also held by VISITOR') }),
      );
    } finally {
      unregister();
    }
  });
});
