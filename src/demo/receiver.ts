// The HTTP receiver each simulated system runs: Hutong delivers its subscriptions here (HTTP push adapter). A few
// deliveries are answered 500 on purpose — most at random (a retry then succeeds), a few always, by message id (the
// retries run out and the delivery becomes a dead letter) — so the console shows retries and 死信 as in real life.
// Query topics (sync) are answered with the service's example response, as the system of record would — always: a
// query a system of record fails would reach the asking system as an error, which the demo keeps for deliberately
// bad messages only.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoStats } from './wire.js';

export interface ReceiverOptions {
  system: string;
  stats: DemoStats;
  /** Share of deliveries answered 500 at random. */
  failRate: number;
  /** Share of messages (by id) this system always refuses. */
  poisonRate: number;
  /** Topic code → the body that answers it (sync query topics this system is the system of record for). */
  answers: ReadonlyMap<string, string>;
  random: () => number;
}

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

/** Is this message one the receiving system will never accept (same answer on every retry)? */
export function isPoison(messageId: string, system: string, rate: number): boolean {
  if (rate <= 0) return false;
  const h = createHash('sha1').update(`${system}:${messageId}`).digest();
  return h.readUInt32BE(0) / 0x100000000 < rate;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const counts = options.stats.receivedBy(options.system);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const topic = String(req.headers['x-hutong-topic'] ?? '');
      const messageId = String(req.headers['x-hutong-message-id'] ?? '');
      const answer = options.answers.get(topic);
      counts.topics[topic] = (counts.topics[topic] ?? 0) + 1;
      if (answer !== undefined) {
        counts.queries++;
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        res.end(answer);
        return;
      }
      if (isPoison(messageId, options.system, options.poisonRate) || options.random() < options.failRate) {
        counts.failed++;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${options.system} 模拟故障 simulated failure`);
        return;
      }
      counts.ok++;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ received: Buffer.concat(chunks).length, system: options.system }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/inbox`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
