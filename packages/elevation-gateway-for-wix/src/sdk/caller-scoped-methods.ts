// Methods that act for the current caller, resolved from their own Wix session: elevated, they run
// as the app and lose the person who asked (an order with no buyer, a booking with no attendee, the
// app's "own" member). Data, with where it comes from: the compiler refuses a rule that elevates one
// unless the rule says why (`justification`). Add entries here when Wix documents more.
import { matchesCallPattern } from '../conditions/call-pattern.ts';

export const CALLER_SCOPED_SOURCE = {
  document: '@wix/agent-skills, skills/wix-app/SKILL.md § "Identity and Elevation Requirement"',
  version: '1.19.2',
  repository: 'https://github.com/wix/skills',
} as const;

export interface CallerScopedEntry {
  /** A call or a pattern: `ecom.currentCartV2.*`, `bookings.bookings.createBooking`. */
  pattern: string;
  /** What elevating it does, for the error message. */
  why: string;
}

export const CALLER_SCOPED_METHODS: readonly CallerScopedEntry[] = [
  { pattern: 'ecom.currentCart.*', why: "it works on the caller's own cart, found from their session" },
  { pattern: 'ecom.currentCartV2.*', why: "it works on the caller's own cart, found from their session" },
  { pattern: 'ecom.cartV2.placeOrder', why: "it places the order for the session's buyer: elevated, the order has no buyer" },
  { pattern: 'bookings.bookings.createBooking', why: 'it books for the caller: elevated, the booking has no attendee' },
  { pattern: 'members.members.getCurrentMember', why: 'it is "Get My Member": elevated, it asks for the app\'s own member, not the caller\'s' },
];

/**
 * Beyond the list, a method or namespace named for "my" or "the current" entity (`getCurrentMemberAccount`,
 * `deleteMyMember`, `currentCart…`) acts on the session's own entity, as the same document says.
 */
export const CALLER_SCOPED_NAME = /(^|[a-z])(Current|My)([A-Z]|$)|^(current|my)[A-Z]/;

/** Why elevating `call` (`package.namespace.method`) loses its caller, or undefined when nothing says so. */
export function callerScoped(call: string): CallerScopedEntry | undefined {
  const listed = CALLER_SCOPED_METHODS.find((e) => matchesCallPattern(e.pattern, call));
  if (listed) return listed;
  const [, namespace = '', method = ''] = call.split('.');
  if (CALLER_SCOPED_NAME.test(method) || CALLER_SCOPED_NAME.test(namespace)) {
    return { pattern: call, why: 'its name says it works on "my" or "the current" entity, which Wix finds from the caller\'s session' };
  }
  return undefined;
}
