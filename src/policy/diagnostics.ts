// A problem found in the policy, pinned to the text that caused it.
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  /** Rule the diagnostic concerns, when it concerns one (for justifications and the audit). */
  rule?: string;
  /** Stable identifier of the check, e.g. `unknown-method`, `risk/id-read-without-resource`. */
  code: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity}: ${d.message}`;
}
