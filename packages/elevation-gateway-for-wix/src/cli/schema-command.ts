// `elevate schema [--out file|-] [--tests-out file] [--check]`: JSON Schemas for editors.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_POLICY_SCHEMA, DEFAULT_TESTS_SCHEMA, policyJsonSchema, policyTestsJsonSchema } from '../review/json-schema.ts';
import { usageError } from './output.ts';
import { readCommandLine } from './command-line.ts';
import { isDirectory } from '../policy/load.ts';

export const SCHEMA_HELP = `usage: elevate schema [--out <file>|-] [--tests-out <file>|-] [--check]

Writes the JSON Schema of the policy language (generated from the zod schema) for editors, and the
schema of policy test files.
  --out <file>        policy schema (default: ${DEFAULT_POLICY_SCHEMA}); "-" prints it to stdout
  --tests-out <file>  policy-test schema (default: ${DEFAULT_TESTS_SCHEMA}); skipped with --out -
  --check             write nothing; exit 1 if a schema file is stale`;

export async function runSchema(argv: string[]): Promise<number> {
  const line = readCommandLine('schema', argv, SCHEMA_HELP, {
    out: { type: 'string', default: DEFAULT_POLICY_SCHEMA },
    'tests-out': { type: 'string' },
    check: { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  for (const option of ['out', 'tests-out'] as const) {
    const file = values[option];
    if (file !== undefined && file !== '-' && isDirectory(file))
      return usageError('schema', `--${option} ${file} is a folder: give the file to write`, SCHEMA_HELP);
  }
  if (values.out === '-' && values['tests-out'] === undefined) {
    if (values.check) return usageError('schema', '--check compares files; it cannot check stdout', SCHEMA_HELP);
    process.stdout.write(policyJsonSchema());
    return 0;
  }
  const outputs: [string, string][] = [];
  if (values.out !== '-') outputs.push([values.out, policyJsonSchema()]);
  const testsOut = values['tests-out'] ?? DEFAULT_TESTS_SCHEMA;
  if (testsOut === '-') process.stdout.write(policyTestsJsonSchema());
  else outputs.push([testsOut, policyTestsJsonSchema()]);
  if (values.out === '-') process.stdout.write(policyJsonSchema());
  // Status lines go to stderr when stdout carries a schema.
  const say = values.out === '-' || testsOut === '-' ? console.error : console.log;
  let stale = 0;
  for (const [file, text] of outputs) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (values.check) {
      if (current !== text) {
        console.error(`elevate schema --check: ${file} is stale; run \`elevate schema\``);
        stale++;
      } else say(`${file} is up to date`);
      continue;
    }
    if (current !== text) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      say(`wrote ${file}`);
    } else say(`${file} is up to date`);
  }
  return stale ? 1 : 0;
}
