/**
 * Logs are pino JSON lines on stdout. Nest's own logger calls are routed to the same pino
 * instance, and each HTTP request gets a request id (from X-Request-Id or a new one).
 */
import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import pinoHttp from 'pino-http';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'foule' }, timestamp: pino.stdTimeFunctions.isoTime, serializers: { err: serializeError } });
}

/**
 * What a logged error shows: its kind, message and stack, and for a failed SQL statement the
 * statement and its parameter count. Never the parameters themselves nor the driver's
 * `detail` ("Key (email)=(...)"), which hold users' data: a new user's email and password hash.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const sql = error as Error & { query?: unknown; parameters?: unknown; code?: unknown; driverError?: { code?: unknown } };
  return {
    type: error.constructor.name,
    message: error.message,
    stack: error.stack,
    ...(typeof sql.code === 'string' ? { code: sql.code } : {}),
    ...(typeof sql.driverError?.code === 'string' ? { code: sql.driverError.code } : {}),
    ...(typeof sql.query === 'string' ? { query: sql.query.slice(0, 500) } : {}),
    ...(Array.isArray(sql.parameters) ? { parameterCount: sql.parameters.length } : {}),
    ...(error.cause !== undefined ? { cause: serializeError(error.cause) } : {}),
  };
}

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/**
 * A request's URL as it may be logged: the signatures of signed URLs (file uploads and
 * downloads, S3's `X-Amz-Signature`) open the file to anyone holding them until they expire.
 */
export function loggableUrl(url: string): string {
  return url.replace(/([?&](?:signature|x-amz-signature)=)[^&#]*/gi, '$1[redacted]');
}

/** The request's id: the client's X-Request-Id when it is a plain token, else a new one; echoed in the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

const isProbe = (req: IncomingMessage) => req.url === '/health' || req.url === '/ready';

export function requestLogger(logger: Logger) {
  // When info lines are off (LOG_LEVEL warn or error, as in production load), only failed
  // requests are ever written: pino-http would still make two child loggers per request and
  // serialize the request into their bindings for lines nobody sees (about 2% of a pledge
  // request's CPU). The same error line (level, req, res, err, responseTime, message) without them.
  if (!logger.isLevelEnabled('info')) return failedRequestLogger(logger);
  return pinoHttp({
    logger: logger as unknown as pino.Logger<'info' | 'error'>,
    genReqId: requestId,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: loggableUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: isProbe },
  });
}

/** requestLogger when only errors are logged: the request id, and a line for each failed request. */
function failedRequestLogger(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const id = requestId(req, res);
    const started = Date.now();
    const finished = (error?: Error) => {
      res.off('close', finished).off('finish', finished).off('error', finished);
      if (!error && res.statusCode < 500) return;
      logger.error(
        {
          req: { id, method: req.method, url: loggableUrl(req.url ?? '') },
          res: { statusCode: res.statusCode },
          err: error ?? new Error(`failed with status code ${res.statusCode}`),
          responseTime: Date.now() - started,
        },
        'request errored',
      );
    };
    if (!isProbe(req)) res.on('close', finished).on('finish', finished);
    res.on('error', finished);
    next();
  };
}
