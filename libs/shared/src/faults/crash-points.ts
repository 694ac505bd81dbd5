import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const PREFIX = 'crash-after-provider:';

/**
 * Crash tests (FOULE_FAULT, honoured only when NODE_ENV=test): at an armed point the process
 * kills itself right after a provider call returned and before we record its result, the
 * worst moment for a crash. Recovery must come from the provider's idempotency, not from
 * calling it again with new parameters. Points in use: `payout.transfer` (payments),
 * `pledge.charge` (funding settlement).
 */
@Injectable()
export class CrashPoints {
  private readonly logger = new Logger('CrashPoints');
  private readonly armed: ReadonlySet<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const points = config.nodeEnv === 'test' ? config.faultPoints : [];
    this.armed = new Set(points.filter((point) => point.startsWith(PREFIX)).map((point) => point.slice(PREFIX.length)));
  }

  afterProviderCall(point: string): void {
    if (!this.armed.has(point)) return;
    this.logger.warn(`FOULE_FAULT: killing the process after the provider call at ${point}`);
    process.kill(process.pid, 'SIGKILL');
    // SIGKILL is delivered asynchronously: block until it lands, so nothing after it runs.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
}
