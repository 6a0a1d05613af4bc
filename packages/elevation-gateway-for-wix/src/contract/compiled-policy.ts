// The compiled policy: the contract between `elevate build`, which writes it into
// src/generated/policy.ts, and the gateway, which loads it at run time. Plain JSON, so it can be
// digested, diffed and bundled without a filesystem.
import type { Conditions } from '../conditions/strict-matcher.ts';
import type { MethodInfo } from '../sdk/method-info.ts';

/** 3: `callerAttributes` (0.6.0). 2: methods carry `targetArgs` and `scope`; rules `allowOptions` (0.5.0). */
export const POLICY_FORMAT = 3;

export const SUBJECT_TYPES = ['VISITOR', 'MEMBER', 'USER', 'APP', 'UNKNOWN'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface Limits {
  /** Largest request body, in bytes (413 above). */
  bodyBytes: number;
  /** Deepest nesting of arrays and objects in the body. */
  jsonDepth: number;
  /** Most positional arguments in `args`. */
  args: number;
  /** Longest string anywhere in the body (keys included). */
  stringLength: number;
  /** Longest array, and most keys in one object, anywhere in the body. */
  arrayLength: number;
}

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 64 * 1024,
  jsonDepth: 12,
  args: 4,
  stringLength: 4096,
  arrayLength: 200,
};

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface FieldRule {
  /** Only these paths (and what is below them) are returned. */
  allow?: string[];
  /** These paths are removed; everything else is returned. */
  deny?: string[];
}

export interface RateLimit {
  count: number;
  windowSeconds: number;
  /** As written in the policy, e.g. `10/minute`. */
  text: string;
}

export interface CompiledRule {
  id: string;
  description: string;
  effect: 'allow' | 'deny';
  roles: string[];
  /** `module.method` (allow), or for deny also a pattern ending in `*`. */
  call: string;
  /** Conditions on `{ args }` (CASL/Mongo syntax, strict matcher, `${caller.*}` placeholders). */
  when?: Conditions;
  /** Conditions on the object the call returns or touches. */
  resource?: Conditions;
  /** The elevated read that loads the target of a write addressed by id. */
  preload?: string;
  fields?: FieldRule;
  /** Largest page a list call may return. */
  cap?: number;
  /** Argument paths (`args.1.customMessage`) a write may set; anything else is refused. */
  writable?: string[];
  /** Argument values forced by the gateway (`args.0.x: ${caller.id}`). */
  presets?: Record<string, unknown>;
  rateLimit?: RateLimit;
  timeoutMs?: number;
  /** Protection-disabling options (src/sdk/protection-options.ts) the rule allows a caller to set. */
  allowOptions?: string[];
  /** Values of registered obligation kinds (contract/obligation-kind.ts), by their rule key. */
  extensions?: Record<string, unknown>;
  /** Why a risk-lint warning is accepted (shown by the audit). */
  justification?: string;
  source: SourcePosition;
}

/** A caller attribute derived from the verified identity (`${caller.contactId}`): see gateway/caller-attributes.ts. */
export interface CallerAttributeDefinition {
  description: string;
  /** Read for these subject types only; absent (matching nothing) for anyone else. */
  subjects: SubjectType[];
  /** The elevated read, `package.namespace.method` (one of `methods`). */
  read: string;
  /** Its arguments: constants and built-in `${caller.*}` placeholders only. */
  args: unknown[];
  /** Dotted path of the attribute in the read's result. */
  value: string;
  source: SourcePosition;
}

export interface CompiledPolicy {
  format: typeof POLICY_FORMAT;
  limits: Limits;
  roles: Record<string, { subjects: SubjectType[]; inherits: string[]; description?: string }>;
  /** Every role a subject type holds, inheritance expanded. */
  subjectRoles: Record<SubjectType, string[]>;
  rules: CompiledRule[];
  /** Caller attributes by name, in the order declared. */
  callerAttributes: Record<string, CallerAttributeDefinition>;
  /** Every SDK method the policy names (allowed calls, preloads and attribute reads). */
  methods: Record<string, MethodInfo>;
  defaultTimeoutMs: number;
}

/** What a decision reads of a policy: its rules and who holds which role. */
export type DecisionPolicy = Pick<CompiledPolicy, 'rules' | 'subjectRoles'>;
