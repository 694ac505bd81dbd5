/**
 * A real SMTP server on loopback (`smtp-server`) that parses what it receives (`mailparser`), for
 * tests that follow the links of the emails Foule sends. It can stop and start again on the same
 * port, to play a mail server that is down and comes back.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './test-app';

export interface SmtpSink {
  port: number;
  url: string;
  received: ParsedMail[];
  /** Waits for an email to `to` matching `subject`, and returns it. */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<ParsedMail>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createSmtpSink(options: { started?: boolean } = {}): Promise<SmtpSink> {
  const port = await freePort();
  const received: ParsedMail[] = [];
  let server: SMTPServer | undefined;
  const sink: SmtpSink = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(to, subject, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = received.find((mail) => recipients(mail).includes(to) && subject.test(mail.subject ?? ''));
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(
        `No email to ${to} matching ${subject} within ${timeoutMs} ms (received: ${received.map((mail) => mail.subject).join(', ')})`,
      );
    },
    async start() {
      server = new SMTPServer({
        authOptional: true,
        // Plain SMTP on loopback: no STARTTLS for the client to try with a self-signed certificate.
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then((mail) => {
              received.push(mail);
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    },
  };
  if (options.started !== false) await sink.start();
  return sink;
}

export function recipients(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((address) => address.value.map((entry) => entry.address ?? ''));
}

/** The token of the first link to `page` in the email's plain-text part. */
export function linkToken(mail: ParsedMail, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  if (!match) throw new Error(`No ${page} link in:\n${mail.text}`);
  return match[1];
}
