/** GraphQL over HTTP from a chosen client address, for the per-address limits. */
import http from 'node:http';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { GraphQLResponse, TestApp } from './test-app';

/**
 * GraphQL over HTTP from a given local address: every 127.x.y.z is this machine, so each one is
 * a different client address to the api (req.ip). `forwardedFor` adds the X-Forwarded-For header
 * a proxy, or a forger, sends.
 */
export function gqlFrom<TData, TVariables>(
  app: Pick<TestApp, 'baseUrl'>,
  localAddress: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  { token, forwardedFor }: { token?: string; forwardedFor?: string } = {},
): Promise<GraphQLResponse<TData>> {
  const url = new URL(app.baseUrl);
  const body = JSON.stringify({ query: print(document), variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: '/graphql',
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ ...JSON.parse(text), status: response.statusCode! }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
