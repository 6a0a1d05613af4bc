// Arguments that address the call's object. Those the SDK inserts unencoded into the URL path must be
// plain ids (contract/plain-id.ts): `..`, `/`, `?` or `#` would send an elevated request to another Wix path. Those it sends
// in the query string or the body (Wix Data's item ids) must be present and strings: a preload
// loads the object they name, and the write goes to the very same one.
import type { MethodInfo } from '../../sdk/method-info.ts';
import { readPath, MISSING } from '../../conditions/path.ts';
import { invalid } from '../errors.ts';
import { PLAIN_ID, PLAIN_ID_WORDS } from '../../contract/plain-id.ts';

const ID_MAX_LENGTH = 200;

export function checkPathArguments(info: MethodInfo, args: unknown[]): void {
  for (const path of info.pathArgs) {
    const value = readPath(args, path);
    if (value === MISSING) throw invalid(`args.${path} is required: ${info.call} addresses one object by id`);
    if (typeof value !== 'string' || !PLAIN_ID.test(value)) {
      throw invalid(`args.${path} must be a plain id (${PLAIN_ID_WORDS}): the SDK puts it into the URL path`);
    }
  }
  for (const path of info.targetArgs) {
    if (info.pathArgs.includes(path)) continue;
    const value = readPath(args, path);
    const what = info.scope && path === String(info.scope.arg) ? `the ${info.scope.noun}` : 'the object it addresses';
    if (value === MISSING) throw invalid(`args.${path} is required: it names ${what}`);
    if (typeof value !== 'string' || value.length === 0 || value.length > ID_MAX_LENGTH) {
      throw invalid(`args.${path} must be a non-empty string of at most ${ID_MAX_LENGTH} characters: it names ${what}`);
    }
  }
}
