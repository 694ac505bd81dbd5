import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '@foule/shared';
import { lifecycle } from './lifecycle';

@Public()
@Controller()
export class HealthController {
  private migrationsApplied = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 200 while the process lives. */
  @Get('health')
  @HttpCode(200)
  health() {
    return { status: 'ok' };
  }

  /** 200 when the database answers and every migration is applied; 503 otherwise, and from the first moment of a shutdown. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    if (lifecycle.draining) {
      response.status(503);
      return { status: 'shutting down' };
    }
    try {
      await this.dataSource.query('SELECT 1');
      if (!this.migrationsApplied) this.migrationsApplied = !(await this.dataSource.showMigrations());
      if (!this.migrationsApplied) {
        response.status(503);
        return { status: 'migrations pending' };
      }
      return { status: 'ready' };
    } catch {
      response.status(503);
      return { status: 'database unavailable' };
    }
  }
}
