import { ProviderError } from './payment-provider';
import { retryTransient } from './provider-calls';

describe('retryTransient', () => {
  it('retries transient failures with the same call, then answers', async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 3) throw new ProviderError('transient', 'timeout');
      return 'ok';
    }, [1, 1]);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the last delay with the transient error', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new ProviderError('transient', 'still down');
      }, [1, 1]),
    ).rejects.toMatchObject({ kind: 'transient' });
    expect(calls).toBe(3);
  });

  it('never retries what is not transient', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new ProviderError('invalid_request', 'no such card', 'paymentMethodId');
      }, [1, 1]),
    ).rejects.toMatchObject({ kind: 'invalid_request' });
    expect(calls).toBe(1);
  });
});
