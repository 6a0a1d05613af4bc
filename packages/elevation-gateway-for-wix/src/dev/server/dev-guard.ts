// What keeps other web pages and other machines out of the local server. It binds to loopback; every
// request must name this server in `Host` (a DNS-rebinding page's host is its own name, not ours);
// a request a browser marks with a foreign `Origin` is refused; and the routes that edit the policy
// also need the token printed at start (a web page cannot know it, so it cannot forge a save: CSRF).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header the playground sends the start token in (never a cookie: a browser attaches cookies on its own). */
export const DEV_TOKEN_HEADER = 'x-elevate-dev-token';

export type GuardVerdict = { ok: true } | { ok: false; status: 403 | 421; error: string };

export interface DevGuard {
  /** The token printed at start (base64url, 32 random bytes). */
  readonly token: string;
  /** Sets the origin once the port is known (`http://127.0.0.1:4000`). */
  listening(origin: string): void;
  /** Every request: `Host` must name this server; an `Origin`, if sent, must be this server's. */
  admit(req: IncomingMessage): GuardVerdict;
  /** Policy-editing routes: `admit`, plus the start token (and an `Origin` that is ours, when the browser sends one). */
  admitEditor(req: IncomingMessage): GuardVerdict;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Whether `host` (as given to listen) is a loopback address. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createDevGuard(options: { host: string; token?: string }): DevGuard {
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = '';
  let origins = new Set<string>();
  let hosts = new Set<string>();
  const names = new Set([...LOOPBACK_NAMES, options.host.includes(':') ? `[${options.host}]` : options.host]);

  const admitHost = (req: IncomingMessage): GuardVerdict => {
    const host = req.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) {
      return {
        ok: false,
        status: 421,
        error: `this local server answers only requests addressed to it (Host ${[...hosts][0] ?? ''}); got Host ${host ?? '(none)'}`,
      };
    }
    return { ok: true };
  };
  const admit = (req: IncomingMessage): GuardVerdict => {
    const host = admitHost(req);
    if (!host.ok) return host;
    const origin = req.headers.origin;
    // `null` (a sandboxed frame, a file: page) and any other site are foreign; no Origin is a non-browser client.
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      return { ok: false, status: 403, error: `requests from another origin (${origin}) are refused: open the playground at ${[...origins][0] ?? ''}` };
    }
    return { ok: true };
  };

  return {
    token,
    listening(origin) {
      const url = new URL(origin);
      port = url.port;
      hosts = new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
      origins = new Set([...names].map((n) => `http://${n}:${port}`.toLowerCase()));
    },
    admit,
    admitEditor(req) {
      const base = admit(req);
      if (!base.ok) return base;
      const given = req.headers[DEV_TOKEN_HEADER];
      if (typeof given !== 'string' || !sameToken(given, token)) {
        return {
          ok: false,
          status: 403,
          error: `editing the policy needs the start token (the ${DEV_TOKEN_HEADER} header): open the playground from the link \`elevate dev\` printed`,
        };
      }
      return { ok: true };
    },
  };
}
