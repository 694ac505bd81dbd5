import { addOnProblems, pledgeAddOnProblems, pledgeAmountProblems } from './campaign-rules';

const limits = { oneMajorUnit: 100, maxCharge: 99_999_999 };
const offered = new Map([
  ['ado_any', { id: 'ado_any', price: 500, maxPerPledge: 3, tierIds: [] }],
  ['ado_tied', { id: 'ado_tied', price: 700, maxPerPledge: 1, tierIds: ['tir_a'] }],
]);

describe('add-on rules', () => {
  it('adds up the price of every unit offered with the tier', () => {
    expect(pledgeAddOnProblems([{ addOnId: 'ado_any', quantity: 3 }, { addOnId: 'ado_tied', quantity: 1 }], offered, 'tir_a')).toEqual({ problems: [], total: 2200 });
  });

  it.each([
    [[{ addOnId: 'ado_other', quantity: 1 }], 'tir_a', 'addOns.0.addOnId'],
    [[{ addOnId: 'ado_tied', quantity: 1 }], 'tir_b', 'addOns.0.addOnId'],
    [[{ addOnId: 'ado_tied', quantity: 1 }], null, 'addOns.0.addOnId'],
    [[{ addOnId: 'ado_any', quantity: 4 }], null, 'addOns.0.quantity'],
    [[{ addOnId: 'ado_any', quantity: 0 }], null, 'addOns.0.quantity'],
    [[{ addOnId: 'ado_any', quantity: 1 }, { addOnId: 'ado_any', quantity: 1 }], null, 'addOns.1.addOnId'],
  ])('refuses %j on tier %s at %s', (lines, tierId, path) => {
    expect(pledgeAddOnProblems(lines, offered, tierId).problems.map((problem) => problem.path)).toEqual([path]);
  });

  it('names the shortfall of an amount below the tier minimum plus the add-ons', () => {
    expect(pledgeAmountProblems(2500, 1000, limits, 'amount', 2000)[0].message).toMatch(/1000 plus 2000 for the add-ons, 3000 minor units: it falls short by 500/);
    expect(pledgeAmountProblems(3000, 1000, limits, 'amount', 2000)).toEqual([]);
    expect(pledgeAmountProblems(400, null, limits, 'amount', 500)[0].message).toMatch(/cover 500 for the add-ons, 500 minor units: it falls short by 100/);
  });

  it('checks the terms, and a limit not below the units held', () => {
    expect(addOnProblems({ price: 500, limit: null, maxPerPledge: 10 }, limits)).toEqual([]);
    expect(addOnProblems({ price: 0, limit: 0, maxPerPledge: 101 }, limits).map((problem) => problem.path)).toEqual(['price', 'limit', 'maxPerPledge']);
    expect(addOnProblems({ price: 500, limit: 4, maxPerPledge: 1 }, limits, 5).map((problem) => problem.path)).toEqual(['limit']);
  });
});
