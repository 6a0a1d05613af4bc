// `member:m-1`, `visitor`, `USER:u-1`: a caller written as subject type and optional id, as the
// CLI's `--as` and policy tests' `as:` take it. Roles come from the policy, as at run time.
import { SUBJECT_TYPES, type CompiledPolicy, type SubjectType } from '../../contract/compiled-policy.ts';
import { didYouMean } from '../../policy/suggest.ts';
import type { Caller } from '../../contract/caller.ts';

export type CallerSpec = { ok: true; subjectType: SubjectType; id: string } | { ok: false; message: string };

export function parseCallerSpec(text: string): CallerSpec {
  const cut = text.indexOf(':');
  const type = (cut < 0 ? text : text.slice(0, cut)).trim();
  const id = cut < 0 ? '' : text.slice(cut + 1).trim();
  const subjectType = SUBJECT_TYPES.find((s) => s === type.toUpperCase());
  if (!subjectType) {
    const known = SUBJECT_TYPES.map((s) => s.toLowerCase());
    return {
      ok: false,
      message: `"${text}" names no subject type: use one of ${known.join(', ')}, optionally with an id (member:m-1)${didYouMean(type.toLowerCase(), known)}`,
    };
  }
  if (cut >= 0 && !/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,199}$/.test(id)) {
    return { ok: false, message: `"${text}": the id after ":" must be a plain id (letters, digits, "-", "_", ".", "@")` };
  }
  return { ok: true, subjectType, id };
}

/** The caller as the gateway would see it; `siteId`/`instanceId` as token-info would report them. */
export function callerFor(policy: CompiledPolicy, subjectType: SubjectType, id: string, where: { siteId?: string; instanceId?: string } = {}): Caller {
  const caller: Caller = { subjectType, id, roles: [...(policy.subjectRoles[subjectType] ?? [])] };
  if (where.siteId) caller.siteId = where.siteId;
  if (where.instanceId) caller.instanceId = where.instanceId;
  return caller;
}
