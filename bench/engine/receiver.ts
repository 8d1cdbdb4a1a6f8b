// Two subscriber endpoints on loopback for the end-to-end bench. They count every delivery per message id, so the
// bench can check that each message reached each subscriber exactly once. GET /stats answers the counts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const counts = [new Map<string, number>(), new Map<string, number>()];
let last = 0;

const servers = counts.map((seen) =>
  createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const dupes = counts.map((m) => [...m.values()].filter((n) => n > 1).length);
      res.end(
        JSON.stringify({
          unique: counts.map((m) => m.size),
          total: counts.map((m) => [...m.values()].reduce((a, b) => a + b, 0)),
          duplicates: dupes,
          lastAt: last,
        }),
      );
      return;
    }
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-hutong-message-id'] ?? '');
      seen.set(id, (seen.get(id) ?? 0) + 1);
      last = Date.now();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  }),
);
await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
const ports = servers.map((s) => (s.address() as AddressInfo).port);
console.log(`receivers ready ${ports.join(',')}`);
