import type { Logger } from '../../platform/logger.js';

export type OutgoingMessage = {
  channel: 'sms';
  to: string;
  text: string;
  purpose: 'otp' | 'campaign' | 'notice';
};

/** Delivers messages to members. The product talks only to this interface; gateways are adapters. */
export interface MessageSender {
  /** True when codes must also be shown to the developer (never in production). */
  readonly isDevelopment: boolean;
  send(message: OutgoingMessage): Promise<void>;
}

/** Development transport: writes the message to the log instead of a phone. */
export class LogMessageSender implements MessageSender {
  readonly isDevelopment = true;
  readonly sent: OutgoingMessage[] = [];
  constructor(private readonly logger: Logger) {}
  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 100) this.sent.shift();
    this.logger.info(
      { to: message.to, purpose: message.purpose, text: message.text },
      'message (development transport, not sent)',
    );
  }
}

/**
 * Production transport: POSTs `{ to, text, channel }` as JSON to an SMS gateway's webhook (most
 * gateways accept this shape directly or through a small relay), with a bearer token.
 */
export class WebhookMessageSender implements MessageSender {
  readonly isDevelopment = false;
  constructor(private readonly options: { url: string; token?: string | undefined; timeoutMs?: number }) {}
  async send(message: OutgoingMessage): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify({ channel: message.channel, to: message.to, text: message.text }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
  }
}

/** Used in production when no gateway is configured: refuses clearly instead of pretending to send. */
export class UnconfiguredMessageSender implements MessageSender {
  readonly isDevelopment = false;
  async send(): Promise<void> {
    throw new Error('No SMS gateway configured (set SMS_WEBHOOK_URL)');
  }
}
