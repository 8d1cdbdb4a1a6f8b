// SQL 网关 against real databases: PostgreSQL (HUTONG_TEST_PG_URL) and MySQL/MariaDB (HUTONG_TEST_MYSQL_URL), each
// skipped with a printed reason when its variable is not set. Covers inserts with values from JSON and HL7 v2,
// procedure calls, one transaction per delivery, constraint violations, duplicate keys as delivered, bad credentials,
// refused connections, timeouts, "test connection", and an HL7 v2 message published to the engine landing in a table.
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { dialectsUnderTest } from '../../../../test/support/databases.js';
import { addSystem, addTopic, waitFor } from '../../../../test/support/engine.js';
import type { EngineTables } from '../../tables.js';
import type { OutboundRequest } from '../types.js';
import { dbTarget, serverUnderTest, uniqueName, type DbTarget } from './servers.testutil.js';
import { SqlOutboundAdapter } from './sql.js';

const servers = [
  serverUnderTest('SQL gateway on PostgreSQL', 'HUTONG_TEST_PG_URL'),
  serverUnderTest('SQL gateway on MySQL/MariaDB', 'HUTONG_TEST_MYSQL_URL'),
];

/** Plain SQL on the target database, for setting up tables and reading what the adapter wrote. */
interface Admin {
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function connectAdmin({ dialect, ...settings }: DbTarget): Promise<Admin> {
  if (dialect === 'postgres') {
    const client = new pg.Client(settings);
    await client.connect();
    return {
      run: async (sql) => void (await client.query(sql)),
      rows: async (sql) => (await client.query<Record<string, unknown>>(sql)).rows,
      close: () => client.end(),
    };
  }
  const conn = await createMysqlConnection({ ...settings, charset: 'utf8mb4' });
  return {
    run: async (sql) => void (await conn.query(sql)),
    rows: async (sql) => (await conn.query(sql))[0] as Record<string, unknown>[],
    close: () => conn.end(),
  };
}

/** The table and routines one run uses, in the target's dialect. */
function schemaFor(target: DbTarget, table: string) {
  const pgSql = target.dialect === 'postgres';
  return {
    create: pgSql
      ? [
          `create table ${table} (id varchar(64) primary key, name varchar(100) not null, visit varchar(64),
             message_id varchar(64), topic varchar(64), attempt int)`,
          `create function ${table}_add(p_id varchar, p_name varchar) returns table(out_id varchar, total bigint)
             language plpgsql as $$ begin insert into ${table}(id, name) values (p_id, p_name);
             return query select p_id, (select count(*) from ${table}); end $$`,
          `create procedure ${table}_twice(p_id varchar) language plpgsql as $$ begin
             insert into ${table}(id, name) values (p_id || '-a', 'first');
             insert into ${table}(id, name) values (p_id, 'second'); end $$`,
        ]
      : [
          `create table ${table} (id varchar(64) primary key, name varchar(100) not null, visit varchar(64),
             message_id varchar(64), topic varchar(64), attempt int) engine=InnoDB default charset=utf8mb4`,
          `create procedure ${table}_add(in p_id varchar(64), in p_name varchar(100)) begin
             insert into ${table}(id, name) values (p_id, p_name);
             select p_id as out_id, count(*) as total from ${table}; end`,
          `create procedure ${table}_twice(in p_id varchar(64)) begin
             insert into ${table}(id, name) values (concat(p_id, '-a'), 'first');
             insert into ${table}(id, name) values (p_id, 'second'); end`,
        ],
    drop: pgSql
      ? [
          `drop function if exists ${table}_add`,
          `drop procedure if exists ${table}_twice`,
          `drop table if exists ${table}`,
        ]
      : [
          `drop procedure if exists ${table}_add`,
          `drop procedure if exists ${table}_twice`,
          `drop table if exists ${table}`,
        ],
    callAdd: pgSql ? `select * from ${table}_add(:id, :name)` : `call ${table}_add(:id, :name)`,
    sleep: pgSql ? 'select pg_sleep(:seconds)' : 'select sleep(:seconds)',
  };
}

const HL7 = [
  'MSH|^~\\&|HIS|H1|LIS|H1|20261125093000||ADT^A01|CTRL-1|P|2.5|||||CHN||UNICODE UTF-8',
  'PID|1||P900^^^H1^MR||张^三||19800517|M',
  'PV1|1|O|||||||||||||||||V900',
].join('\r');

function request(body: string, contentType = 'application/json'): OutboundRequest {
  return {
    body,
    contentType,
    messageId: `m-${Math.random().toString(36).slice(2, 10)}`,
    deliveryId: `d-${Math.random().toString(36).slice(2, 10)}`,
    attempt: 1,
    topic: 'ADT_A01',
    domain: 'default',
  };
}

const never = new AbortController().signal;

for (const server of servers) {
  describe.skipIf(!server.url)(server.name, () => {
    const target = dbTarget(server.url ?? 'postgres://x@127.0.0.1/x');
    const table = uniqueName('hutong_it');
    const schema = schemaFor(target, table);
    const duplicateState = target.dialect === 'postgres' ? '23505' : '23000';
    let admin: Admin;
    let adapter: SqlOutboundAdapter;

    beforeAll(async () => {
      admin = await connectAdmin(target);
      for (const sql of schema.create) await admin.run(sql);
    });
    afterAll(async () => {
      if (!admin) return;
      for (const sql of schema.drop) await admin.run(sql);
      await admin.close();
    });
    beforeEach(() => {
      adapter = new SqlOutboundAdapter();
    });
    afterEach(async () => {
      await adapter.close();
    });

    const base = { ...target, timeoutMs: 5000 };
    const insert = {
      ...base,
      statement: `insert into ${table} (id, name, visit, message_id, topic, attempt)
                  values (:id, :name, :visit, :messageId, :topic, :attempt)`,
      params: {
        id: '$.patient.id',
        name: '$.patient.name',
        visit: '$.visit.no',
        messageId: 'meta.messageId',
        topic: 'meta.topic',
        attempt: 'meta.attempt',
      },
    };
    const rowsWithId = (id: string) => admin.rows(`select * from ${table} where id = '${id}'`);

    it('inserts a row with values mapped from the JSON body and the message, in one transaction', async () => {
      const id = uniqueName('J');
      const req = request(JSON.stringify({ patient: { id, name: '王五' }, visit: { no: 'V1' } }));
      const result = await adapter.send(insert, req, never);
      expect(result).toMatchObject({ ok: true, statusCode: '00000', responseContentType: 'application/json' });
      expect(JSON.parse(result.response!)).toEqual({ rowsAffected: 1 });
      const [row] = await rowsWithId(id);
      expect(row).toMatchObject({ id, name: '王五', visit: 'V1', message_id: req.messageId, topic: 'ADT_A01' });
      expect(Number(row!.attempt)).toBe(1);
    });

    it('reads values from an HL7 v2 body by path', async () => {
      const id = uniqueName('H');
      const config = {
        ...base,
        statement: `insert into ${table} (id, name, visit, message_id) values (:id, :name, :visit, :control)`,
        params: { id: 'jsonata: "' + id + '"', name: 'PID-5.1', visit: 'PV1-19', control: 'MSH-10' },
      };
      const result = await adapter.send(config, request(HL7, 'x-application/hl7-v2+er7'), never);
      expect(result.ok, result.error).toBe(true);
      expect(await rowsWithId(id)).toEqual([
        expect.objectContaining({ name: '张', visit: 'V900', message_id: 'CTRL-1' }),
      ]);
    });

    it('calls a procedure and answers with the rows it returned', async () => {
      const id = uniqueName('C');
      const config = {
        ...base,
        mode: 'call' as const,
        statement: schema.callAdd,
        params: { id: '$.id', name: '$.name' },
      };
      const result = await adapter.send(config, request(JSON.stringify({ id, name: '赵六' })), never);
      expect(result.ok, result.error).toBe(true);
      const answer = JSON.parse(result.response!) as { rows: { out_id: string; total: unknown }[] };
      expect(answer.rows).toHaveLength(1);
      expect(answer.rows[0]!.out_id).toBe(id);
      expect(Number(answer.rows[0]!.total)).toBeGreaterThanOrEqual(1);
      expect(await rowsWithId(id)).toEqual([expect.objectContaining({ name: '赵六' })]);
    });

    it('fails the attempt with the database’s message on a constraint violation and keeps nothing of it', async () => {
      const id = uniqueName('V');
      const body = JSON.stringify({ patient: { id, name: '甲' } });
      expect((await adapter.send(insert, request(body), never)).ok).toBe(true);
      const again = await adapter.send(insert, request(body), never);
      expect(again.ok).toBe(false);
      expect(again.statusCode).toBe(duplicateState);
      expect(again.error).toMatch(target.dialect === 'postgres' ? /duplicate key value/ : /Duplicate entry/);

      const nameless = await adapter.send(insert, request(JSON.stringify({ patient: { id: uniqueName('N') } })), never);
      expect(nameless.ok).toBe(false);
      expect(nameless.error).toMatch(/null|cannot be null/i);

      // A procedure whose second insert fails: the first one is rolled back with it (MySQL would keep it in
      // autocommit mode; the delivery's transaction is what undoes it).
      const twice = { ...base, mode: 'call' as const, statement: `call ${table}_twice(:id)`, params: { id: '$.id' } };
      const failed = await adapter.send(twice, request(JSON.stringify({ id })), never);
      expect(failed.ok).toBe(false);
      expect(await rowsWithId(`${id}-a`)).toEqual([]);
    });

    it('treats a duplicate key as delivered when asked to', async () => {
      const id = uniqueName('D');
      const body = JSON.stringify({ patient: { id, name: '乙' } });
      const config = { ...insert, duplicateKeyIsSuccess: true };
      expect((await adapter.send(config, request(body), never)).ok).toBe(true);
      const again = await adapter.send(config, request(body), never);
      expect(again).toMatchObject({ ok: true, statusCode: duplicateState });
      expect(JSON.parse(again.response!)).toMatchObject({ rowsAffected: 0, duplicateKey: true });
      expect(await rowsWithId(id)).toHaveLength(1);
      // Other errors still fail.
      const nameless = await adapter.send(config, request(JSON.stringify({ patient: { id: uniqueName('N') } })), never);
      expect(nameless.ok).toBe(false);
    });

    it('fails when no row was affected and requireRowsAffected is set', async () => {
      const config = {
        ...base,
        requireRowsAffected: true,
        statement: `update ${table} set visit = :visit where id = :id`,
        params: { id: '$.id', visit: '$.visit' },
      };
      const result = await adapter.send(config, request(JSON.stringify({ id: 'nobody', visit: 'V' })), never);
      expect(result).toMatchObject({ ok: false, statusCode: '02000' });
      expect(result.error).toContain('no rows affected');
    });

    it('fails with the server’s message on bad credentials, and quickly when nothing listens', async () => {
      const badUser =
        target.dialect === 'postgres'
          ? { ...insert, user: uniqueName('nobody') }
          : { ...insert, password: 'wrong-password' };
      const denied = await adapter.send(badUser, request('{}'), never);
      expect(denied.ok).toBe(false);
      expect(denied.error).toMatch(
        target.dialect === 'postgres' ? /role .* does not exist|authentication failed/ : /Access denied/,
      );

      const started = Date.now();
      const refused = await adapter.send({ ...insert, port: 1 }, request('{}'), never);
      expect(refused).toMatchObject({ ok: false, statusCode: 'ECONNREFUSED' });
      expect(refused.error).toContain('ECONNREFUSED');
      expect(Date.now() - started).toBeLessThan(4000);
    });

    it('times out a statement that runs too long, and the pool serves the next delivery', async () => {
      const slow = { ...base, timeoutMs: 300, statement: schema.sleep, params: { seconds: 'jsonata: 5' } };
      const result = await adapter.send(slow, request('{}'), never);
      expect(result).toMatchObject({ ok: false, timedOut: true });
      expect(result.error).toContain('timeout after 300 ms');
      const id = uniqueName('T');
      const next = await adapter.send(
        { ...insert, timeoutMs: 300 },
        request(JSON.stringify({ patient: { id, name: '丙' } })),
        never,
      );
      expect(next.ok, next.error).toBe(true);
    });

    it('refuses a statement whose placeholder has no mapping, without touching the database', async () => {
      const result = await adapter.send({ ...insert, params: { id: '$.patient.id' } }, request('{}'), never);
      expect(result.ok).toBe(false);
      expect(result.error).toContain(':name has no entry in params');
    });

    it('tests the connection and has the database check the statement', async () => {
      const ok = await adapter.test(insert);
      expect(ok.ok, ok.message).toBe(true);
      expect(ok.message).toMatch(target.dialect === 'postgres' ? /PostgreSQL \d+/ : /(MariaDB|MySQL) \d+/);
      const call = await adapter.test({
        ...base,
        mode: 'call',
        statement: schema.callAdd,
        params: { id: '$.a', name: '$.b' },
      });
      expect(call.ok, call.message).toBe(true);
      expect(call.message).toContain('statement accepted');
      // A CALL is checked by MySQL's prepare; PostgreSQL cannot prepare one, and the answer says so. Nothing runs.
      const count = async () => Number((await admin.rows(`select count(*) as n from ${table}`))[0]!.n);
      const before = await count();
      const procedure = await adapter.test({ ...base, statement: `call ${table}_twice(:id)`, params: { id: '$.id' } });
      expect(procedure.ok, procedure.message).toBe(true);
      expect(procedure.message).toContain(
        target.dialect === 'postgres' ? 'cannot be checked without running it' : 'statement accepted',
      );
      expect(await count()).toBe(before);

      const missingTable = await adapter.test({ ...insert, statement: `insert into ${table}_nope (id) values (:id)` });
      expect(missingTable.ok).toBe(false);
      expect(missingTable.message).toContain(`${table}_nope`);
      const unmapped = await adapter.test({ ...insert, params: {} });
      expect(unmapped.ok).toBe(false);
      expect(unmapped.message).toContain(':id has no entry in params');
      const refused = await adapter.test({ ...insert, port: 1 });
      expect(refused.ok).toBe(false);
      expect(refused.message).toContain('ECONNREFUSED');
    });
  });
}

// ---- the engine end to end: an HL7 v2 message published to a topic lands in the subscriber's table ---------------

const firstTarget = servers.find((s) => s.url);

for (const dialect of dialectsUnderTest()) {
  describe.skipIf(!firstTarget)(`SQL subscription end to end (engine on ${dialect.name})`, () => {
    let t: TestApp;
    let admin: Admin;
    const target = dbTarget(firstTarget?.url ?? 'postgres://x@127.0.0.1/x');
    const table = uniqueName('hutong_e2e');
    beforeAll(async () => {
      admin = await connectAdmin(target);
      await admin.run(schemaFor(target, table).create[0]!);
    });
    afterAll(async () => {
      await admin?.run(`drop table if exists ${table}`);
      await admin?.close();
    });
    beforeEach(async () => {
      t = await startTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it('delivers a published HL7 v2 message into the table through the configured subscription', async () => {
      const cookie = await t.adminCookie();
      const sender = await addSystem(t.hutong, { code: 'HIS' });
      const receiver = await addSystem(t.hutong, { code: 'EMR' });
      const topic = await addTopic(t.hutong, { code: 'ADT_A01', model: 'HL7V2' });
      const adapterConfig = {
        ...target,
        statement: `insert into ${table} (id, name, visit, message_id, topic) values (:id, :name, :visit, :messageId, :topic)`,
        // The patient id as indexed at ingest (meta.index.*), the rest read from the message itself.
        params: {
          id: 'meta.index.patientId',
          name: 'PID-5.1',
          visit: 'PV1-19',
          messageId: 'meta.messageId',
          topic: 'meta.topic',
        },
        timeoutMs: 5000,
      };
      const tested = await t.call('POST', '/api/engine/adapters/sql/test', { cookie, body: { config: adapterConfig } });
      expect(tested.status, tested.raw).toBe(200);
      expect(tested.body.ok, tested.body.message).toBe(true);
      const created = await t.call('POST', '/api/engine/subscriptions', {
        cookie,
        body: { topicId: topic.id, systemId: receiver.id, name: 'EMR 数据库', adapter: 'sql', adapterConfig },
      });
      expect(created.status, created.raw).toBe(201);

      const published = await t.call('POST', `/api/hip/default/${topic.code}`, {
        body: HL7,
        headers: { authorization: `Bearer ${sender.secret}`, 'content-type': 'x-application/hl7-v2+er7' },
      });
      expect(published.status, published.raw).toBe(202);
      const messageId = published.body.messageId as string;

      const rows = await waitFor(
        async () => {
          const found = await admin.rows(`select * from ${table} where message_id = '${messageId}'`);
          return found.length ? found : null;
        },
        10_000,
        'the row in the subscriber table',
      );
      expect(rows[0]).toMatchObject({ id: 'P900', name: '张', visit: 'V900', topic: 'ADT_A01' });

      const k = t.hutong.db.kysely.withTables<EngineTables>();
      const delivery = await waitFor(async () => {
        const d = await k.selectFrom('deliveries').selectAll().where('message_id', '=', messageId).executeTakeFirst();
        return d?.status === 'delivered' ? d : null;
      });
      const attempts = await k.selectFrom('attempts').selectAll().where('delivery_id', '=', delivery.id).execute();
      expect(attempts.map((a) => [a.outcome, a.status_code])).toEqual([['ok', '00000']]);
    });
  });
}
