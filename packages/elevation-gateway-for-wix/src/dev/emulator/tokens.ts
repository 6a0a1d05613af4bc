/**
 * Dev tokens and what Wix's token-info says about each.
 *
 * All tokens belong to one site / app instance and were issued for the dev app (`clientId` = APP_ID), which is
 * what Wix's runtime checks before elevating (`tokenInfo.clientId === APP_ID` and an `instanceId`).
 *
 *   token                       subjectType  subjectId  active
 *   devTokens.visitor           VISITOR      v-1        yes
 *   devTokens.members['m-1']    MEMBER       m-1        yes     (also m-2, m-3)
 *   devTokens.user              USER         u-1        yes     (a Wix user: site owner / collaborator)
 *   devTokens.app               APP          APP_ID     yes     (the elevated identity; what /oauth2/token hands out)
 *   devTokens.inactive          MEMBER       m-1        NO      (expired an hour ago; token-info answers 200 with
 *                                                               `active: false` and the rest of the claims)
 *
 * Token strings are opaque on purpose: nothing should parse them.
 */

export const APP_ID = '7f3c9a52-1d4e-4b8a-9c61-5e2f0a8d4b17';
export const DEV_APP_SECRET = 'dev-app-secret-4f1b9e7c2a6d';
export const SITE_ID = '0b6d2e4f-8a1c-4d3e-b5f7-2c9e1a7d3f60';
export const INSTANCE_ID = 'c41e8f2a-6b3d-4e9c-a7f1-9d2b5c8e0a34';

export type SubjectType = 'APP' | 'USER' | 'MEMBER' | 'VISITOR' | 'UNKNOWN';

/** What the emulator knows about a token. `exp`/`iat` are computed relative to "now" unless fixed. */
export interface DevTokenIdentity {
  subjectType: SubjectType;
  subjectId: string;
  /** default: true, or `exp > now` when a fixed `exp` is given */
  active?: boolean;
  /** default APP_ID */
  clientId?: string;
  /** default SITE_ID */
  siteId?: string;
  /** default INSTANCE_ID; `null` omits it from token-info (a token without an instance) */
  instanceId?: string | null;
  /** fixed seconds since epoch; default now + 4h (active) / now − 1h (inactive) */
  exp?: number;
  /** fixed seconds since epoch; default now − 1min (active) / now − 5h (inactive) */
  iat?: number;
}

/** Token-info's 200 body (the SDK's `getTokenInfo()` return type). */
export interface TokenInfo {
  active: boolean;
  subjectType: SubjectType;
  subjectId: string;
  exp: number;
  iat: number;
  clientId?: string;
  siteId: string;
  instanceId?: string;
}

export const devTokens = {
  visitor: 'dev-visitor-token-5b1e0c9d7a3f',
  members: {
    'm-1': 'dev-member-token-m1-8c2d4f6a1e9b',
    'm-2': 'dev-member-token-m2-3e7a9c1b5d2f',
    'm-3': 'dev-member-token-m3-6f4b2d8e0a7c',
  },
  user: 'dev-user-token-9a5c3e1f7b2d',
  app: 'dev-app-token-2d8f6b4a0c9e',
  inactive: 'dev-expired-token-1c7e5a3f9b0d',
} as const;

/** The identities behind `devTokens`, keyed by token string. */
export const devTokenIdentities: Readonly<Record<string, DevTokenIdentity>> = {
  [devTokens.visitor]: { subjectType: 'VISITOR', subjectId: 'v-1' },
  [devTokens.members['m-1']]: { subjectType: 'MEMBER', subjectId: 'm-1' },
  [devTokens.members['m-2']]: { subjectType: 'MEMBER', subjectId: 'm-2' },
  [devTokens.members['m-3']]: { subjectType: 'MEMBER', subjectId: 'm-3' },
  [devTokens.user]: { subjectType: 'USER', subjectId: 'u-1' },
  [devTokens.app]: { subjectType: 'APP', subjectId: APP_ID },
  [devTokens.inactive]: { subjectType: 'MEMBER', subjectId: 'm-1', active: false },
};

/** Builds token-info's body for an identity at time `nowMs`. */
export function tokenInfoFor(identity: DevTokenIdentity, nowMs: number): TokenInfo {
  const now = Math.floor(nowMs / 1000);
  const active = identity.active ?? (identity.exp === undefined || identity.exp > now);
  const info: TokenInfo = {
    active,
    subjectType: identity.subjectType,
    subjectId: identity.subjectId,
    exp: identity.exp ?? (active ? now + 4 * 3600 : now - 3600),
    iat: identity.iat ?? (active ? now - 60 : now - 5 * 3600),
    clientId: identity.clientId ?? APP_ID,
    siteId: identity.siteId ?? SITE_ID,
  };
  const instanceId = identity.instanceId === undefined ? INSTANCE_ID : identity.instanceId;
  if (instanceId !== null) info.instanceId = instanceId;
  return info;
}

/** Strips an optional `Bearer ` prefix (the SDK sends the raw token; Wix accepts both). */
export function bareToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const t = authorization.trim();
  return /^bearer\s+/i.test(t) ? t.replace(/^bearer\s+/i, '') : t;
}
