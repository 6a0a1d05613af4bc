// What an id the SDK puts into a URL path may be: letters, digits, "-", "_" and ".", starting with a
// letter or digit, at most 200 characters. `..`, `/`, `?`, `#`, `%` or a space would send an
// elevated request to another Wix path (the SDK inserts path arguments unencoded); a dot inside an
// id (`custom.vip`, a CRM label's key) is no path step, since only a whole `.` or `..` segment is.
export const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** How errors describe a plain id. */
export const PLAIN_ID_WORDS = 'letters, digits, "-", "_" and ".", starting with a letter or digit';
