// Arguments the SDK inserts unencoded into the URL path must be plain ids: `..`, `/`, `?` or `#`
// would send an elevated request to another Wix path.
import type { MethodInfo } from '../../sdk/method-info.ts';
import { readPath, MISSING } from '../../conditions/path.ts';
import { invalid } from '../errors.ts';

export const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;

export function checkPathArguments(info: MethodInfo, args: unknown[]): void {
  for (const path of info.pathArgs) {
    const value = readPath(args, path);
    if (value === MISSING) throw invalid(`args.${path} is required: ${info.call} addresses one object by id`);
    if (typeof value !== 'string' || !PLAIN_ID.test(value)) {
      throw invalid(`args.${path} must be a plain id (letters, digits, "-" and "_"): the SDK puts it into the URL path`);
    }
  }
}
