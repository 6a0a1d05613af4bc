// The argument check, case by case, on a hand-written signature that holds every form the
// generator emits: what is admitted (and copied), what is refused, and the message, which names
// the path and never the value.
import { describe, expect, it } from 'vitest';
import type { Signature } from '../../sdk/argument-schema.ts';
import { GatewayError } from '../errors.ts';
import { parseArguments } from './parse-arguments.ts';

const signature: Signature = {
  resultLists: ['items'],
  names: ['query', 'options'],
  required: 1,
  params: [{ $ref: 'Query' }, { $ref: 'Options', nullable: true }],
  defs: {
    Query: {
      type: 'object',
      properties: {
        cursorPaging: {
          type: 'object',
          properties: { limit: { type: 'number', integer: true, minimum: 0, maximum: 100, nullable: true }, cursor: { type: 'string', nullable: true } },
        },
        paging: { type: 'object', properties: { limit: { type: 'number', integer: true, minimum: 0 } } },
        filter: { $ref: 'Filter', nullable: true },
        sort: {
          type: 'array',
          maxItems: 2,
          items: {
            type: 'object',
            required: ['fieldName'],
            properties: { fieldName: { type: 'string', enum: ['slug', '_createdDate'], field: true }, order: { type: 'string', enum: ['ASC', 'DESC'] } },
          },
        },
      },
      oneOf: [['cursorPaging', 'paging']],
    },
    Filter: {
      type: 'object',
      filter: true,
      properties: {
        slug: { anyOf: [{ type: 'string' }, { type: 'object', properties: { $eq: { type: 'string' }, $in: { type: 'array', items: { type: 'string' } } } }] },
        _createdDate: { type: 'object', properties: { $gt: { type: 'string', format: 'date-time' } } },
        $and: { type: 'array', items: { $ref: 'Filter' } },
        $or: { type: 'array', items: { $ref: 'Filter' } },
        $not: { $ref: 'Filter' },
      },
    },
    Options: {
      type: 'object',
      properties: {
        fields: { type: 'array', items: { type: 'string', enum: ['URL', 'MERCHANT_DATA'] } },
        note: { type: 'string', minLength: 1, maxLength: 5 },
        flag: { type: 'boolean' },
        tags: { type: 'object', properties: {}, additionalProperties: { type: 'number' } },
        extra: { type: 'json' },
        countFilter: { type: 'filter' },
        fn: { type: 'never', reason: 'functions are not data' },
      },
    },
  },
};

function refusal(args: unknown[]): string {
  try {
    parseArguments(signature, args);
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    expect((e as GatewayError).status).toBe(400);
    return (e as GatewayError).message;
  }
  throw new Error('expected a refusal');
}

describe('admitted, and copied', () => {
  it.each([
    ['the smallest call', [{}]],
    [
      'paging, filter and sort',
      [
        {
          cursorPaging: { limit: 5, cursor: null },
          filter: { slug: 'a', $or: [{ slug: { $in: ['b'] } }, { $not: { slug: 'c' } }] },
          sort: [{ fieldName: 'slug', order: 'ASC' }],
        },
      ],
    ],
    ['options, null options', [{}, null]],
    [
      'every option form',
      [
        {},
        {
          fields: ['URL'],
          note: 'abc',
          flag: false,
          tags: { a: 1 },
          extra: { any: ['json', 1, null] },
          countFilter: { 'a.b': { $in: [1, 'x'] }, c: true, $and: [{ d: { $exists: false } }] },
        },
      ],
    ],
    ['a date-time', [{ filter: { _createdDate: { $gt: '2025-03-01T09:00:00.000Z' } } }]],
  ])('%s', (_name, args) => {
    const { args: copy } = parseArguments(signature, args);
    expect(copy).toEqual(args);
    // A copy: no object the client sent is reused.
    const objects = (v: unknown, out: unknown[] = []): unknown[] => {
      if (v !== null && typeof v === 'object') {
        out.push(v);
        Object.values(v).forEach((x) => objects(x, out));
      }
      return out;
    };
    const sent = new Set(objects(args));
    expect(objects(copy).some((o) => sent.has(o))).toBe(false);
  });

  it('reports every field a filter or sort names, with its path', () => {
    const { fields } = parseArguments(signature, [
      { filter: { slug: 'a', $and: [{ _createdDate: { $gt: '2025-01-01T00:00:00Z' } }] }, sort: [{ fieldName: '_createdDate' }] },
      { countFilter: { 'x.y': 1 } },
    ]);
    expect(fields).toEqual([
      { path: 'args.0.filter.slug', field: 'slug' },
      { path: 'args.0.filter.$and.0._createdDate', field: '_createdDate' },
      { path: 'args.0.sort.0.fieldName', field: '_createdDate' },
      { path: 'args.1.countFilter.x.y', field: 'x.y' },
    ]);
  });

  it('-0 becomes 0', () => {
    const { args } = parseArguments(signature, [{ cursorPaging: { limit: -0 } }]);
    expect(Object.is((args[0] as any).cursorPaging.limit, 0)).toBe(true);
  });
});

describe('refused, naming the path', () => {
  it.each([
    ['no arguments', [], 'args: this method takes at least 1 argument(s) (query, options?)'],
    ['too many arguments', [{}, {}, {}], 'args: this method takes at most 2 argument(s) (query, options?)'],
    ['a query that is not an object', ['x'], 'args.0 must be an object'],
    ['null where null is not accepted', [null], 'args.0 must be an object'],
    ['an unknown key', [{ query: {} }], 'args.0: unknown field "query" (accepted: cursorPaging, paging, filter, sort)'],
    ['an unknown key deeper', [{ cursorPaging: { size: 1 } }], 'args.0.cursorPaging: unknown field "size" (accepted: limit, cursor)'],
    ['both paging forms', [{ cursorPaging: {}, paging: {} }], 'args.0: cursorPaging and paging cannot be used together'],
    ['a fractional page size', [{ cursorPaging: { limit: 1.5 } }], 'args.0.cursorPaging.limit must be a whole number'],
    ['a page size as a string', [{ cursorPaging: { limit: '5' } }], 'args.0.cursorPaging.limit must be a whole number'],
    ['a page size above the maximum', [{ cursorPaging: { limit: 101 } }], 'args.0.cursorPaging.limit must be at most 100'],
    ['a negative page size', [{ paging: { limit: -1 } }], 'args.0.paging.limit must be at least 0'],
    ['an array where an object goes', [{ cursorPaging: [5] }], 'args.0.cursorPaging must be an object'],
    ['an enum value the SDK does not declare', [{}, { fields: ['ALL'] }], 'args.1.fields.0 must be one of "URL", "MERCHANT_DATA"'],
    ['a string too short', [{}, { note: '' }], 'args.1.note must be at least 1 character(s) long'],
    ['a string too long', [{}, { note: 'abcdef' }], 'args.1.note must be at most 5 characters long'],
    ['a number as a boolean', [{}, { flag: 0 }], 'args.1.flag must be a boolean'],
    ['a record value of the wrong type', [{}, { tags: { a: '1' } }], 'args.1.tags.a must be a number'],
    ['a prototype name as a record key', [{}, JSON.parse('{"tags":{"__proto__":1}}')], 'args.1.tags: unknown field "__proto__"'],
    ['a value the SDK accepts nothing for', [{}, { fn: 'x' }], 'args.1.fn is not accepted (functions are not data)'],
    ['too many sort entries', [{ sort: [{ fieldName: 'slug' }, { fieldName: 'slug' }, { fieldName: 'slug' }] }], 'args.0.sort must hold at most 2 item(s)'],
    ['a sort entry without a field', [{ sort: [{ order: 'ASC' }] }], 'args.0.sort.0.fieldName is required'],
    ['a field that is not filterable', [{ filter: { name: 'x' } }], 'args.0.filter: "name" is not a filterable field of this method'],
    ['an operator the field does not take', [{ filter: { slug: { $regex: '.*' } } }], 'args.0.filter.slug: unknown field "$regex" (accepted: $eq, $in)'],
    ['an empty operator object', [{ filter: { slug: {} } }], 'args.0.filter.slug needs an operator'],
    ['a wrong operand type', [{ filter: { slug: { $in: 'a' } } }], 'args.0.filter.slug.$in must be an array'],
    ['a bare value of the wrong type', [{ filter: { slug: 1 } }], 'args.0.filter.slug must be a string or an object'],
    [
      'a date that is not ISO-8601',
      [{ filter: { _createdDate: { $gt: 'yesterday' } } }],
      'args.0.filter._createdDate.$gt must be an ISO-8601 date-time string',
    ],
    [
      'an impossible date',
      [{ filter: { _createdDate: { $gt: '2025-13-45T99:00:00Z' } } }],
      'args.0.filter._createdDate.$gt must be an ISO-8601 date-time string',
    ],
    [
      'a bad filter deep in $or',
      [{ filter: { $or: [{ slug: 'a' }, { $not: { nope: 1 } }] } }],
      'args.0.filter.$or.1.$not: "nope" is not a filterable field of this method',
    ],
    ['an open filter field that is not a dotted name', [{}, { countFilter: { 'a b': 1 } }], 'args.1.countFilter: "a b" is not a field name'],
    ['an open filter operator off the list', [{}, { countFilter: { a: { $where: 'x' } } }], 'args.1.countFilter.a: operator "$where" is not accepted'],
    [
      'an open filter operand that is an object',
      [{}, { countFilter: { a: { $eq: { $ne: 1 } } } }],
      'args.1.countFilter.a.$eq must be a string, number or boolean',
    ],
    ['an open filter $in of objects', [{}, { countFilter: { a: { $in: [{}] } } }], 'args.1.countFilter.a.$in must be an array of strings, numbers or booleans'],
    [
      'an open filter condition that is null',
      [{}, { countFilter: { a: null } }],
      'args.1.countFilter.a must be a string, number, boolean or an object of operators',
    ],
    ['an open filter prototype key', [{}, JSON.parse('{"countFilter":{"constructor":1}}')], 'args.1.countFilter: "constructor" is not a field name'],
  ])('%s', (_name, args, message) => {
    expect(refusal(args)).toContain(message);
  });

  it('never echoes a value, and cuts a long key', () => {
    const message = refusal([{ filter: { slug: { $eq: 42 } }, [`k${'x'.repeat(500)}`]: 'SECRET' }]);
    expect(message).not.toContain('SECRET');
    expect(message.length).toBeLessThan(300);
  });
});
