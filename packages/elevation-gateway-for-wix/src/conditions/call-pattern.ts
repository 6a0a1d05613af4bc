// Deny rules name a call or a pattern: `ecom.orders.cancelOrder`, `ecom.orders.*`, `ecom.*`, `*`.
export function matchesCallPattern(pattern: string, call: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return call.startsWith(pattern.slice(0, -1));
  return pattern === call;
}
