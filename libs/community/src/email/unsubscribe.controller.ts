/**
 * `GET /unsubscribe?token=` (the link in every notification email) and `POST` (RFC 8058 one-click,
 * from the List-Unsubscribe header): stops that kind of email for that profile. The signed token
 * is the authority; it names one profile and one kind.
 */
import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@foule/shared';
import { EmailOutbox } from './email-outbox';
import { NotificationSettingsService } from './notification-settings.service';

@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly outbox: EmailOutbox,
    private readonly settings: NotificationSettingsService,
  ) {}

  @Public()
  @Get()
  @HttpCode(200)
  follow(@Query('token') token: string | undefined, @Res() response: Response) {
    return this.unsubscribe(token, response);
  }

  @Public()
  @Post()
  @HttpCode(200)
  oneClick(@Query('token') token: string | undefined, @Res() response: Response) {
    return this.unsubscribe(token, response);
  }

  private async unsubscribe(token: string | undefined, response: Response): Promise<void> {
    const subject = token ? this.outbox.keys.readUnsubscribeToken(token) : undefined;
    response.type('text/plain; charset=utf-8');
    if (!subject) {
      response
        .status(400)
        .send('This unsubscribe link is not valid: use the link of a recent email, or change your settings in Foule.');
      return;
    }
    await this.settings.stopEmailing(subject.profileId, subject.kind);
    response.send(`You will no longer receive ${subject.kind} emails. You can turn them back on in your notification settings.`);
  }
}
