// The emulator's two JSON helpers, one copy for every route file: what a parsed body is, and a deep
// copy of stored data (so a caller never holds the emulator's state).
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
