// A probe served in the worker of the workerd benchmark (../workerd-request.ts) as
// `/functions/probe`. Without a query it answers what workerd offers the gateway's hashing
// (src/contract/hashing.ts): whether `process.getBuiltinModule('node:crypto')` exists and has
// `createHash`, `createHmac` and `createSecretKey`, and which implementation the gateway's module
// chose in this bundle. With `?hop=1` it also makes one outgoing request (token-info, with the
// caller's token) first: the floor of a round trip, and the price of one outbound hop to the
// emulator in Node.
import { builtinNodeCrypto, hashing } from '../../src/contract/hashing.ts';

const TOKEN_INFO_URL = 'https://www.wixapis.com/oauth2/token-info';

export interface ProbeReply {
  /** `typeof globalThis.process`. */
  process: string;
  /** `typeof process.getBuiltinModule`. */
  getBuiltinModule: string;
  /** What `process.getBuiltinModule('node:crypto')` answered: `object`, `undefined`, or `throws: …`. */
  nodeCrypto: string;
  /** `typeof` each function hashing.ts needs on that module (absent when there is no module). */
  functions: Record<'createHash' | 'createHmac' | 'createSecretKey', string>;
  /** Whether hashing.ts's builtinNodeCrypto() found it. */
  builtinNodeCrypto: boolean;
  /** The implementation the gateway's hashing module uses in this worker. */
  implementation: string;
  /** Whether the probe made an outgoing request first, and what it answered. */
  hop?: number;
}

function describeCrypto(): Pick<ProbeReply, 'process' | 'getBuiltinModule' | 'nodeCrypto' | 'functions'> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const out = {
    process: typeof proc,
    getBuiltinModule: typeof proc?.getBuiltinModule,
    nodeCrypto: 'undefined',
    functions: { createHash: 'absent', createHmac: 'absent', createSecretKey: 'absent' },
  };
  if (typeof proc?.getBuiltinModule !== 'function') return out;
  try {
    const mod = proc.getBuiltinModule('node:crypto') as Record<string, unknown> | undefined;
    out.nodeCrypto = mod === null ? 'null' : typeof mod;
    if (mod) out.functions = { createHash: typeof mod.createHash, createHmac: typeof mod.createHmac, createSecretKey: typeof mod.createSecretKey };
  } catch (error) {
    out.nodeCrypto = `throws: ${error instanceof Error ? error.message : String(error)}`;
  }
  return out;
}

export async function POST(req: Request): Promise<Response> {
  let hop: number | undefined;
  if (new URL(req.url).searchParams.has('hop')) {
    const info = await fetch(TOKEN_INFO_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: req.headers.get('authorization') ?? '' }),
    });
    await info.text();
    hop = info.status;
  }
  const reply: ProbeReply = { ...describeCrypto(), builtinNodeCrypto: builtinNodeCrypto() !== undefined, implementation: hashing().implementation, hop };
  return Response.json(reply);
}
