import type { DataSource } from 'typeorm';
import type { AppConfig } from '@foule/shared';
import type { PaymentProvider } from './payment-provider';
import { SandboxFaultPlan } from './sandbox/sandbox-faults';
import { SandboxPaymentProvider } from './sandbox/sandbox-provider';

/** Stripe when STRIPE_SECRET_KEY is set (STRIPE_API_URL points it at a local server in tests); the sandbox otherwise. */
export function createPaymentProvider(config: AppConfig, dataSource: DataSource): PaymentProvider {
  if (config.stripeSecretKey) {
    // Loaded only when Stripe is configured: its SDK is a measurable share of boot, and the sandbox needs none of it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StripePaymentProvider } = require('./stripe/stripe-provider') as typeof import('./stripe/stripe-provider');
    return new StripePaymentProvider({
      secretKey: config.stripeSecretKey,
      publishableKey: config.stripePublishableKey ?? null,
      apiUrl: config.stripeApiUrl,
    });
  }
  return new SandboxPaymentProvider(dataSource, config.sandboxFaults ? new SandboxFaultPlan(config.sandboxFaults) : null);
}
