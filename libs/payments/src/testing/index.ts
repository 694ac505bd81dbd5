/** @foule/payments/testing: test support that other test suites may use (never imported by product code). */
export { startLocalStripeServer, type LocalStripeServer } from '../provider/stripe/testing/local-stripe-server';
