// The pure half of `bench/profile.ts`: a V8 CPU profile (the `.cpuprofile` JSON `node --cpu-prof`
// writes) in, the gateway's time per stage out. Every sample is charged to the innermost frame of
// its stack that maps to a stage, by file and function; frames that map to none (node internals,
// zod, undici, Promise and microtask frames with empty urls) are charged to their innermost mapped
// ancestor. An async function resumed after an `await` shows as that function with only the
// microtask runner below it, so its continuation still lands in its own stage; but Node's own async
// functions (undici reading a body, a web stream's pull) resume with no caller on the stack at all:
// such stacks go to 'streams & microtasks (caller unknown)', and a stack with nothing known on it
// to 'other' (its leaf frames are kept, so the mapping can be improved).

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber?: number;
  columnNumber?: number;
  scriptId?: string | number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  /** Absent in what node writes (computed from `children`); Chrome DevTools' own exports carry it. */
  parent?: number;
  hitCount?: number;
}

/** A V8 CPU profile; times in µs on the monotonic clock (the one `process.hrtime` reads). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The stages, in pipeline order (the table sorts them by time). */
export const STAGES = [
  'body reading',
  'depth scan',
  'JSON parse',
  'shape check',
  'wire schema parse',
  'request id',
  'token hashing',
  'identity',
  'caller attributes',
  'policy load',
  'cursor signing',
  'argument parse',
  'decide',
  'enforce',
  'dispatch (gateway side)',
  'Wix SDK + emulated Wix',
  'result serialisation',
  'decision log',
  'GatewayError construction',
  'gateway pipeline (gateway.ts)',
  'bench driver',
  'streams & microtasks (caller unknown)',
  'garbage collection',
  'idle',
  'other',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages that are not the process working: left out of the percentages and the CPU total. */
export const IDLE_STAGES: ReadonlySet<Stage> = new Set(['idle']);

/** The url as a path with forward slashes, without `file://` or a loader's query string. */
function pathOf(url: string): string {
  let path = url.replace(/[?#].*$/, '');
  if (path.startsWith('file://')) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      path = path.slice('file://'.length);
    }
  }
  return path.replace(/\\/g, '/');
}

// The package's own files, from its sources (tsx) or its build (dist/*.js).
const OWN = /\/(?:src|dist)\/(.+)\.(?:ts|js|mjs)$/;

/** The gateway's own files: module path under src/ (e.g. `gateway/wire`) → stage, or per function. */
const GATEWAY_FILES: Record<string, Stage | ((fn: string) => Stage)> = {
  'gateway/request-limits': (fn) =>
    fn === 'jsonDepthExceeds' ? 'depth scan' : fn === 'parseJsonBody' ? 'JSON parse' : fn === 'checkShape' ? 'shape check' : 'body reading',
  'gateway/wire': (fn) => (fn === 'jsonResponse' ? 'result serialisation' : 'wire schema parse'),
  'gateway/identity-cache': 'token hashing',
  'gateway/caller': 'identity',
  'gateway/caller-attributes': 'caller attributes',
  'gateway/policy-module': 'policy load',
  'gateway/obligations/signed-cursor': 'cursor signing',
  'gateway/continued-listing': 'cursor signing',
  'gateway/decide': 'decide',
  'gateway/evaluate': 'decide',
  'gateway/tracer': 'decide',
  'gateway/enforce': 'enforce',
  'gateway/obligation-plan': 'enforce',
  'gateway/rate-limit': 'enforce',
  'gateway/dispatch': 'dispatch (gateway side)',
  'gateway/elevation': 'dispatch (gateway side)',
  'gateway/builder-query': 'dispatch (gateway side)',
  'gateway/decision-log': 'decision log',
  'gateway/errors': 'GatewayError construction',
  'contract/policy-digest': 'policy load',
  // The CASL conditions the engine compiles and runs; the Wix filter they become is enforcement's.
  'conditions/strict-matcher': 'decide',
  'conditions/call-pattern': 'decide',
  'conditions/condition-trace': 'decide',
  'conditions/wix-filter': 'enforce',
};

/** gateway.ts: the pipeline's glue, except the functions that are a stage of their own. */
function gatewayFunction(fn: string): Stage {
  if (fn === 'readCall') return 'wire schema parse'; // its own children (body, parse, shape) are mapped
  if (fn === 'success' || fn === 'failure') return 'result serialisation';
  if (fn === 'sendable') return 'argument parse';
  return 'gateway pipeline (gateway.ts)';
}

/** The stage a frame maps to by itself, or undefined (it is then charged to its mapped ancestor). */
export function stageOfFrame(frame: CallFrame): Stage | undefined {
  const fn = frame.functionName;
  if (frame.url === '') {
    if (fn === '(garbage collector)') return 'garbage collection';
    if (fn === '(idle)' || fn === '(program)') return 'idle';
    return undefined; // (root), Promise and microtask frames, eval'd code (zod's compiled parsers)
  }
  const path = pathOf(frame.url);
  if (path.startsWith('node:')) {
    if (fn === 'randomUUID' && path.startsWith('node:internal/crypto/')) return 'request id';
    return undefined;
  }
  if (/\/node_modules\/@wix\//.test(path)) return 'Wix SDK + emulated Wix';
  if (/\/node_modules\/@(?:casl|ucast)\//.test(path)) return 'decide';
  if (/\/node_modules\//.test(path)) return undefined; // zod, tsx's loader and the like: their caller's stage
  if (/\/bench\/profile\.(?:ts|js)$/.test(path)) return 'bench driver';
  const own = OWN.exec(path)?.[1];
  if (own === undefined) return undefined;
  if (own === 'gateway/gateway') return gatewayFunction(fn);
  if (own.startsWith('gateway/arguments/')) return 'argument parse';
  if (own.startsWith('gateway/obligations/')) return GATEWAY_FILES[own] ? (GATEWAY_FILES[own] as Stage) : 'enforce';
  // The Wix runtime stand-in (AsyncLocalStorage, the clients) and the emulator behind it.
  if (own.startsWith('dev/emulator/') || own.startsWith('dev/runtime/')) return 'Wix SDK + emulated Wix';
  const mapped = GATEWAY_FILES[own];
  if (mapped === undefined) return undefined; // contract/, sdk/, the shared condition helpers: their caller's stage
  return typeof mapped === 'function' ? mapped(fn) : mapped;
}

/**
 * The stage of a stack no frame of which maps to one (innermost frame first): Node's internals
 * resumed from the microtask queue with their caller gone.
 */
export function stageOfOrphan(frames: readonly CallFrame[]): Stage {
  // The SDK reads every Wix reply with response.json(); the gateway only token-info's (once per
  // token with the identity cache) and the bench driver none.
  if (frames.some((f) => f.functionName === 'parseJSONFromBytes' && /undici/.test(f.url))) return 'Wix SDK + emulated Wix';
  // contract/hashing.ts takes its caller's stage (a token's digest, a cursor's HMAC); resumed on its
  // own after an await, it is a digest, and in steady state a token's (rule fingerprints and the
  // policy digest are made once).
  if (frames.some((f) => /\/(?:src|dist)\/contract\/hashing\.(?:ts|js)$/.test(pathOf(f.url)))) return 'token hashing';
  const internal = /^node:internal\/(?:deps\/undici\/|webstreams\/|async_hooks$|process\/task_queues$|abort_controller$|buffer$|encoding$)/;
  if (frames.some((f) => internal.test(f.url))) return 'streams & microtasks (caller unknown)';
  return 'other';
}

export interface StageTime {
  stage: Stage;
  samples: number;
  us: number;
}

export interface FrameTime {
  functionName: string;
  url: string;
  lineNumber: number;
  samples: number;
  us: number;
}

export interface Attribution {
  /** Every stage that got a sample, most time first. */
  stages: StageTime[];
  /** All samples in the window, µs. */
  totalUs: number;
  /** Samples in the window not idle, µs. */
  busyUs: number;
  samples: number;
  /** The leaf frames of samples charged to 'other', most time first. */
  other: FrameTime[];
  /** Every stage's self time by leaf frame, most time first: what to look at inside a stage. */
  frames: Partial<Record<Stage, FrameTime[]>>;
}

export interface AttributionOptions {
  /** Only samples taken in [startUs, endUs) on the profile's clock count. */
  window?: { startUs: number; endUs: number };
}

/** Each node's stage: its own frame's, else its parent's (innermost mapped frame wins), else the orphan rule. */
export function stagesOfNodes(profile: CpuProfile): Map<number, Stage> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    if (n.parent !== undefined) parent.set(n.id, n.parent);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, Stage | undefined>();
  const mapped = (id: number): Stage | undefined => {
    // Iterative: a deep recursion in the profiled code must not overflow the profiler.
    const chain: number[] = [];
    let at: number | undefined = id;
    let found: Stage | undefined;
    while (at !== undefined) {
      if (memo.has(at)) {
        found = memo.get(at);
        break;
      }
      chain.push(at);
      const node = byId.get(at);
      found = node ? stageOfFrame(node.callFrame) : undefined;
      if (found !== undefined) break;
      at = parent.get(at);
    }
    // Every node on the walked chain below the mapped frame shares its stage.
    for (const c of chain) memo.set(c, found);
    return found;
  };
  const stackOf = (id: number): CallFrame[] => {
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node.callFrame);
    }
    return frames;
  };
  const out = new Map<number, Stage>();
  for (const n of profile.nodes) out.set(n.id, mapped(n.id) ?? stageOfOrphan(stackOf(n.id)));
  return out;
}

/** Charges each sample's time (until the next sample) to its stage. */
export function attribute(profile: CpuProfile, options: AttributionOptions = {}): Attribution {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const stageOf = stagesOfNodes(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Array<number>(samples.length);
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) times[i] = t += deltas[i] ?? 0;
  const meanDelta = samples.length > 1 ? (times[samples.length - 1]! - times[0]!) / (samples.length - 1) : 0;

  const stages = new Map<Stage, StageTime>();
  const leaves = new Map<number, { samples: number; us: number }>();
  let totalUs = 0;
  let busyUs = 0;
  let counted = 0;
  const window = options.window;
  for (let i = 0; i < samples.length; i++) {
    const at = times[i]!;
    if (window && (at < window.startUs || at >= window.endUs)) continue;
    // A sample stands for the time until the next one (as DevTools counts it); the last, the mean.
    const next = i + 1 < samples.length ? times[i + 1]! : Math.min(profile.endTime, at + meanDelta);
    const us = Math.max(0, next - at);
    const id = samples[i]!;
    const stage = stageOf.get(id) ?? 'other';
    const s = stages.get(stage) ?? { stage, samples: 0, us: 0 };
    s.samples++;
    s.us += us;
    stages.set(stage, s);
    const leaf = leaves.get(id) ?? { samples: 0, us: 0 };
    leaf.samples++;
    leaf.us += us;
    leaves.set(id, leaf);
    totalUs += us;
    if (!IDLE_STAGES.has(stage)) busyUs += us;
    counted++;
  }
  // Self time per stage by frame; the same frame reached by different paths is one row.
  const merged = new Map<Stage, Map<string, FrameTime>>();
  for (const [id, leaf] of leaves) {
    const stage = stageOf.get(id) ?? 'other';
    const frame = byId.get(id)?.callFrame ?? { functionName: '(unknown)', url: '' };
    const row = { functionName: frame.functionName || '(anonymous)', url: frame.url, lineNumber: frame.lineNumber ?? -1 };
    const key = `${row.functionName}\u0000${row.url}\u0000${row.lineNumber}`;
    const rows = merged.get(stage) ?? new Map<string, FrameTime>();
    merged.set(stage, rows);
    const m = rows.get(key) ?? { ...row, samples: 0, us: 0 };
    m.samples += leaf.samples;
    m.us += leaf.us;
    rows.set(key, m);
  }
  const frames: Partial<Record<Stage, FrameTime[]>> = {};
  for (const [stage, rows] of merged) frames[stage] = [...rows.values()].sort((a, b) => b.us - a.us);
  return {
    stages: [...stages.values()].sort((a, b) => b.us - a.us),
    totalUs,
    busyUs,
    samples: counted,
    other: frames.other ?? [],
    frames,
  };
}

export interface StageRow {
  stage: Stage;
  ms: number;
  /** Share of the non-idle time, %; idle rows: of all the time. */
  percent: number;
  usPerRequest: number;
  samples: number;
}

/** The table's rows: busy stages by time, then the idle ones. */
export function stageRows(attribution: Attribution, requests: number): StageRow[] {
  const row = (s: StageTime): StageRow => {
    const of = IDLE_STAGES.has(s.stage) ? attribution.totalUs : attribution.busyUs;
    return { stage: s.stage, ms: s.us / 1000, percent: of > 0 ? (100 * s.us) / of : 0, usPerRequest: requests > 0 ? s.us / requests : 0, samples: s.samples };
  };
  const busy = attribution.stages.filter((s) => !IDLE_STAGES.has(s.stage)).map(row);
  const idle = attribution.stages.filter((s) => IDLE_STAGES.has(s.stage)).map(row);
  return [...busy, ...idle];
}
