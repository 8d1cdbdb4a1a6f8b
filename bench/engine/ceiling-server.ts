// The same-run ceiling for durable ingest: a bare Fastify route doing one SQLite insert per request, without fsync
// (synchronous=OFF) and without any of Hutong's work. Prints "ceiling ready <url>".
// With CEILING_SYNCHRONOUS=FULL the same route fsyncs the WAL on every commit (one fsync per request): the figure
// group commit exists to beat.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

const db = new SQLite(path.join(mkdtempSync(path.join(os.tmpdir(), 'hutong-ceiling-')), 'ceiling.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${process.env.CEILING_SYNCHRONOUS === 'FULL' ? 'FULL' : 'OFF'}`);
db.exec('create table messages (id integer primary key, received_at text not null, body text not null)');
const insert = db.prepare('insert into messages (received_at, body) values (?, ?)');

const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/ingest', async (request, reply) => {
  const info = insert.run(new Date().toISOString(), request.body as string);
  return reply.status(202).send({ id: Number(info.lastInsertRowid) });
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`ceiling ready ${address}/ingest`);
