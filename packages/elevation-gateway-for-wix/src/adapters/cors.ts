// Cross-origin calls, for the runtimes that do not handle them (self-hosted backends, the Astro-based
// CLI): an origin allow-list, default the same origin only. A listed origin gets its preflight and
// its replies granted to it by name, never `*`, never with credentials (the caller's token travels
// in `Authorization`, which a cross-site form cannot set; the gateway reads no cookie). A request
// from an origin that is not listed is refused before it reaches the gateway.
export interface CorsOptions {
  /** Origins allowed to call from a browser, exactly as browsers send them (`https://shop.example`). */
  origins?: readonly string[];
  /** How long a browser may cache a preflight, in seconds (default 600). */
  maxAgeSeconds?: number;
}

type Handler = (request: Request) => Promise<Response>;

// What a Wix client sends: its token, the JSON body, and the SDK's read-after-write consistency header.
const ALLOWED_HEADERS = ['authorization', 'content-type', 'x-wix-consistent'];

function sameOrigin(request: Request, origin: string): boolean {
  try {
    return new URL(request.url).origin === origin;
  } catch {
    return false;
  }
}

function refuse(message: string): Response {
  return new Response(message, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8', vary: 'Origin' } });
}

/** The handler behind the allow-list. */
export function withCors(handler: Handler, options: CorsOptions = {}): Handler {
  for (const origin of options.origins ?? []) {
    // As a browser sends it: lower-case scheme and host, no default port, nothing after the host.
    let normal: string | undefined;
    try {
      const url = new URL(origin);
      normal = /^https?:$/.test(url.protocol) ? url.origin : undefined;
    } catch {
      normal = undefined;
    }
    if (normal !== origin) {
      throw new TypeError(
        `cors: "${origin}" is not an origin as browsers send it (scheme://host[:port], lower case, no default port)${normal ? `: "${normal}"` : ''}; list every origin by name`,
      );
    }
  }
  const listed = new Set(options.origins ?? []);
  const maxAge = String(options.maxAgeSeconds ?? 600);
  return async (request) => {
    const origin = request.headers.get('origin');
    // No Origin (server-to-server, same-origin GETs) or the endpoint's own origin: not a CORS request.
    if (origin === null || sameOrigin(request, origin)) {
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow: 'POST, OPTIONS' } });
      return handler(request);
    }
    if (!listed.has(origin)) return refuse('This origin may not call the gateway.');
    const grant = { 'access-control-allow-origin': origin, vary: 'Origin' };
    if (request.method === 'OPTIONS') {
      const method = request.headers.get('access-control-request-method');
      const asked = (request.headers.get('access-control-request-headers') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      if (method !== 'POST' || asked.some((h) => !ALLOWED_HEADERS.includes(h)))
        return refuse('The gateway takes POST with Authorization and Content-Type only.');
      return new Response(null, {
        status: 204,
        headers: {
          ...grant,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': ALLOWED_HEADERS.join(', '),
          'access-control-max-age': maxAge,
        },
      });
    }
    const response = await handler(request);
    const headers = new Headers(response.headers);
    headers.set('access-control-allow-origin', origin);
    headers.append('vary', 'Origin');
    headers.set('access-control-expose-headers', 'x-request-id, retry-after');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
