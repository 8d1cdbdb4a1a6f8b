// Real servers for the outbound adapters' integration tests, enabled like the PostgreSQL test database: by an
// environment variable each. A fresh machine has none of them, so `npm test` skips those tests and says which and why;
// CI sets all three (and then an unreachable server is a failure, not a skip).
//
//   HUTONG_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test       (also the engine's own PostgreSQL test database)
//   HUTONG_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test           (MySQL or MariaDB)
//   HUTONG_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:5672           (RabbitMQ)

export interface ServerUnderTest {
  name: string;
  url: string | undefined;
}

const EXAMPLES = {
  HUTONG_TEST_PG_URL: 'postgres://postgres@127.0.0.1:5432/test',
  HUTONG_TEST_MYSQL_URL: 'mysql://root@127.0.0.1:3306/test',
  HUTONG_TEST_AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
} as const;

/** The server's URL from its variable, or undefined after printing why the tests that need it are skipped. */
export function serverUnderTest(name: string, variable: keyof typeof EXAMPLES): ServerUnderTest {
  const url = process.env[variable]?.trim() || undefined;
  if (!url) {
    console.log(`SKIPPED: ${name} tests — set ${variable}=${EXAMPLES[variable]} to run them against a real server`);
  }
  return { name, url };
}

export interface DbTarget {
  dialect: 'postgres' | 'mysql';
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
}

/** postgres://user:pass@host:port/db or mysql://… → the SQL adapter's connection settings. */
export function dbTarget(url: string): DbTarget {
  const u = new URL(url);
  const dialect = u.protocol.startsWith('mysql') || u.protocol.startsWith('mariadb') ? 'mysql' : 'postgres';
  return {
    dialect,
    host: u.hostname,
    port: Number(u.port) || (dialect === 'mysql' ? 3306 : 5432),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'test',
    user: decodeURIComponent(u.username) || (dialect === 'mysql' ? 'root' : 'postgres'),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** A name no other test run uses (tables, queues, exchanges). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
