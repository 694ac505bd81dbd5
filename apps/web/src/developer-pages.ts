/**
 * Whether this api serves the developer pages (`/dev`, the GraphQL IDE): it marks the page it
 * sends with a meta tag where it does, which is never in production, so the client links to
 * them only where they exist.
 */
export const developerPagesServed = (): boolean => document.querySelector('meta[name="foule-developer-pages"]') !== null;
