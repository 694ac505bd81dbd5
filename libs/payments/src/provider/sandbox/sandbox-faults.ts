/**
 * The sandbox's fault mode (SANDBOX_FAULTS, tests and development only): a share of calls
 * fails with a transient error before taking effect (a 500), or takes effect and then fails
 * as if the response were lost (a timeout). Decisions are deterministic: a hash of the
 * operation, the idempotency key and how many times this process has seen that pair, so a
 * run can be replayed, and a retry with the same key gets a fresh draw.
 *
 * Pure and Nest-free.
 */
import { createHash } from 'node:crypto';
import type { SandboxFaults } from '@foule/shared';

export type FaultDecision = 'none' | 'transient' | 'lost';

const MAX_TRACKED_KEYS = 10_000;

export class SandboxFaultPlan {
  private readonly attempts = new Map<string, number>();

  constructor(private readonly faults: SandboxFaults) {}

  /** Whether this call fails, and how. Counts the call. */
  decide(operation: string, idempotencyKey: string): FaultDecision {
    if (this.faults.operations && !this.faults.operations.includes(operation)) return 'none';
    const key = `${operation}\u0000${idempotencyKey}`;
    const attempt = this.attempts.get(key) ?? 0;
    // Bounded memory for long-running development servers; forgetting only re-draws.
    if (this.attempts.size >= MAX_TRACKED_KEYS) this.attempts.clear();
    this.attempts.set(key, attempt + 1);
    const draw = createHash('sha256').update(`${key}\u0000${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
    if (draw < this.faults.transient) return 'transient';
    if (draw < this.faults.transient + this.faults.lost) return 'lost';
    return 'none';
  }
}
