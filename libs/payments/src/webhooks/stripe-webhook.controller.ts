import { Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@foule/shared';
import { StripeWebhookService } from './stripe-webhook.service';

/** POST /webhooks/stripe: 200 once handled (or already handled), 400 on a bad or stale signature, 404 when not configured. */
@Controller('webhooks')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  @Public()
  @Post('stripe')
  @HttpCode(200)
  receive(@Req() request: RawBodyRequest<Request>, @Headers('stripe-signature') signature?: string) {
    const event = this.webhooks.verify(request.rawBody, signature);
    return this.webhooks.receive(event);
  }
}
