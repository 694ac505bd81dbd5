/**
 * @foule/payments/testing: test support that other test suites may use. Outside src/, so the
 * product build (dist/) never contains it; `npm run deps` fails if product code imports it.
 */
export { parseStripeForm, startLocalStripeServer, type LocalStripeServer } from './local-stripe-server';
export {
  stripeEventSample,
  stripeSample,
  type StripeEventPayload,
  type StripeResource,
  type StripeSamples,
} from './stripe-samples';
