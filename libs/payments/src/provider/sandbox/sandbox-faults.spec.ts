import { SandboxFaultPlan } from './sandbox-faults';

describe('SandboxFaultPlan', () => {
  it('faults about the configured shares of calls', () => {
    const plan = new SandboxFaultPlan({ transient: 0.3, lost: 0.1, operations: null });
    const counts = { none: 0, transient: 0, lost: 0 };
    for (let i = 0; i < 10_000; i++) counts[plan.decide('transfer', `payout:${i}:transfer`)]++;
    expect(counts.transient / 10_000).toBeCloseTo(0.3, 1);
    expect(counts.lost / 10_000).toBeCloseTo(0.1, 1);
  });

  it('is deterministic: a fresh plan makes the same decisions for the same calls', () => {
    const calls = Array.from({ length: 200 }, (_, i) => [`op${i % 3}`, `key${i % 50}`] as const);
    const run = () => {
      const plan = new SandboxFaultPlan({ transient: 0.5, lost: 0.2, operations: null });
      return calls.map(([operation, key]) => plan.decide(operation, key));
    };
    expect(run()).toEqual(run());
  });

  it('draws again on a retry with the same key, so retries get through', () => {
    const plan = new SandboxFaultPlan({ transient: 0.5, lost: 0, operations: null });
    for (let key = 0; key < 100; key++) {
      let attempts = 1;
      while (plan.decide('chargeOffSession', `k${key}`) !== 'none') attempts++;
      expect(attempts).toBeLessThan(30);
    }
  });

  it('faults only the listed operations', () => {
    const plan = new SandboxFaultPlan({ transient: 1, lost: 0, operations: ['transfer'] });
    expect(plan.decide('transfer', 'a')).toBe('transient');
    expect(plan.decide('chargeOnSession', 'a')).toBe('none');
  });
});
