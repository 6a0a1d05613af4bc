// The built worker in Miniflare as the workerd suites and the workerd benchmark run it: the flags Wix
// serves backends with, every outgoing request handed to a fake Wix, and the worker's stdout (the
// gateway's decision log) as lines to a callback, or drained.
import { Miniflare } from 'miniflare';

export const COMPATIBILITY_DATE = '2024-11-01';
export const COMPATIBILITY_FLAGS = ['nodejs_compat'];

export interface WorkerOptions {
  scriptPath: string;
  /** workerd's modules root: the script must lie inside it. */
  modulesRoot: string;
  /** Answers every request the worker makes (www.wixapis.com). */
  outbound: (request: Request) => Promise<Response> | Response;
  /** Each non-empty line the worker prints; without it, its output is drained unread. */
  onLine?: (line: string) => void;
}

export async function startWorker(options: WorkerOptions): Promise<Miniflare> {
  const { onLine } = options;
  const mf = new Miniflare({
    modules: true,
    scriptPath: options.scriptPath,
    modulesRoot: options.modulesRoot,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    outboundService: (request) => options.outbound(request as unknown as Request) as never,
    handleRuntimeStdio(stdout, stderr) {
      if (!onLine) {
        stdout.resume();
        stderr.resume();
        return;
      }
      let rest = '';
      stdout.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onLine(line);
      });
      stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    },
  });
  await mf.ready;
  return mf;
}
