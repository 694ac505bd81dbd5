import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentEvent, PaymentEventListener } from './payment-event';

/** The subscribers to payment facts; see payment-event.ts. */
@Injectable()
export class PaymentEvents {
  private readonly listeners: PaymentEventListener[] = [];

  subscribe(listener: PaymentEventListener): void {
    this.listeners.push(listener);
  }

  async publish(event: PaymentEvent, manager: EntityManager): Promise<void> {
    for (const listener of this.listeners) await listener(event, manager);
  }
}
