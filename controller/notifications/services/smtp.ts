// A small SMTP client over node's net and tls, for the email service: EHLO,
// STARTTLS when the server offers it (port 465 speaks TLS from the start),
// AUTH PLAIN or LOGIN when a username is set, then one message to every
// recipient. Each reply is read whole before the next command is sent.
import net from 'node:net';
import tls from 'node:tls';
import { hostname } from 'node:os';

export interface SmtpServer {
  host: string;
  port: number;
  username?: string;
  password?: string;
  insecureSkipVerify?: boolean;
}

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  body: string;
  html: boolean;
}

export type SmtpPort = (server: SmtpServer, mail: Mail, timeoutMs: number) => Promise<void>;

interface Reply {
  code: number;
  lines: string[];
}

class Conversation {
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((r: Reply | Error) => void) | undefined;
  private failure: Error | undefined;

  constructor(public socket: net.Socket) {
    this.listen(socket);
  }

  listen(socket: net.Socket): void {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let i: number;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, i).replace(/\r$/, '');
        this.buffer = this.buffer.slice(i + 1);
        this.lines.push(line);
        // The last line of a reply has a space (or nothing) after its code.
        if (/^\d{3}(?: |$)/.test(line)) this.settle({ code: Number(line.slice(0, 3)), lines: this.lines.splice(0).map((l) => l.slice(4)) });
      }
    });
    socket.on('error', (err) => this.settle(err));
    socket.on('close', () => this.settle(new Error('connection closed by the server')));
  }

  private settle(r: Reply | Error): void {
    if (r instanceof Error) this.failure ??= r;
    const w = this.waiting;
    this.waiting = undefined;
    w?.(r);
  }

  reply(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting = (r) => (r instanceof Error ? reject(r) : resolve(r));
    });
  }

  async command(line: string, expect: number, shown = line): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.expect(expect, shown);
  }

  async expect(code: number, what: string): Promise<Reply> {
    const r = await this.reply();
    if (Math.floor(r.code / 100) !== Math.floor(code / 100)) throw new Error(`smtp ${what}: ${r.code} ${r.lines.join(' ')}`);
    return r;
  }
}

function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

/** The message as sent after DATA: headers, a base64 body, dot-stuffing needless as base64 has no dots. */
export function formatMail(mail: Mail, now: Date): string {
  const body = Buffer.from(mail.body).toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return [
    `From: ${encodeHeader(mail.from)}`,
    `To: ${mail.to.join(', ')}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    `Content-Type: ${mail.html ? 'text/html' : 'text/plain'}; charset=UTF-8`,
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

function connect(server: SmtpServer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      server.port === 465
        ? tls.connect({ host: server.host, port: server.port, servername: server.host, rejectUnauthorized: !server.insecureSkipVerify }, () => resolve(socket))
        : net.connect({ host: server.host, port: server.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function upgrade(socket: net.Socket, server: SmtpServer): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: server.host, rejectUnauthorized: !server.insecureSkipVerify }, () => resolve(secure));
    secure.once('error', reject);
  });
}

function extensions(reply: Reply): Map<string, string> {
  return new Map(reply.lines.slice(1).map((l) => {
    const [k = '', ...rest] = l.split(' ');
    return [k.toUpperCase(), rest.join(' ').toUpperCase()];
  }));
}

export const nodeSmtp: SmtpPort = async (server, mail, timeoutMs) => {
  const socket = await connect(server);
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`smtp ${server.host}:${server.port}: no answer within ${timeoutMs / 1000}s`)));
  const c = new Conversation(socket);
  try {
    await c.expect(220, 'greeting');
    const helo = `EHLO ${hostname() || 'localhost'}`;
    let ext = extensions(await c.command(helo, 250));
    if (!(socket instanceof tls.TLSSocket) && ext.has('STARTTLS')) {
      await c.command('STARTTLS', 220);
      socket.removeAllListeners('data');
      const secure = await upgrade(socket, server);
      secure.setTimeout(timeoutMs, () => secure.destroy(new Error(`smtp ${server.host}:${server.port}: no answer within ${timeoutMs / 1000}s`)));
      c.listen(secure);
      ext = extensions(await c.command(helo, 250));
    }
    if (server.username && ext.has('AUTH')) {
      const mechanisms = ext.get('AUTH') ?? '';
      if (mechanisms.includes('PLAIN')) {
        await c.command(`AUTH PLAIN ${Buffer.from(`\0${server.username}\0${server.password ?? ''}`).toString('base64')}`, 235, 'AUTH PLAIN');
      } else {
        await c.command('AUTH LOGIN', 334);
        await c.command(Buffer.from(server.username).toString('base64'), 334, 'AUTH LOGIN username');
        await c.command(Buffer.from(server.password ?? '').toString('base64'), 235, 'AUTH LOGIN password');
      }
    }
    await c.command(`MAIL FROM:<${mail.from}>`, 250);
    for (const to of mail.to) await c.command(`RCPT TO:<${to}>`, 250);
    await c.command('DATA', 354);
    await c.command(`${formatMail(mail, new Date())}\r\n.`, 250, 'message');
    await c.command('QUIT', 221).catch(() => undefined);
  } finally {
    c.socket.destroy();
  }
};
