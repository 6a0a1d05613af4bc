// What tests that drive the real SDK against the emulator share: an auth strategy that sends a
// fixed token as the SDK would, and a way to catch what a call rejects with.
export function authFor(token: string) {
  return { getAuthHeaders: async () => ({ headers: { Authorization: token } }), getActiveToken: () => token } as any;
}

/** Awaits a promise that must reject and returns what it rejected with. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}
