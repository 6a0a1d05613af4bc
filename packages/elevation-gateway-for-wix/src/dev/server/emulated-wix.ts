// Wix, emulated for the local server: the SDK's REST calls go to the emulator through the runtime's
// clients; token-info is asked through the global fetch, which msw hands to the same emulator. Both
// are recorded per gateway request for the playground's "reached Wix" panel. The modules of the
// policy's calls that the built-in models do not cover answer from their SDK `meta` over the app's
// seed file; when the policy names another module, or the seed file changes, the emulator starts
// again from its seed.
import { watch } from 'node:fs';
import { basename, resolve } from 'node:path';
import { setupServer } from 'msw/node';
import {
  DEFAULT_SEED_FILE,
  MODELLED_MODULES,
  createWixEmulator,
  devTokens,
  emulatedModulesFor,
  formatEmulatorDiagnostic,
  wixHandlers,
  type WixEmulator,
} from '../emulator/index.ts';
import { createWixRuntime, type WixRuntime } from '../runtime/wix-runtime.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import { recordingHandle } from './wix-traffic.ts';

export interface EmulatedWix {
  /** The Wix runtime the endpoint runs in (per-request caller context, the app's elevated client). */
  runtime: WixRuntime;
  /** Emulates the SDK modules `policy` names that the built-in models do not cover (from their meta and the seed file). */
  emulateModulesOf(policy: CompiledPolicy): Promise<void>;
  close(): void;
}

export function startEmulatedWix(options: {
  project: string;
  /** The seed file the user named (default: the app's elevate.seed.yaml, when there is one). */
  seedFile?: string;
  /** The policy serving now, for a seed file edit. */
  serving: () => CompiledPolicy | undefined;
  out: (text: string) => void;
  warn: (text: string) => void;
  shown: (path: string) => string;
}): EmulatedWix {
  const { project, out, warn, shown } = options;
  const seedFile = resolve(project, options.seedFile ?? DEFAULT_SEED_FILE);
  let emulator: WixEmulator = createWixEmulator();
  let emulated = '';

  const emulateModulesOf = async (policy: CompiledPolicy): Promise<void> => {
    const calls = Object.values(policy.methods)
      .filter((m) => !MODELLED_MODULES.has(m.call.slice(0, m.call.lastIndexOf('.'))))
      .map((m) => ({ call: m.call, package: m.package }));
    const setup = await emulatedModulesFor(project, calls, options.seedFile === undefined ? undefined : seedFile);
    const key = JSON.stringify([setup.modules.map((m) => [m.module, m.seed ?? null]), setup.diagnostics]);
    if (key === emulated) return;
    emulated = key;
    for (const d of setup.diagnostics) (d.severity === 'info' ? out : warn)(`emulated Wix: ${formatEmulatorDiagnostic(d)}`);
    emulator = createWixEmulator({ modules: setup.modules });
    if (setup.modules.length) {
      out(`emulated Wix: ${setup.modules.map((m) => m.module).join(', ')} from ${shown(seedFile)}${setup.seedFile ? '' : ' (no seed file: empty)'}`);
    }
  };

  /** What the emulator recorded of the request it answered with `response` (found by its request id). */
  const describeRecorded = (response: Response) => {
    const seq = Number(/^emu-(\d+)$/.exec(response.headers.get('x-wix-request-id') ?? '')?.[1]);
    let recorded: (typeof emulator.requests)[number] | undefined;
    for (let i = emulator.requests.length - 1; i >= 0 && !recorded; i--) if (emulator.requests[i]!.seq === seq) recorded = emulator.requests[i];
    return recorded ? { route: recorded.call ?? recorded.route, ...(recorded.payload !== undefined ? { payload: recorded.payload } : {}) } : undefined;
  };
  const handle = recordingHandle((request) => emulator.handle(request), describeRecorded);
  const msw = setupServer(...wixHandlers({ handle }));
  msw.listen({ onUnhandledRequest: 'bypass' });
  const runtime = createWixRuntime({ fetch: ((input, init) => handle(new Request(input, init))) as typeof fetch, appToken: devTokens.app });

  // The seed file, edited by the user: the emulator starts again from it (its folder is watched, so that creating it counts).
  let seedTimer: NodeJS.Timeout | undefined;
  const seedWatcher = watch(resolve(seedFile, '..'), { persistent: false }, (_event, name) => {
    if (name !== null && String(name) !== basename(seedFile)) return;
    clearTimeout(seedTimer);
    seedTimer = setTimeout(() => {
      const policy = options.serving();
      if (!policy) return;
      emulated = '';
      void emulateModulesOf(policy).catch((error) => warn(`emulated Wix: ${(error as Error).message}`));
    }, 200);
  });
  seedWatcher.on('error', () => {});

  return {
    runtime,
    emulateModulesOf,
    close() {
      clearTimeout(seedTimer);
      seedWatcher.close();
      msw.close();
    },
  };
}
