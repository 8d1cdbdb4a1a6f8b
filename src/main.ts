#!/usr/bin/env node
// The command line: hutong serve | migrate | admin reset-password <username> | config check.
import { parseArgs } from 'node:util';
import { createHutong } from './app.js';
import { generatePassword, Identity } from './platform/auth/identity.js';
import { systemContext } from './platform/auth/context.js';
import { ConfigError, describeConfig, loadConfig, sqliteFileFor, type Config } from './platform/config/index.js';
import { openDatabase } from './platform/db/index.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { isHtError } from './platform/errors/index.js';
import { allPermissions } from './platform/permissions/index.js';
import { SystemService } from './modules/system/index.js';
import { runDemoCommand } from './demo/index.js';

const USAGE = `互通 Hutong — hospital integration platform

Usage:
  hutong serve                              start API + console (default)
  hutong migrate                            apply database migrations and exit
  hutong admin reset-password <username>    set a new password (printed once; must be changed at sign-in)
                [--password <pw>]           use this password instead of a generated one
  hutong config check                       validate the configuration and print it (secrets masked)
  hutong demo [--reset] [--rate <n>]        start with simulated hospital systems (演示; hutong demo --help)

Options:
  --config <file>   configuration file (YAML or JSON); also HUTONG_CONFIG
  -h, --help        this text

Environment: HUTONG_PORT, HUTONG_HOST, HUTONG_DATA_DIR, HUTONG_DATABASE_URL, HUTONG_ADMIN_PASSWORD … (docs/operations.md)`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'demo') return runDemoCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command = 'serve', sub, arg] = positionals;
  const config = loadConfig(values.config ? { file: values.config } : {});

  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate': {
      const db = openDatabase({ url: config.databaseUrl, sqliteFile: sqliteFileFor(config) });
      try {
        const { applied } = await migrateToLatest(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'admin':
      if (sub === 'reset-password' && arg) return resetPassword(config, arg, values.password);
      console.error(USAGE);
      return 2;
    case 'config':
      if (sub === 'check') {
        console.log('configuration is valid:');
        console.log(JSON.stringify(describeConfig(config), null, 2));
        return 0;
      }
      console.error(USAGE);
      return 2;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function serve(config: Config): Promise<number> {
  const hutong = await createHutong(config);
  const url = await hutong.start();
  const log = hutong.app.log;
  log.info({ database: hutong.db.dialect, location: hutong.db.location }, 'database ready');
  console.log(`\n互通 Hutong is running: ${url}   (API docs: ${url}api/docs)`);
  if (hutong.firstAdmin?.generatedPassword) {
    console.log(
      `\nFirst administrator created / 已创建首个管理员:\n  username: ${hutong.firstAdmin.username}\n  password: ${hutong.firstAdmin.generatedPassword}\n` +
        '  This password is shown only once and must be changed at first sign-in. / 此密码只显示一次，首次登录须修改。\n',
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await hutong.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return new Promise<number>(() => undefined);
}

async function resetPassword(config: Config, username: string, given: string | undefined): Promise<number> {
  const db = openDatabase({ url: config.databaseUrl, sqliteFile: sqliteFileFor(config) });
  try {
    await migrateToLatest(db);
    const identity = new Identity(db, config);
    const service = new SystemService(db, identity, config);
    const password = given ?? generatePassword();
    await service.resetPasswordFromCli(systemContext(allPermissions().map((p) => p.code)), username, password);
    console.log(`password of "${username}" reset${given ? '' : `: ${password}`}; it must be changed at next sign-in.`);
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`Hutong cannot start: ${error.message}`);
    } else if (isHtError(error)) {
      console.error(`Hutong: ${error.code}: ${error.localized('zh-CN')} / ${error.message}`);
    } else {
      console.error('Hutong failed:', error);
    }
    process.exit(1);
  },
);
