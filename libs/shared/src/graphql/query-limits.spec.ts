import { parse } from 'graphql';
import { measureDocument } from './query-limits';

describe('measureDocument', () => {
  it('measures depth through fragments and counts aliases', () => {
    const document = parse(`
      query Q { me { ...P a: stats { campaignsBacked } } }
      fragment P on Profile { stats { prizeMoneyWon { currency } } }
    `);
    expect(measureDocument(document, 'Q')).toEqual({ depth: 4, aliases: 1 });
  });

  it('does not loop on self-referencing fragments', () => {
    const document = parse(`{ me { ...A } } fragment A on Profile { id ...A }`);
    expect(measureDocument(document).depth).toBe(2);
  });
});
