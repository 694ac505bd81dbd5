import { chargeDescription, failureReason } from './pledge-rules';

describe('pledge rules', () => {
  it('keeps the provider message and its decline code in the failure reason', () => {
    const reason = failureReason('Your card was declined.', 'insufficient_funds');
    expect(reason.startsWith('Your card was declined.')).toBe(true);
    expect(reason).toContain('(insufficient_funds)');
  });

  it('names the campaign by title and id in the charge description', () => {
    const description = chargeDescription({ id: 'cmp_1', title: 'A "quiet" lamp' });
    expect(description).toContain('"A "quiet" lamp"');
    expect(description).toContain('(cmp_1)');
  });
});
