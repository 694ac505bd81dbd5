import { isProviderCurrency, PROVIDER_CURRENCIES } from './provider-currencies';

describe('provider currencies', () => {
  it('has the usual ones, zero-decimal ones included', () => {
    for (const currency of ['EUR', 'USD', 'GBP', 'JPY', 'KRW', 'CHF']) expect(isProviderCurrency(currency)).toBe(true);
  });

  it('refuses ISO codes Stripe cannot charge in, and lower case', () => {
    for (const currency of ['XAU', 'XDR', 'BTC', 'eur', '']) expect(isProviderCurrency(currency)).toBe(false);
  });

  it('holds upper-case ISO-4217 codes only', () => {
    const iso = new Set(Intl.supportedValuesOf('currency'));
    for (const currency of PROVIDER_CURRENCIES) {
      expect(currency).toMatch(/^[A-Z]{3}$/);
      expect(iso.has(currency) || currency === 'STD').toBe(true);
    }
  });
});
