/**
 * Stripe's test PaymentMethod ids and what each does, per ../shared/api/RUNTIME.md
 * ("Sandbox payments"). The sandbox provider behaves this way, and so does the local Stripe
 * server the Stripe adapter is tested against. Any other id is an invalid payment method.
 */

export interface CardBehaviour {
  brand: string;
  last4: string;
  /** Saving the card for later (SetupIntent): null = succeeds, otherwise the decline code. */
  onSave: null | string;
  /** Charging it: null = succeeds, otherwise the decline code. */
  onCharge: null | string;
  /** Off-session charges need the customer back on-session (3-D Secure). */
  offSessionNeedsAuthentication?: boolean;
}

export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', onSave: null, onCharge: null },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', onSave: null, onCharge: null },
  pm_card_chargeCustomerFail: { brand: 'visa', last4: '0341', onSave: null, onCharge: 'card_declined' },
  pm_card_authenticationRequired: {
    brand: 'visa',
    last4: '3155',
    onSave: null,
    onCharge: null,
    offSessionNeedsAuthentication: true,
  },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', onSave: 'card_declined', onCharge: 'card_declined' },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    onSave: 'insufficient_funds',
    onCharge: 'insufficient_funds',
  },
  pm_card_chargeDeclinedExpiredCard: { brand: 'visa', last4: '0069', onSave: 'expired_card', onCharge: 'expired_card' },
};

export const DECLINE_MESSAGES: Readonly<Record<string, string>> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  authentication_required: 'Your card was declined. This transaction requires authentication.',
};

export function testCard(paymentMethodId: string): CardBehaviour | undefined {
  return Object.prototype.hasOwnProperty.call(TEST_CARDS, paymentMethodId) ? TEST_CARDS[paymentMethodId] : undefined;
}

/** What a charge of this card does on- or off-session: null when it succeeds, else the decline code. */
export function chargeOutcome(card: CardBehaviour, offSession: boolean): string | null {
  if (card.onCharge) return card.onCharge;
  if (offSession && card.offSessionNeedsAuthentication) return 'authentication_required';
  return null;
}
