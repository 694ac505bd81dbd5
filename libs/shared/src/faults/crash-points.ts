import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const AFTER_PROVIDER = 'crash-after-provider:';
const BEFORE = 'crash-before:';

/**
 * Crash tests (FOULE_FAULT, honoured only when NODE_ENV=test): at an armed point the process
 * kills itself right after a provider call returned and before we record its result, the
 * worst moment for a crash. Recovery must come from the provider's idempotency, not from
 * calling it again with new parameters. Points in use: `payout.transfer` (payments; or one kind of
 * payout: `payout.transfer.funds`, `payout.transfer.prize`, `payout.transfer.royalty`),
 * `pledge.charge` (funding settlement), `pledge.increment.charge` (a later payment of a pledge over time). `crash-before:<point>` kills it just before a step:
 * `notifications.delivery` (the outbox relay, after the fact committed and before anyone is told).
 */
@Injectable()
export class CrashPoints {
  private readonly logger = new Logger('CrashPoints');
  private readonly armed: ReadonlySet<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.armed = new Set(config.nodeEnv === 'test' ? config.faultPoints : []);
  }

  afterProviderCall(point: string): void {
    if (this.armed.has(AFTER_PROVIDER + point)) this.kill(`after the provider call at ${point}`);
  }

  before(point: string): void {
    if (this.armed.has(BEFORE + point)) this.kill(`before ${point}`);
  }

  private kill(where: string): void {
    this.logger.warn(`FOULE_FAULT: killing the process ${where}`);
    process.kill(process.pid, 'SIGKILL');
    // SIGKILL is delivered asynchronously: block until it lands, so nothing after it runs.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
}
