/**
 * Graceful shutdown: a SIGTERM with 50 requests in flight. Each request has sent its headers (the
 * server answered `100 Continue`, which it does as it starts handling the request) and sends its
 * body only after the signal, so all 50 run their SQL while the api is stopping: before the drain,
 * the pool closed under them ("Connection terminated").
 */
import { print } from 'graphql';
import http from 'node:http';
import { ProfileByHandleDocument } from './documents/graphql';
import { subscribeToNotifications } from './support/community-fixtures';
import { signUp } from './support/fixtures';
import { eventually } from './support/payments-fixtures';
import { createTestApp } from './support/test-app';

interface Answer {
  status: number;
  connection?: string;
  body: { data?: { profile?: { id: string } | null } | null; errors?: { extensions: { code: string } }[] };
}

/** A POST whose headers are sent and accepted (100 Continue); `finish` sends the body and waits for the answer. */
function startRequest(port: number, body: string): Promise<{ finish(): Promise<Answer> }> {
  return new Promise((started, failed) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/graphql',
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    const answered = new Promise<Answer>((resolve, reject) => {
      request.on('response', (response) => {
        let data = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (data += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, connection: response.headers.connection, body: JSON.parse(data) }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
    });
    answered.catch(() => undefined);
    request.on('error', failed);
    request.on('continue', () => started({ finish: () => (request.end(body), answered) }));
    request.flushHeaders();
  });
}

describe('graceful shutdown', () => {
  it('on SIGTERM: /ready 503 at once, new work refused, all 50 requests in flight answered, sockets closed 1001, exit 0', async () => {
    const app = await createTestApp({ SHUTDOWN_DRAIN_SECONDS: '20', LOG_LEVEL: 'info' });
    try {
      const profile = await signUp(app);
      const subscription = await subscribeToNotifications(app, profile);
      const body = JSON.stringify({ query: print(ProfileByHandleDocument), variables: { h: profile.handle } });
      const port = Number(new URL(app.baseUrl).port);
      const inFlight = await Promise.all(Array.from({ length: 50 }, () => startRequest(port, body)));

      const signalled = Date.now();
      const exited = app.signal('SIGTERM');
      await eventually(async () => (await fetch(`${app.baseUrl}/ready`)).status === 503 || null, 10_000, '/ready to answer 503');
      // A request that starts now is refused before it does anything, in the error shape, to be sent elsewhere.
      const refused = await fetch(`${app.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('connection')).toBe('close');
      expect(((await refused.json()) as Answer['body']).errors![0].extensions.code).toBe('RATE_LIMITED');

      const answers = await Promise.all(inFlight.map((request) => request.finish()));
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      for (const answer of answers) {
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data!.profile!.id).toBe(profile.id);
        expect(answer.connection).toBe('close');
      }
      expect(await exited).toBe(0);
      console.log(`shutdown: 50 requests in flight drained, exit ${Date.now() - signalled} ms after SIGTERM`);
      await eventually(
        async () => subscription.errors.some((error) => (error as { code?: number }).code === 1001) || null,
        5_000,
        'the socket to be closed with 1001',
      );
      const output = app.output();
      expect(output).toMatch(/"drainedRequests":5\d/);
      expect(output).not.toMatch(/Connection terminated|ECONNRESET|"level":50|"level":60/);
      await subscription.close();
    } finally {
      await app.close();
    }
  });
});
