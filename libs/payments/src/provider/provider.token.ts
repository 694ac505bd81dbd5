/** Injection token of the PaymentProvider the app runs with (Stripe, or the sandbox). */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
