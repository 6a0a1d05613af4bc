// Who is calling, as the gateway established it from the verified Wix token alone: what rules,
// conditions (`${caller.*}`), obligations and cursors are decided on.
import type { SubjectType } from './compiled-policy.ts';

export interface Caller {
  subjectType: SubjectType;
  /** The subject id (visitor, member, user or app id); never empty for a subject type the policy grants anything. */
  id: string;
  siteId?: string;
  instanceId?: string;
  /** Every role the caller holds under the policy, inheritance expanded. */
  roles: string[];
  /**
   * Caller attributes the policy derives from this identity (`${caller.contactId}`), loaded by the
   * gateway's own elevated reads; only those the call's rules use, and only for their subject types.
   */
  attributes?: Readonly<Record<string, string>>;
}
