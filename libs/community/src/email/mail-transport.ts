/**
 * Where emails go: the SMTP server of SMTP_URL (nodemailer), or, without one (development and
 * tests), `.eml` files in DATA_DIR/mail (mode 0600: they hold live tokens) with their links
 * logged, so a developer can follow them without any mail server.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '@foule/shared';
import type { ComposedEmail } from './email-templates';

export interface OutgoingEmail extends ComposedEmail {
  /** Derived from our own ids, so a resent email is recognisably the same one. */
  messageId: string;
  to: string;
  /** The links to log when the email is written to a file. */
  links: string[];
  unsubscribeUrl?: string;
}

@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly smtp;
  private readonly files;
  readonly mailDir: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.mailDir = path.join(config.dataDir, 'mail');
    // A mail server that does not answer fails the send within seconds; the job retries it later.
    this.smtp = config.smtpUrl
      ? createTransport({ url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
      : undefined;
    this.files = config.smtpUrl ? undefined : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(email: OutgoingEmail): Promise<void> {
    const message = {
      from: this.config.mailFrom,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      headers: email.unsubscribeUrl
        ? { 'List-Unsubscribe': `<${email.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : undefined,
    };
    if (this.smtp) {
      await this.smtp.sendMail(message);
      return;
    }
    const composed = await this.files!.sendMail(message);
    await mkdir(this.mailDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.mailDir, `${email.messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
    // Written aside, then renamed: whoever reads the folder never sees half an email.
    const partial = `${file}.partial`;
    await writeFile(partial, composed.message as Buffer, { mode: 0o600 });
    await rename(partial, file);
    this.logger.log(`email to ${email.to} ("${email.subject}") written to ${file}; links: ${email.links.join(' ')}`);
  }

  onApplicationShutdown(): void {
    this.smtp?.close();
  }
}
