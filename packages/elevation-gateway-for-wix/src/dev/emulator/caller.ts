/**
 * Who an emulated REST call runs as (from its Authorization header), and the permission level Wix calls
 * "Admin": the app itself (elevated) or a Wix user (site owner / collaborator, in the dashboard).
 */
import { WixHttpError } from './errors.ts';
import type { DevTokenIdentity } from './tokens.ts';

export interface Caller {
  token: string;
  identity: DevTokenIdentity;
  isApp: boolean;
}

/** APP (elevated) or USER: may read a site's admin data (contacts, loyalty accounts, private members). */
export function isAdminCaller(caller: Caller): boolean {
  return caller.isApp || caller.identity.subjectType === 'USER';
}

/** Visitors and members are refused admin data with 403 PERMISSION_DENIED, as Wix does. */
export function requireAdminCaller(caller: Caller, permission: string): void {
  if (!isAdminCaller(caller)) {
    throw WixHttpError.permissionDenied(`${caller.identity.subjectType} identity is not permitted to call this method (requires ${permission})`);
  }
}

/** A MEMBER token's own member id, else undefined. */
export function callerMemberId(caller: Caller): string | undefined {
  return caller.identity.subjectType === 'MEMBER' ? caller.identity.subjectId : undefined;
}
