import { describe, expect, it } from 'vitest';
import { reportError } from '../../../src/cli/errors.js';
import { HwsweepError } from '../../../src/errors.js';
import { redactSecrets, redactUrl } from '../../../src/services/redact.js';

describe('redact', () => {
  it('masks the password of a connection URL and keeps user, host, port and database', () => {
    expect(redactUrl('postgresql://hwsweep:s3cr%40t@db.internal:5432/hwsweep')).toBe('postgresql://hwsweep:***@db.internal:5432/hwsweep');
    expect(redactUrl('postgres://u:p/a?ss@h/db?sslmode=require')).toBe('postgres://u:***@h/db?sslmode=require');
    expect(redactUrl('postgresql://db.internal/hwsweep?user=u&password=hunter2&sslmode=require')).toBe(
      'postgresql://db.internal/hwsweep?user=u&password=***&sslmode=require',
    );
    expect(redactUrl('postgresql://postgres@127.0.0.1:25432/hwsweep')).toBe('postgresql://postgres@127.0.0.1:25432/hwsweep');
  });

  it('masks every URL inside a longer message', () => {
    const m = 'connect failed: postgresql://a:one@h1/db and postgresql://b:two@h2/db (see https://x:y@example.org/)';
    const r = redactSecrets(m);
    for (const secret of ['one', 'two', ':y@']) expect(r).not.toContain(secret);
    expect(r).toBe('connect failed: postgresql://a:***@h1/db and postgresql://b:***@h2/db (see https://x:***@example.org/)');
  });

  it('the CLI error printer masks credentials in messages, context and hints', () => {
    let out = '';
    const err = new HwsweepError('SERVICE_UNAVAILABLE', 'cannot reach postgresql://u:hunter2@db/x', {
      context: { url: 'postgresql://u:hunter2@db/x' },
      hint: 'check postgresql://u:hunter2@db/x',
    });
    reportError(err, false, (s) => (out += s));
    expect(out).not.toContain('hunter2');
    expect(out).toContain('postgresql://u:***@db/x');
    out = '';
    reportError(new Error('plain postgresql://u:hunter2@db/x'), true, (s) => (out += s));
    expect(out).not.toContain('hunter2');
  });
});
