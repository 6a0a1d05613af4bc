// Raw requests to the emulated Wix, as the SDK would send them (for the emulator's own tests).
import { WIX_API_HOST } from '../emulator/wix-emulator.ts';

const BASE = `https://${WIX_API_HOST}`;

/** A JSON POST to `path`, with `token` as the raw Authorization header when given. */
export function post(path: string, body: unknown, token?: string): Request {
  return new Request(BASE + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });
}

/** A GET of `path`, with `token` as the raw Authorization header when given. */
export function get(path: string, token?: string): Request {
  return new Request(BASE + path, { headers: token ? { authorization: token } : {} });
}
