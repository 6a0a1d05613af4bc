// The app's own obligation kinds (contract/obligation-kind.ts): one import per kind, each module
// calling registerObligationKind. `elevate` imports this file before it reads the policy, and the
// backend endpoint imports it before the gateway loads the policy, so both know the same kinds (a
// policy using a kind the backend does not register fails closed: every call is 503).
//
// This app registers none yet. See docs/ARCHITECTURE.md, "A new obligation kind".
export {};
