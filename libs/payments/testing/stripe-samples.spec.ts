/**
 * The repository keeps its own copy of Stripe's samples so a clone tests on its own; the team's
 * reference copy sits beside the repository (../shared/stripe/fixtures.json). They must agree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SHARED_STRIPE_FIXTURES_PATH, STRIPE_FIXTURES_PATH } from './stripe-samples';

const reference = existsSync(SHARED_STRIPE_FIXTURES_PATH);

describe("the repository's copy of Stripe's samples", () => {
  (reference ? it : it.skip)('equals the reference copy beside the repository', () => {
    expect(JSON.parse(readFileSync(STRIPE_FIXTURES_PATH, 'utf8'))).toEqual(JSON.parse(readFileSync(SHARED_STRIPE_FIXTURES_PATH, 'utf8')));
  });

  it('holds a sample of every resource the fake answers with', () => {
    const { resources } = JSON.parse(readFileSync(STRIPE_FIXTURES_PATH, 'utf8')) as { resources: Record<string, object> };
    for (const resource of ['payment_intent', 'setup_intent', 'customer', 'refund', 'transfer', 'account', 'event']) {
      expect({ resource, present: resource in resources }).toEqual({ resource, present: true });
    }
  });
});
