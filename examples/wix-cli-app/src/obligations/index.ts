// The app's own obligation kinds: one import per kind, each module calling registerObligationKind
// from 'elevation-gateway-for-wix'. `elevate` loads this file before it reads the policy and the
// endpoint imports it before the gateway loads the policy, so both know the same kinds (a policy
// using a kind the backend does not register fails closed: every call is 503). This app registers
// none yet; see docs/ARCHITECTURE.md at the repository root, "A new obligation kind".
export {};
