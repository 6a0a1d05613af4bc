// elevation-gateway-for-wix: the runtime core. Web `Request` in, web `Response` out; the adapters
// (`elevation-gateway-for-wix/wix-cli-app`, …) only hand it the request their runtime gives them.
// Everything exported here is the package's public API (semver: see CHANGELOG.md).
export { createGateway, type Gateway, type GatewayOptions } from './gateway/gateway.ts';
export { createIdentityCache, type IdentityCacheOptions } from './gateway/identity-cache.ts';
export type { IdentityCache } from './gateway/caller.ts';
export type { PolicyModule } from './gateway/policy-module.ts';
export { consoleSink, memorySink, silentSink, type DecisionEntry, type DecisionSink } from './gateway/decision-log.ts';
export { memoryRateLimitStore, type RateLimitHit, type RateLimitStore } from './gateway/rate-limit.ts';
export { wixHostedElevation, type Elevation, type SdkFunction } from './gateway/elevation.ts';
export { recordingTracer, type RecordingTracer, type Tracer } from './gateway/tracer.ts';
export type { CursorSecret, CursorSecretProvider } from './gateway/obligations/signed-cursor.ts';
export { registerObligationKind, ObligationRefusal, type ObligationKind, type ObjectOutcome } from './contract/obligation-kind.ts';
export type { Caller } from './contract/caller.ts';
export type { CompiledPolicy, CompiledRule, Limits, SubjectType } from './contract/compiled-policy.ts';
export { ERROR_STATUS, WIRE_CONTRACT_VERSION, type ErrorCode, type ErrorReply, type SuccessReply, type UpstreamSummary } from './contract/envelopes.ts';
