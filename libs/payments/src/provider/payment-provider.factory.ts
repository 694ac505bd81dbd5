import type { DataSource } from 'typeorm';
import type { AppConfig } from '@foule/shared';
import type { PaymentProvider } from './payment-provider';
import { SandboxFaultPlan } from './sandbox/sandbox-faults';
import { SandboxPaymentProvider } from './sandbox/sandbox-provider';
import { StripePaymentProvider } from './stripe/stripe-provider';

/** Stripe when STRIPE_SECRET_KEY is set (STRIPE_API_URL points it at a local server in tests); the sandbox otherwise. */
export function createPaymentProvider(config: AppConfig, dataSource: DataSource): PaymentProvider {
  if (config.stripeSecretKey) {
    return new StripePaymentProvider({
      secretKey: config.stripeSecretKey,
      publishableKey: config.stripePublishableKey ?? null,
      apiUrl: config.stripeApiUrl,
    });
  }
  return new SandboxPaymentProvider(dataSource, config.sandboxFaults ? new SandboxFaultPlan(config.sandboxFaults) : null);
}
