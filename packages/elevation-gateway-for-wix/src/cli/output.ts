// Terminal output for the CLI: colour only on a TTY and never when NO_COLOR is set.
export interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  const noColor = process.env.NO_COLOR;
  return Boolean(stream.isTTY) && (noColor === undefined || noColor === '') && process.env.TERM !== 'dumb';
}

export function paint(enabled = colourEnabled()): Paint {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

/** Prints a usage error with the command's usage; the exit code for usage errors is 2. */
export function usageError(command: string, message: string, help: string): number {
  console.error(`elevate ${command}: ${message}\n\n${help}`);
  return 2;
}

/**
 * Text from outside (a log line, a policy file's name, a rule's id or values) as a terminal or a CI
 * log gets it: control characters (C0, DEL, C1: escape sequences that move the cursor or erase
 * lines) and format characters (bidirectional overrides, zero-width) escaped as `\uXXXX`, cut to `max`.
 */
export function printable(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
