import type { IncomingMessage } from 'node:http';
import { clientAddress, trustFunction } from './client-address';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress under TRUST_PROXY', () => {
  it('is the peer when off, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('10.0.0.2', '203.0.113.9'), trustFunction(false))).toBe('10.0.0.2');
  });

  it('is the address the nearest untrusted hop names, so a forged left part of the header changes nothing', () => {
    const trust = trustFunction(['10.0.0.0/8']);
    expect(clientAddress(request('10.0.0.2', '203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.9'), trust)).toBe('203.0.113.9');
    // A peer outside the trusted ranges is the client, its header ignored.
    expect(clientAddress(request('192.0.2.5', '203.0.113.9'), trust)).toBe('192.0.2.5');
  });

  it('trusts as many hops as a count says, and every hop with true', () => {
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.9'), trustFunction(1))).toBe('203.0.113.9');
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.9'), trustFunction(2))).toBe('198.51.100.1');
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.9'), trustFunction(true))).toBe('198.51.100.1');
  });
});
