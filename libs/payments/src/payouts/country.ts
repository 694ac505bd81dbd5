/**
 * ISO-3166 alpha-2 country codes, from the ICU data that ships with Node (no hand-kept
 * list): a code is a country when ICU has a name for it, minus the grouping codes ICU also
 * names (EU, UN, ...).
 *
 * Pure and Nest-free.
 */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** The upper-cased code when it names a country, undefined otherwise. */
export function normalizeCountry(input: string): string | undefined {
  const code = input.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return undefined;
  const name = regionNames.of(code);
  return name && name !== code ? code : undefined;
}
