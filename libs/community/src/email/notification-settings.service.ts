import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@foule/shared';
import { NotificationSettingsEntity } from './email.entities';
import { DEFAULT_EMAIL_KINDS, isNotificationKind, NOTIFICATION_KINDS } from '../notifications/notification-kinds';

export interface NotificationSettings {
  emailKinds: string[];
}

@Injectable()
export class NotificationSettingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async settingsOf(profileId: string): Promise<NotificationSettings> {
    const row = await this.dataSource.getRepository(NotificationSettingsEntity).findOneBy({ profileId });
    return { emailKinds: row ? row.emailKinds : [...DEFAULT_EMAIL_KINDS] };
  }

  /** Replaces the emailed kinds; every unknown kind is named in the error, and nothing is changed. */
  async updateEmailKinds(profileId: string, emailKinds: string[]): Promise<NotificationSettings> {
    const unknown = emailKinds.flatMap((kind, index) =>
      isNotificationKind(kind)
        ? []
        : [{ path: `emailKinds.${index}`, message: `is not a notification kind (one of ${NOTIFICATION_KINDS.join(', ')})` }],
    );
    if (unknown.length > 0) throw DomainError.badInput(unknown);
    return this.save(profileId, [...new Set(emailKinds)]);
  }

  /** What an unsubscribe link does: one kind fewer. */
  async stopEmailing(profileId: string, kind: string): Promise<NotificationSettings> {
    const { emailKinds } = await this.settingsOf(profileId);
    return this.save(
      profileId,
      emailKinds.filter((emailed) => emailed !== kind),
    );
  }

  private async save(profileId: string, emailKinds: string[]): Promise<NotificationSettings> {
    await this.dataSource
      .getRepository(NotificationSettingsEntity)
      .upsert({ profileId, emailKinds, updatedAt: new Date() }, ['profileId']);
    return { emailKinds };
  }
}
