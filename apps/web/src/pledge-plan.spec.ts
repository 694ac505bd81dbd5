import { overTimeAllowed, takesPledges } from './pledge-plan';

describe('pledge plans and late pledges on the campaign page', () => {
  it('offers pledge over time only where the campaign does, from its minimum', () => {
    const offer = { pledgeOverTime: true, pledgeOverTimeMinimum: { amount: 10_000 } };
    expect(overTimeAllowed(offer, 9_999)).toBe(false);
    expect(overTimeAllowed(offer, 10_000)).toBe(true);
    expect(overTimeAllowed(offer, null)).toBe(false);
    expect(overTimeAllowed({ pledgeOverTime: false, pledgeOverTimeMinimum: { amount: 0 } }, 50_000)).toBe(false);
    expect(overTimeAllowed({ pledgeOverTime: true, pledgeOverTimeMinimum: null }, 1)).toBe(true);
  });

  it('takes pledges while live, late ones after a successful end until the date', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(takesPledges({ status: 'LIVE' }, now)).toBe('LIVE');
    expect(takesPledges({ status: 'SUCCESSFUL', latePledgesUntil: '2026-12-02T00:00:00Z' }, now)).toBe('LATE');
    expect(takesPledges({ status: 'SUCCESSFUL', latePledgesUntil: '2026-12-01T11:59:59Z' }, now)).toBeNull();
    expect(takesPledges({ status: 'SUCCESSFUL', latePledgesUntil: null }, now)).toBeNull();
    expect(takesPledges({ status: 'FAILED', latePledgesUntil: '2026-12-02T00:00:00Z' }, now)).toBeNull();
  });
});
