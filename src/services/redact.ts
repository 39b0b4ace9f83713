/**
 * Credentials never reach output or logs: every URL hwsweep prints goes through these. User, host, port and
 * database stay visible (they say where the service is); passwords become `***`.
 */

const USERINFO_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*:)[^\s@]*@/gi;
const QUERY_PASSWORD = /([?&](?:password|sslpassword)=)[^&\s#]*/gi;

/** Masks the passwords of every `scheme://user:password@host` and `?password=…` in `text` (URLs or messages quoting them). */
export function redactSecrets(text: string): string {
  return text.replace(USERINFO_PASSWORD, '$1***@').replace(QUERY_PASSWORD, '$1***');
}

/** A connection URL fit to print: `postgresql://hwsweep:***@db.internal:5432/hwsweep`. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
