// A problem found in the policy (or in a policy-test file), pinned to the text that caused it.
// Every code is listed here: a producer cannot invent one, and the table test of the codes
// (diagnostic-codes.test.ts) must cover each, with its position.
import type { CallProblem } from '../sdk/catalogue.ts';

export const DIAGNOSTIC_CODES = [
  // reading the files
  'yaml',
  'schema',
  'no-policy',
  // compiling
  'duplicate-limits',
  'duplicate-role',
  'undefined-role',
  'cyclic-role',
  'condition-syntax',
  'placeholder',
  'duplicate-rule',
  'deny-obligation',
  'cap-not-list',
  'cap-above-maximum',
  'preload-not-write',
  'preload-not-read',
  'preload-mismatch',
  'resource-needs-preload',
  'resource-unenforceable',
  'scope-unpinned',
  'replace-needs-preload',
  'writable-required',
  'allow-option-unknown',
  'allow-option-unjustified',
  'obligation-not-applicable',
  'unreachable-rule',
  'argument-path',
  'field-path',
  'caller-attribute',
  'caller-scoped',
  'sdk/unknown-module',
  'sdk/undeclared-package',
  'sdk/unknown-method',
  'sdk/event',
  'sdk/enum',
  'sdk/not-rest',
  'sdk/unprobeable',
  'sdk/unsupported',
  'sdk/no-signature',
  // the risk lint (warnings)
  'risk/id-without-resource',
  'risk/unconditional-public-write',
  'risk/whole-objects-to-visitors',
  'risk/list-condition-not-filterable',
  // `elevate check` on the project
  'app-id',
  'generated-missing',
  'generated-stale',
  // policy-test files
  'test/file',
  'test/caller',
  'test/unknown-rule',
  'test/deny-expectation',
  'test/input',
  'test/fixture',
  'test/matrix',
] as const satisfies readonly (string | `sdk/${CallProblem}`)[];

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  /** Rule the diagnostic concerns, when it concerns one (for justifications and the audit). */
  rule?: string;
  /** Stable identifier of the check, e.g. `sdk/unknown-method`, `risk/id-without-resource`. */
  code: DiagnosticCode;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity}: ${d.message}`;
}
