// Who you can be on the local server: the emulator's dev tokens, with the words the playground and
// the start-up banner use for them.
import { SEED_ORDER_TABLE, devTokens, type SubjectType } from '../emulator/index.ts';

export interface DevIdentity {
  key: string;
  label: string;
  /** The Authorization header to send; null sends none. */
  token: string | null;
  subjectType: SubjectType | null;
  subjectId: string | null;
  /** The member's seeded orders (for examples and the banner). */
  orders: string[];
}

const ordersOf = (memberId: string) => SEED_ORDER_TABLE.filter((o) => o.memberId === memberId).map((o) => o.id);

export const devIdentities: readonly DevIdentity[] = [
  { key: 'visitor', label: 'Visitor (v-1)', token: devTokens.visitor, subjectType: 'VISITOR', subjectId: 'v-1', orders: [] },
  ...(['m-1', 'm-2', 'm-3'] as const).map((id) => ({
    key: id,
    label: `Member ${id}`,
    token: devTokens.members[id],
    subjectType: 'MEMBER' as const,
    subjectId: id,
    orders: ordersOf(id),
  })),
  { key: 'user', label: 'Wix user (u-1, dashboard)', token: devTokens.user, subjectType: 'USER', subjectId: 'u-1', orders: [] },
  { key: 'expired', label: 'Expired member token (m-1)', token: devTokens.inactive, subjectType: 'MEMBER', subjectId: 'm-1', orders: [] },
  { key: 'none', label: 'No token', token: null, subjectType: null, subjectId: null, orders: [] },
];
