// A problem found while setting up the emulated SDK modules: a seed-file error pinned to its text
// (file:line:column), or a module whose package or routes cannot be read. Reported, never thrown.

export interface EmulatorDiagnostic {
  /** error: something the user asked for is not emulated; warning: it is, but maybe not as meant; info: how it is */
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** the seed file, for a problem in its text */
  file?: string;
  line?: number;
  column?: number;
  /** the SDK module concerned (`crm.labels`) */
  module?: string;
}

export function formatEmulatorDiagnostic(d: EmulatorDiagnostic): string {
  if (d.file) return `${d.file}:${d.line ?? 1}:${d.column ?? 1} ${d.severity}: ${d.message}`;
  return `${d.severity}: ${d.module ? `${d.module}: ` : ''}${d.message}`;
}
