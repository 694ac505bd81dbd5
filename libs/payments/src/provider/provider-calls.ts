/**
 * Calling a provider from a request a user waits for: a transient failure (timeout, 5xx) is
 * retried a few times with the same idempotency key, which is safe by construction; what is
 * still failing after that surfaces as the ProviderError it is.
 *
 * Pure and Nest-free.
 */
import { ProviderError } from './payment-provider';

export async function retryTransient<T>(call: () => Promise<T>, delaysMs: readonly number[] = [100, 400]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient = error instanceof ProviderError && error.kind === 'transient';
      if (!transient || attempt >= delaysMs.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}
