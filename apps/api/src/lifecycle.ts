/**
 * Graceful shutdown of the api (SIGTERM, SIGINT). From the signal on:
 * - `/ready` answers 503, so a load balancer stops sending;
 * - every request that started before the signal runs to its end (its response closes the
 *   connection), up to SHUTDOWN_DRAIN_SECONDS; a request that starts after it (on a connection that
 *   was already open, or a new one while the listener still serves `/ready`) is refused with 503,
 *   `Retry-After: 1` and `Connection: close`, before it does any work, so a proxy can send it elsewhere;
 * - a new socket or a new subscription is refused; open sockets are closed with 1001 (going away)
 *   once the requests are done, so their clients reconnect to another instance;
 * - running jobs reach a safe point (pg-boss stops fetching and waits for its handlers);
 * then Nest closes the pools, Redis and the SMTP transport, and the embedded PostgreSQL stops.
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { Request, Response, NextFunction } from 'express';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { JobScheduler, sendHttpError } from '@foule/shared';

/** What graphql-ws hands us of a socket: enough to close it. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

/** WebSocket close code 1001: the server is going away (clients reconnect elsewhere). */
export const GOING_AWAY = 1001;
/** WebSocket close code 1013: try again later (a socket opened while the server drains). */
export const TRY_AGAIN_LATER = 1013;
const SHUTTING_DOWN = 'The server is shutting down: send the request again';

export class Lifecycle {
  /** True from the first signal on. */
  draining = false;
  private readonly inFlight = new Set<Response>();
  private readonly idleWaiters: (() => void)[] = [];
  readonly sockets = new Set<ClosableSocket>();

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /** The first middleware of the api: counts requests, and refuses those that start while draining. */
  middleware() {
    return (request: Request, response: Response, next: NextFunction) => {
      if (this.draining) {
        response.setHeader('Connection', 'close');
        // Probes still get their answer: /ready says 503 (the health controller), /health 200.
        if (request.path !== '/ready' && request.path !== '/health') {
          sendHttpError(response, 503, 'RATE_LIMITED', SHUTTING_DOWN, { retryAfterSeconds: 1 });
          return;
        }
      }
      this.inFlight.add(response);
      response.once('close', () => {
        this.inFlight.delete(response);
        if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
      next();
    };
  }

  /** Starts draining: probes fail, new work is refused, the answers of work in flight close their connections. */
  startDraining(): void {
    this.draining = true;
    for (const response of this.inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
  }

  /** Resolves when no request is in flight, or after `timeoutMs` with how many still are. */
  async requestsDone(timeoutMs: number): Promise<number> {
    if (this.inFlight.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    return this.inFlight.size;
  }

  closeSockets(): void {
    for (const socket of this.sockets) socket.close(GOING_AWAY, 'The server is shutting down: reconnect');
    this.sockets.clear();
  }
}

/** One per process: the api has one HTTP server. */
export const lifecycle = new Lifecycle();

/**
 * Drains `server` (see the file's header) and stops the jobs, then closes the app; at most
 * `drainSeconds` for the requests, as long again at most for the jobs.
 */
export async function drainAndClose(
  app: INestApplicationContext,
  server: Server | undefined,
  drainSeconds: number,
  logger: Logger,
): Promise<void> {
  const started = Date.now();
  const drainMs = drainSeconds * 1000;
  lifecycle.startDraining();
  const jobs = app.get(JobScheduler, { strict: false });
  // Jobs stop fetching now and finish what they run, while the requests finish.
  const jobsStopped = jobs.stop(drainMs).catch((error: Error) => logger.warn({ err: error }, 'jobs did not stop cleanly'));
  const inFlight = lifecycle.requestsInFlight;
  const left = await lifecycle.requestsDone(drainMs);
  if (left > 0) logger.warn({ left }, `${left} request(s) still in flight after ${drainSeconds} s: their connections are closed`);
  lifecycle.closeSockets();
  if (server) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    // A WebSocket ends when its client answers the close (at once, normally): bounded all the same.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
  }
  await jobsStopped;
  logger.info({ drainedRequests: inFlight, ms: Date.now() - started }, 'requests and jobs drained; closing the pools');
  await app.close();
}
