/**
 * `GET /analytics/export/{pledges,contests,ledger}.csv?from=&to=`: the accountants' exports,
 * one row per money movement (a journal entry, per currency) with its effective date, gross,
 * fees, net and currency. ANALYST or ADMIN bearer tokens (none: 401, another role: 403).
 *
 * Streamed: PostgreSQL writes the CSV (COPY ... TO STDOUT, see export-queries.ts) and its bytes
 * go through pg-copy-streams to the response with backpressure, never as rows in JavaScript, so
 * memory stays flat whatever the size and the api does little more than pass bytes on.
 */
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { AccessTokenService, DomainError, Public, ViewerContext, ViewerDirectory, hasRole } from '@foule/shared';
import { CrlfRecords } from './crlf-records';
import { exportCopySql, exportSettingsSql, isExportName, type ExportName } from './export-queries';

function parseInstant(name: string, value: unknown): Date | null {
  if (value === undefined || value === '') return null;
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw DomainError.badField(name, 'must be an ISO-8601 date-time, e.g. 2026-01-01T00:00:00Z');
  return date;
}

@Controller('analytics/export')
export class AnalyticsExportController {
  private readonly viewers: ViewerContext;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    tokens: AccessTokenService,
    directory: ViewerDirectory,
  ) {
    this.viewers = new ViewerContext(tokens, directory);
  }

  // Public to the guard: the bearer token is checked here, where a file download is answered.
  @Public()
  @Get(':file')
  async export(@Param('file') file: string, @Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    const name = file.replace(/\.csv$/, '');
    if (!file.endsWith('.csv') || !isExportName(name)) throw DomainError.notFound('Export', file);
    const { viewer, authError } = await this.viewers.fromAuthorization(request.headers.authorization);
    if (authError) throw authError;
    if (!viewer) throw DomainError.unauthenticated('Send an ANALYST or ADMIN bearer token');
    if (!hasRole(viewer, 'ANALYST', 'ADMIN')) throw DomainError.forbidden('This needs the ANALYST or ADMIN role');
    const from = parseInstant('from', query.from);
    const to = parseInstant('to', query.to);
    if (from && to && from.getTime() >= to.getTime()) throw DomainError.badField('to', 'must be later than from');
    await this.stream(name, { from, to }, response);
  }

  private async stream(name: ExportName, window: { from: Date | null; to: Date | null }, response: Response): Promise<void> {
    const sql = exportCopySql(name, window);
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client: PoolClient = await pool.connect();
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      client.release(error);
    };
    try {
      // Settings for this export only: SET LOCAL in a read-only transaction, not a session SET,
      // which behind a pooler in transaction mode (PgBouncer) would stay on a server connection
      // other clients get.
      await client.query('BEGIN READ ONLY');
      for (const setting of exportSettingsSql(name)) await client.query(setting);
      const csv = client.query(copyTo(sql));
      response.status(200);
      response.setHeader('content-type', 'text/csv; charset=utf-8');
      response.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      await pipeline(csv, new CrlfRecords(), response);
      await client.query('COMMIT');
      release();
    } catch (error) {
      // A client that goes away mid-download destroys the COPY's connection with it.
      release(error instanceof Error ? error : new Error(String(error)));
      if (!response.headersSent) throw error;
      response.destroy();
    }
  }
}
