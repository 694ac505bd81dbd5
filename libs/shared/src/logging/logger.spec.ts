import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loggableUrl, requestLogger, serializeError } from './logger';

/** A failed INSERT as TypeORM reports it: the statement, its parameters, and pg's detail. */
function failedInsert(): Error {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "profiles_email_key"'), {
    code: '23505',
    detail: 'Key (email)=(new.user@example.com) already exists.',
  });
  return Object.assign(new Error(driverError.message), {
    name: 'QueryFailedError',
    query: 'INSERT INTO community.profiles (email, password_hash) VALUES ($1, $2)',
    parameters: ['new.user@example.com', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'],
    driverError,
  });
}

describe('serializeError', () => {
  it('logs a failed statement and its parameter count, never the parameters or the driver detail', () => {
    let written = '';
    const sink = new Writable({ write: (chunk, _encoding, done) => ((written += String(chunk)), done()) });
    pino({ serializers: { err: serializeError } }, sink).error({ err: failedInsert() }, 'query failed');
    const line = JSON.parse(written);
    expect(line.err).toMatchObject({ message: expect.stringMatching(/duplicate key/), code: '23505', query: expect.stringMatching(/^INSERT/), parameterCount: 2 });
    expect(written).not.toMatch(/new\.user@example\.com|argon2/);
  });

  it('passes through what is not an Error', () => {
    expect(serializeError('plain text')).toBe('plain text');
  });
});

describe('loggableUrl', () => {
  it('redacts the signature of a signed URL and keeps the rest', () => {
    expect(loggableUrl('/files/ast_01/thumbnail?expires=1796119200&signature=abc-DEF_123')).toBe('/files/ast_01/thumbnail?expires=1796119200&signature=[redacted]');
    expect(loggableUrl('/uploads/ast_01?signature=abc&expires=1')).toBe('/uploads/ast_01?signature=[redacted]&expires=1');
    expect(loggableUrl('/b/k?X-Amz-Expires=900&X-Amz-Signature=0f3a&x-id=PutObject')).toBe('/b/k?X-Amz-Expires=900&X-Amz-Signature=[redacted]&x-id=PutObject');
  });

  it('leaves URLs without a signature alone', () => {
    expect(loggableUrl('/graphql?designsignature=x')).toBe('/graphql?designsignature=x');
    expect(loggableUrl('/health')).toBe('/health');
  });
});

describe('requestLogger with info lines off', () => {
  const run = (statusCode: number, url: string, headers: Record<string, string> = {}) => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const req = Object.assign(new EventEmitter(), { headers, method: 'POST', url }) as unknown as IncomingMessage;
    const sent: Record<string, unknown> = {};
    const res = Object.assign(new EventEmitter(), { statusCode, setHeader: (name: string, value: unknown) => (sent[name] = value) }) as unknown as ServerResponse;
    let nextCalled = false;
    requestLogger(logger)(req, res, () => (nextCalled = true));
    res.emit('finish');
    res.emit('close');
    return { lines, sent, nextCalled };
  };

  it('writes one error line for a failed request, with its id, method, redacted URL and status, and nothing for the rest', () => {
    const failed = run(500, '/files/x?signature=secret', { 'x-request-id': 'req-1' });
    expect(failed.nextCalled).toBe(true);
    expect(failed.sent['X-Request-Id']).toBe('req-1');
    expect(failed.lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'request errored',
        req: { id: 'req-1', method: 'POST', url: '/files/x?signature=[redacted]' },
        res: { statusCode: 500 },
      }),
    ]);
    const fine = run(200, '/graphql', { 'x-request-id': 'not a token!' });
    expect(fine.lines).toEqual([]);
    expect(fine.sent['X-Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
