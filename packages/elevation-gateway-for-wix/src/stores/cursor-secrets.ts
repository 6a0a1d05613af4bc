// Where the gateway's cursor-signing key comes from when every isolate of an app must share it:
// Wix's Secrets Manager (Wix-hosted backends) or the environment (self-hosted ones). Both are
// `CursorSecretProvider`s: the gateway asks again every CURSOR_SECRET_REFRESH_MS, so a rotation
// (a new `current`, the old key kept as `previous` for one cursor lifetime) shows without a restart.
//
// Both fail closed: an unset or empty current key rejects, and the gateway then neither hands out
// nor accepts cursors (its signer answers 500 and reads again on the next request); it never signs
// with an empty key. A previous key that is not there is simply no previous key.
//
// `@wix/secrets` is loaded only when `wixSecretsCursorSecret` reads through its default, so an app
// that does not use it need not install it.
import { auth } from '@wix/essentials';
import type { CursorSecret, CursorSecretProvider } from '../gateway/obligations/signed-cursor.ts';

/** The shortest key the gateway's signer accepts. */
const MIN_SECRET_LENGTH = 16;

/** A secret's name as the Secrets Manager path carries it (the SDK inserts it into the URL unencoded). */
const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface WixSecretsCursorSecretOptions {
  /** The name of the secret holding the current key, e.g. `elevate-cursor-key`. */
  current: string;
  /** The name of the secret holding the key it replaced, during a rotation. */
  previous?: string;
  /**
   * Reads a secret's value by name (default: `secrets.getSecretValue` from `@wix/secrets`, run as
   * the app through `auth.elevate` from `@wix/essentials`, for Wix-hosted backends). A self-hosted
   * app passes its own, e.g. `async (name) => (await appClient.secrets.getSecretValue(name)).value`
   * with a client built on `AppStrategy`. Resolving `undefined` or `''`, or rejecting with a 404,
   * means the secret does not exist.
   */
  getSecretValue?: (name: string) => Promise<string | undefined>;
}

export const WIX_SECRETS_MISSING =
  'wixSecretsCursorSecret: @wix/secrets is not installed. Run `npm i @wix/secrets`, or pass getSecretValue to read the secret another way';

/** `@wix/secrets`' `getSecretValue`, elevated: the Secrets Manager answers the app only. */
async function wixSecretValue(name: string): Promise<string | undefined> {
  let secrets: (typeof import('@wix/secrets'))['secrets'];
  try {
    ({ secrets } = await import('@wix/secrets'));
  } catch (cause) {
    throw new Error(WIX_SECRETS_MISSING, { cause });
  }
  const { value } = await auth.elevate(secrets.getSecretValue)(name);
  return value;
}

const isNotFound = (error: unknown) => typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404;

function checkName(option: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    throw new TypeError(`wixSecretsCursorSecret: ${option} must be a secret's name (letters, digits, '_', '-', '.'), got ${JSON.stringify(name)}`);
  }
}

function checkKey(source: string, value: string): string {
  if (value.length < MIN_SECRET_LENGTH) throw new Error(`${source} is shorter than ${MIN_SECRET_LENGTH} characters: it cannot sign cursors`);
  return value;
}

/**
 * The cursor key from Wix's Secrets Manager: the secret named `current`, and during a rotation the
 * one named `previous` (its cursors still continue, it signs nothing). Rejects when the current
 * secret is missing, empty or too short, or cannot be read.
 */
export function wixSecretsCursorSecret(options: WixSecretsCursorSecretOptions): CursorSecretProvider {
  checkName('current', options.current);
  if (options.previous !== undefined) checkName('previous', options.previous);
  const { current, previous } = options;
  const read = options.getSecretValue ?? wixSecretValue;

  const currentKey = async (): Promise<string> => {
    let value: unknown;
    try {
      value = await read(current);
    } catch (error) {
      if (isNotFound(error)) throw new Error(`the secret ${current} (the current cursor key) does not exist`, { cause: error });
      throw error;
    }
    if (typeof value !== 'string' || value === '') throw new Error(`the secret ${current} (the current cursor key) is missing or empty`);
    return checkKey(`the secret ${current}`, value);
  };
  const previousKey = async (name: string): Promise<string | undefined> => {
    let value: unknown;
    try {
      value = await read(name);
    } catch (error) {
      // Not there: no previous key. Anything else (Wix down, no permission) is not "no key": the
      // read fails, and is tried again on the next request, rather than cutting off cursors for a
      // whole refresh period.
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`the secret ${name} (the previous cursor key) is not a string`);
    return checkKey(`the secret ${name}`, value);
  };

  return async (): Promise<CursorSecret> => {
    const [key, old] = await Promise.all([currentKey(), previous === undefined ? undefined : previousKey(previous)]);
    return old === undefined || old === key ? { current: key } : { current: key, previous: old };
  };
}

export interface EnvironmentCursorSecretNames {
  /** The variable holding the current key (default `ELEVATE_CURSOR_SECRET`). */
  current?: string;
  /** The variable holding the key it replaced (default: the current one's name + `_PREVIOUS`). */
  previous?: string;
}

/**
 * The cursor key from environment variables, for self-hosted backends: `ELEVATE_CURSOR_SECRET`
 * and, during a rotation, `ELEVATE_CURSOR_SECRET_PREVIOUS`. Read on every call (so a platform that
 * updates the environment rotates without a restart); an unset, empty or too short current key
 * rejects. `env` defaults to `process.env`, looked up when read.
 */
export function environmentCursorSecret(names: EnvironmentCursorSecretNames = {}, env?: Record<string, string | undefined>): CursorSecretProvider {
  const current = names.current ?? 'ELEVATE_CURSOR_SECRET';
  const previous = names.previous ?? `${current}_PREVIOUS`;
  for (const [option, name] of [
    ['current', current],
    ['previous', previous],
  ] as const) {
    if (typeof name !== 'string' || name === '') throw new TypeError(`environmentCursorSecret: ${option} must be a variable's name`);
  }
  return async (): Promise<CursorSecret> => {
    const vars = env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    if (!vars) throw new Error('environmentCursorSecret: there is no process.env here: pass the environment');
    const key = vars[current];
    if (typeof key !== 'string' || key === '') throw new Error(`environmentCursorSecret: ${current} is not set`);
    checkKey(current, key);
    const old = vars[previous];
    if (typeof old !== 'string' || old === '' || old === key) return { current: key };
    return { current: key, previous: checkKey(previous, old) };
  };
}
