import { Client, type ClientConfig } from 'pg';

/**
 * The pg client of our pools (TypeORM's and pg-boss'). pg emits 'error' on a client whose server
 * ends the connection while no query runs on it, and pg-pool listens only while the client sits
 * idle in the pool: a client checked out between two queries (or connecting) had no listener, so
 * a connection ended at that moment (pg_terminate_backend, a failover, a database restart) was an
 * uncaught 'error' event that ended the whole api. The error is not lost by listening: the
 * client is dead, its next query fails with it, and the pool then discards the client.
 */
export class PooledClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
