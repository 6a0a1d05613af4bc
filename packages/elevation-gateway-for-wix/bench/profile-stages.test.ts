// The attribution of bench/profile.ts on a small hand-built CPU profile: which stage a stack lands
// in, how time is counted and what the table says. The real profile is `node bench/profile.ts`
// (seconds per case): never run here.
import { describe, expect, it } from 'vitest';
import { attribute, stageOfFrame, stageRows, stagesOfNodes, type CallFrame, type CpuProfile, type ProfileNode } from './profile-stages.ts';

const SRC = 'file:///app/packages/elevation-gateway-for-wix/src';
const ZOD = 'file:///app/node_modules/zod/v4/core/schemas.js';
const frame = (functionName: string, url = '', lineNumber = 0): CallFrame => ({ functionName, url, lineNumber, columnNumber: 0 });

/** A profile from nested [frame, children] pairs; node ids in depth-first order from 1 (the root). */
function profileOf(tree: Tree, samples: number[], deltas: number[], startTime = 1_000): CpuProfile {
  const nodes: ProfileNode[] = [];
  const add = ([f, children = []]: Tree): number => {
    const node: ProfileNode = { id: nodes.length + 1, callFrame: f, children: [] };
    nodes.push(node);
    for (const c of children) node.children!.push(add(c));
    return node.id;
  };
  add(tree);
  const endTime = startTime + deltas.reduce((a, b) => a + b, 0) + 100;
  return { nodes, startTime, endTime, samples, timeDeltas: deltas };
}
type Tree = [CallFrame, Tree[]?];

// 1 (root)
//   2 (idle)
//   3 (garbage collector)
//   4 readCall gateway.ts
//     5 safeParse zod           → wire schema parse (readCall)
//   6 describeWireIssue wire.ts
//     7 _zod.run zod
//       8 (anonymous) eval'd    → wire schema parse (a leaf in zod under wire.ts)
//   9 handle gateway.ts
//     10 identify caller.ts
//       11 get identity-cache.ts
//         12 digest node:internal/crypto/hash → token hashing (the innermost mapped frame)
//     13 write decision-log.ts
//       14 log node:internal/console/constructor → decision log
//   15 (anonymous) ''
//     16 leftPad node_modules/left-pad → other
//   17 processTicksAndRejections node:internal/process/task_queues
//     18 readAllBytes node:internal/deps/undici/undici → streams & microtasks (caller unknown)
const TREE: Tree = [
  frame('(root)'),
  [
    [frame('(idle)')],
    [frame('(garbage collector)')],
    [frame('readCall', `${SRC}/gateway/gateway.ts`), [[frame('safeParse', ZOD)]]],
    [frame('describeWireIssue', `${SRC}/gateway/wire.ts`), [[frame('_zod.run', ZOD), [[frame('')]]]]],
    [
      frame('handle', `${SRC}/gateway/gateway.ts`),
      [
        [frame('identify', `${SRC}/gateway/caller.ts`), [[frame('get', `${SRC}/gateway/identity-cache.ts`), [[frame('digest', 'node:internal/crypto/hash')]]]]],
        [frame('write', `${SRC}/gateway/decision-log.ts`), [[frame('log', 'node:internal/console/constructor')]]],
      ],
    ],
    [frame(''), [[frame('leftPad', 'file:///app/node_modules/left-pad/index.js', 41)]]],
    [frame('processTicksAndRejections', 'node:internal/process/task_queues'), [[frame('readAllBytes', 'node:internal/deps/undici/undici', 4779)]]],
  ],
];

describe('stage of a stack', () => {
  const stages = stagesOfNodes(profileOf(TREE, [], []));

  it('charges a frame no stage maps to (zod) to its innermost mapped ancestor', () => {
    expect(stages.get(5)).toBe('wire schema parse');
    expect(stages.get(8)).toBe('wire schema parse');
  });

  it('takes the innermost mapped frame of the stack, not an outer one', () => {
    expect(stages.get(12)).toBe('token hashing');
    expect(stages.get(10)).toBe('identity');
    expect(stages.get(9)).toBe('gateway pipeline (gateway.ts)');
    expect(stages.get(14)).toBe('decision log');
  });

  it("puts a stack with nothing known on it in 'other', and Node's orphaned body reads apart", () => {
    expect(stages.get(16)).toBe('other');
    expect(stages.get(18)).toBe('streams & microtasks (caller unknown)');
  });

  it('knows idle and garbage collection', () => {
    expect(stages.get(2)).toBe('idle');
    expect(stages.get(3)).toBe('garbage collection');
    expect(stageOfFrame(frame('(program)'))).toBe('idle');
  });

  it('maps by function within a file', () => {
    const limits = `${SRC}/gateway/request-limits.ts`;
    expect(stageOfFrame(frame('readBodyText', limits))).toBe('body reading');
    expect(stageOfFrame(frame('jsonDepthExceeds', limits))).toBe('depth scan');
    expect(stageOfFrame(frame('parseJsonBody', limits))).toBe('JSON parse');
    expect(stageOfFrame(frame('checkShape', limits))).toBe('shape check');
    expect(stageOfFrame(frame('jsonResponse', `${SRC}/gateway/wire.ts`))).toBe('result serialisation');
    expect(stageOfFrame(frame('success', `${SRC}/gateway/gateway.ts`))).toBe('result serialisation');
    expect(stageOfFrame(frame('randomUUID', 'node:internal/crypto/random'))).toBe('request id');
    expect(stageOfFrame(frame('sign', `${SRC}/gateway/obligations/signed-cursor.ts`))).toBe('cursor signing');
    expect(stageOfFrame(frame('applyPageCap', `${SRC}/gateway/obligations/page-cap.ts`))).toBe('enforce');
    expect(stageOfFrame(frame('getOrder', 'file:///app/node_modules/@wix/auto_sdk_ecom_orders/build/index.js'))).toBe('Wix SDK + emulated Wix');
    expect(stageOfFrame(frame('handle', `${SRC}/dev/emulator/wix-emulator.ts`))).toBe('Wix SDK + emulated Wix');
    expect(stageOfFrame(frame('can', 'file:///app/node_modules/@casl/ability/dist/es6m/index.mjs'))).toBe('decide');
    // A loader's query string does not hide the file.
    expect(stageOfFrame(frame('GatewayError', `${SRC}/gateway/errors.ts?tsx-namespace=1`))).toBe('GatewayError construction');
  });

  it('charges shared helpers (contract/hashing.ts) to their caller, or to token hashing when resumed alone', () => {
    const hashing = `${SRC}/contract/hashing.ts`;
    const p = profileOf(
      [
        frame('(root)'),
        [
          [frame('sign', `${SRC}/gateway/obligations/signed-cursor.ts`), [[frame('', hashing), [[frame('Hmac', 'node:internal/crypto/hash')]]]]],
          [frame('tokenDigest', `${SRC}/gateway/identity-cache.ts`), [[frame('', hashing), [[frame('Hash', 'node:internal/crypto/hash')]]]]],
          [frame('', hashing), [[frame('hex', hashing)]]],
        ],
      ],
      [],
      [],
    );
    const s = stagesOfNodes(p);
    expect([s.get(4), s.get(7), s.get(9)]).toEqual(['cursor signing', 'token hashing', 'token hashing']);
  });

  it('reads a parent-linked profile (DevTools) as well as a children-linked one (node)', () => {
    const p = profileOf(TREE, [], []);
    const parentLinked = { ...p, nodes: p.nodes.map(({ children: _children, ...n }) => n) };
    for (const n of p.nodes) for (const c of n.children ?? []) parentLinked.nodes[c - 1]!.parent = n.id;
    expect(stagesOfNodes(parentLinked)).toEqual(stages);
  });
});

describe('time per stage', () => {
  // Samples: idle, zod under wire.ts, the digest, the digest, left-pad, GC; each stands for the
  // time until the next sample (the last one, the mean interval).
  const profile = profileOf(TREE, [2, 8, 12, 12, 16, 3], [100, 100, 100, 300, 100, 100]);

  it('charges each sample the time until the next one, and keeps the frames of the others', () => {
    const a = attribute(profile);
    const us = Object.fromEntries(a.stages.map((s) => [s.stage, s.us]));
    // The last sample (GC) gets the mean interval, 140 µs, cut at the profile's end (100 µs on).
    expect(us).toEqual({ idle: 100, 'wire schema parse': 100, 'token hashing': 400, other: 100, 'garbage collection': 100 });
    expect(a.stages[0]!.stage).toBe('token hashing');
    expect(a.totalUs).toBe(800);
    expect(a.busyUs).toBe(700);
    expect(a.other).toEqual([{ functionName: 'leftPad', url: 'file:///app/node_modules/left-pad/index.js', lineNumber: 41, samples: 1, us: 100 }]);
    expect(a.frames['token hashing']![0]).toMatchObject({ functionName: 'digest', samples: 2, us: 400 });
  });

  it('counts only the samples inside the window', () => {
    // Sample times: 1100, 1200, 1300, 1600, 1700, 1800.
    const a = attribute(profile, { window: { startUs: 1200, endUs: 1600 } });
    expect(a.samples).toBe(2);
    expect(a.stages.map((s) => [s.stage, s.us])).toEqual([
      ['token hashing', 300],
      ['wire schema parse', 100],
    ]);
  });

  it('gives rows with the share of the non-idle time and µs per request, idle last', () => {
    const rows = stageRows(attribute(profile), 4);
    expect(rows.map((r) => r.stage)).toEqual(['token hashing', 'wire schema parse', 'other', 'garbage collection', 'idle']);
    expect(rows[0]).toMatchObject({ ms: 0.4, usPerRequest: 100, samples: 2 });
    expect(rows[0]!.percent).toBeCloseTo((100 * 400) / 700);
    expect(rows.reduce((sum, r) => (r.stage === 'idle' ? sum : sum + r.percent), 0)).toBeCloseTo(100);
    expect(rows.at(-1)!.percent).toBeCloseTo((100 * 100) / 800);
  });
});
