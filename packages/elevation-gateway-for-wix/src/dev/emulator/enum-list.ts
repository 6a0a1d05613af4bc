// Parses a list argument of enum strings (`fieldsets`, `fields`), as a repeated query parameter or a JSON array.
import { WixHttpError } from './errors.ts';

/**
 * A list argument of enum strings (`fieldsets`, `fields`): one string or an array of them from the query string or a
 * body; an unknown value or more than `maxSize` entries is a 400 on `field`.
 */
export function parseEnumList(raw: unknown, field: string, allowed: readonly string[], maxSize: number): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v) => typeof v === 'string')) throw WixHttpError.validation(field, 'must be a list of strings', 'TYPE');
  if (list.length > maxSize) throw WixHttpError.validation(field, `must have at most ${maxSize} entries`, 'MAX_SIZE', { threshold: maxSize });
  const bad = (list as string[]).find((v) => !allowed.includes(v));
  if (bad !== undefined) throw WixHttpError.validation(field, `has an unknown value ${bad} (one of ${allowed.join(', ')})`, 'ENUM');
  return list as string[];
}
