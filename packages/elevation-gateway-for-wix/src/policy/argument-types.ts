// TypeScript types of what the gateway accepts, printed from the very schemas it checks
// arguments against, for the generated module's `PermittedCalls` (the frontend client's argument
// types): a call the gateway would refuse with 400 for its shape does not type-check.
import type { ArgumentSchema, Signature } from '../sdk/argument-schema.ts';

/** Shared helper types the printed types refer to. */
export const ARGUMENT_TYPE_HELPERS = [
  'type Json = string | number | boolean | null | Json[] | { [key: string]: Json };',
  'type OpenFilter = { $and?: OpenFilter[]; $or?: OpenFilter[]; $not?: OpenFilter } & { [field: string]: string | number | boolean | { [operator: `$${string}`]: string | number | boolean | (string | number | boolean)[] } | OpenFilter[] | OpenFilter | undefined };',
];

const key = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name));

export function printSchema(schema: ArgumentSchema, ref: (name: string) => string): string {
  const nullable = 'nullable' in schema && schema.nullable ? ' | null' : '';
  if ('$ref' in schema) return `${ref(schema.$ref)}${nullable}`;
  if ('anyOf' in schema) return `${schema.anyOf.map((s) => printSchema(s, ref)).join(' | ')}${nullable}`;
  switch (schema.type) {
    case 'string':
      if (schema.enum) return `${schema.enum.map((v) => JSON.stringify(v)).join(' | ')}${nullable}`;
      // A Date crosses JSON as its ISO string, which is what the gateway accepts.
      return `${schema.format === 'date-time' ? 'string | Date' : 'string'}${nullable}`;
    case 'number':
      return `${schema.const !== undefined ? String(schema.const) : 'number'}${nullable}`;
    case 'boolean':
      return `${schema.const !== undefined ? String(schema.const) : 'boolean'}${nullable}`;
    case 'array':
      return `(${printSchema(schema.items, ref)})[]${nullable}`;
    case 'object': {
      const required = new Set(schema.required ?? []);
      const members = Object.entries(schema.properties).map(([name, s]) => `${key(name)}${required.has(name) ? '' : '?'}: ${printSchema(s, ref)}`);
      const body = `{ ${members.join('; ')}${members.length ? ' ' : ''}}`;
      const rest = schema.additionalProperties ? `{ [key: string]: ${printSchema(schema.additionalProperties, ref)} }` : '';
      const type = rest ? (members.length ? `${body} & ${rest}` : rest) : body;
      return nullable ? `(${type}) | null` : type;
    }
    case 'filter':
      return `OpenFilter${nullable}`;
    case 'json':
      return 'Json';
    case 'never':
      return 'never';
  }
}

/** Type aliases for a signature's definitions and the tuple of its parameters. */
export function printSignature(signature: Signature, prefix: string): { aliases: string[]; args: string } {
  const ref = (name: string) => `${prefix}__${name}`;
  const aliases = Object.entries(signature.defs).map(([name, s]) => `type ${ref(name)} = ${printSchema(s, ref)};`);
  const params = signature.params.map((s, i) => `${key(signature.names[i] ?? `arg${i}`)}${i < signature.required ? '' : '?'}: ${printSchema(s, ref)}`);
  return { aliases, args: `[${params.join(', ')}]` };
}
