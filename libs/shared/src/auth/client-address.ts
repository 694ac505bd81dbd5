/**
 * The caller's address, for the per-address limits (request rate, sign-in and sign-up
 * attempts): the connection's peer, or, behind proxies trusted by TRUST_PROXY, the address the
 * nearest untrusted hop gave in X-Forwarded-For. One rule for HTTP requests (Express's
 * `trust proxy`, set to the same function) and for graphql-ws upgrade requests (which Express
 * never sees).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../config/app-config';

export type TrustFunction = (address: string, hop: number) => boolean;

/** TRUST_PROXY as Express reads its `trust proxy` setting: a predicate over (address, hop from the api). */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

/** The client's address of a request (an HTTP upgrade included). */
export function clientAddress(request: IncomingMessage, trust: TrustFunction): string | undefined {
  if (!request.socket?.remoteAddress) return undefined;
  return proxyAddr(request, trust);
}
