// In-process receivers for notifications, on loopback: an HTTP server that
// records every request (webhook, Slack's Web API, Teams' incoming webhook)
// and answers as the real service does, and an SMTP server over node's net
// that speaks STARTTLS and AUTH and records each message it accepts.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * `answer` decides the reply to each request (status and body), 200 with an empty body by default;
 * undefined holds the request open, unanswered, until the client goes away or the receiver closes.
 * `port` 0 is any free one.
 */
export async function httpReceiver(answer: (req: ReceivedRequest, index: number) => { status: number; body: string } | undefined = () => ({ status: 200, body: '' }), host = '127.0.0.1', port = 0): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const reply = answer(received, requests.length - 1);
      if (!reply) return;
      const { status, body } = reply;
      res.writeHead(status, { 'Content-Type': body.startsWith('{') ? 'application/json' : 'text/plain' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as net.AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  /** Whether the message came after STARTTLS. */
  secure: boolean;
  /** The user AUTH named, if any. */
  user?: string;
  /** The decoded text body. */
  body: string;
  subject: string;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  /** The self-signed certificate STARTTLS presents, for a client to trust. */
  cert: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function decodeMail(data: string): { subject: string; body: string } {
  const [head = '', ...rest] = data.split('\r\n\r\n');
  const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
  const raw = rest.join('\r\n\r\n');
  const body = /Content-Transfer-Encoding: base64/i.test(head) ? Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8') : raw;
  const decodedSubject = subject.replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
  return { subject: decodedSubject, body };
}

/** An SMTP server that offers STARTTLS and AUTH PLAIN (accepting `user`/`password`) and records each message. */
export async function smtpReceiver(opts: { user?: string; password?: string } = {}): Promise<SmtpReceiver> {
  const { key, cert } = selfSigned();
  const mails: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((plain) => {
    sockets.add(plain);
    let socket: net.Socket = plain;
    let secure = false;
    let buffer = '';
    let inData = false;
    let data = '';
    let mail: { from: string; to: string[]; user?: string } = { from: '', to: [] };
    let user: string | undefined;
    const send = (line: string): void => {
      socket.write(`${line}\r\n`);
    };
    const onLine = (line: string): void => {
      if (inData) {
        if (line === '.') {
          inData = false;
          mails.push({ from: mail.from, to: mail.to, data, secure, ...(user ? { user } : {}), ...decodeMail(data) });
          data = '';
          send('250 OK queued');
        } else data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
        return;
      }
      const [verb = '', ...args] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          send('250-localhost');
          if (!secure) send('250-STARTTLS');
          send('250 AUTH PLAIN');
          return;
        case 'STARTTLS': {
          send('220 ready to start TLS');
          plain.removeAllListeners('data');
          const upgraded = new tls.TLSSocket(plain, { isServer: true, key, cert });
          socket = upgraded;
          secure = true;
          upgraded.on('data', onData);
          upgraded.on('error', () => undefined);
          return;
        }
        case 'AUTH': {
          const [, user_ = '', password = ''] = Buffer.from(args[1] ?? '', 'base64').toString('utf8').split('\0');
          if (user_ === opts.user && password === opts.password) {
            user = user_;
            send('235 authenticated');
          } else send('535 bad credentials');
          return;
        }
        case 'MAIL':
          if (opts.user && !user) return send('530 authentication required');
          mail = { from: /<(.*)>/.exec(line)?.[1] ?? '', to: [] };
          return send('250 OK');
        case 'RCPT':
          mail.to.push(/<(.*)>/.exec(line)?.[1] ?? '');
          return send('250 OK');
        case 'DATA':
          inData = true;
          return send('354 go ahead');
        case 'QUIT':
          send('221 bye');
          socket.end();
          return;
        default:
          send('502 not implemented');
      }
    };
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        onLine(line);
      }
    };
    plain.on('data', onData);
    plain.on('error', () => undefined);
    plain.on('close', () => sockets.delete(plain));
    send('220 localhost ESMTP test');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    cert,
    mails,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
