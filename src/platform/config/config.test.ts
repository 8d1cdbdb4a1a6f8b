import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, sqliteFileFor } from './index.js';

const none = { env: {}, file: '/dev/null' };

describe('configuration', () => {
  it('serves embedded defaults: port 8080, ./data/hutong.db, 30 min idle, 12 h absolute sessions', () => {
    const config = loadConfig(none);
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBeUndefined();
    expect(sqliteFileFor(config)).toBe(path.resolve('data', 'hutong.db'));
    expect(config.session).toEqual({ idleMinutes: 30, absoluteHours: 12, cookieSecure: false });
    expect(config.security.lockoutThreshold).toBe(5);
    expect(config.security.lockoutMinutes).toBe(15);
    expect(config.security.passwordHistory).toBe(5);
  });

  it('reads the HUTONG_ environment variables', () => {
    const config = loadConfig({
      file: '/dev/null',
      env: {
        HUTONG_PORT: '9090',
        HUTONG_HOST: '127.0.0.1',
        HUTONG_DATA_DIR: '/var/lib/hutong',
        HUTONG_DATABASE_URL: 'postgres://hutong:secret@db:5432/hutong',
        HUTONG_ADMIN_PASSWORD: 'Secret#123',
        HUTONG_SESSION_IDLE_MINUTES: '10',
        HUTONG_COOKIE_SECURE: 'true',
      },
    });
    expect(config.port).toBe(9090);
    expect(config.host).toBe('127.0.0.1');
    expect(sqliteFileFor({ ...config, databaseUrl: undefined })).toBe('/var/lib/hutong/hutong.db');
    expect(config.databaseUrl).toBe('postgres://hutong:secret@db:5432/hutong');
    expect(config.session.idleMinutes).toBe(10);
    expect(config.session.cookieSecure).toBe(true);
    const printed = JSON.stringify(describeConfig(config));
    expect(printed).not.toContain('secret@');
    expect(printed).not.toContain('Secret#123');
  });

  it('reads a YAML file, and the environment wins over it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-config-'));
    const file = path.join(dir, 'hutong.yaml');
    writeFileSync(file, 'port: 7000\nsession:\n  idleMinutes: 20\nsecurity:\n  strictSeparation: true\n');
    const config = loadConfig({ file, env: { HUTONG_PORT: '7001' } });
    expect(config.port).toBe(7001);
    expect(config.session.idleMinutes).toBe(20);
    expect(config.session.absoluteHours).toBe(12);
    expect(config.security.strictSeparation).toBe(true);
  });

  it('stops with the full list of problems, not just the first', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-config-'));
    const file = path.join(dir, 'hutong.json');
    writeFileSync(file, JSON.stringify({ prot: 1, session: { idleMinutes: 0 } }));
    let caught: unknown;
    try {
      loadConfig({
        file,
        env: { HUTONG_PORT: 'eighty', HUTONG_DATABASE_URL: 'mysql://x', HUTONG_TRUST_PROXY: 'maybe' },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/HUTONG_PORT: "eighty" is not a valid integer/);
    expect(problems).toMatch(/HUTONG_TRUST_PROXY/);
    expect(problems).toMatch(/unknown setting "prot"/);
    expect(problems).toMatch(/session\.idleMinutes/);
    expect(problems).toMatch(/databaseUrl/);
    expect((caught as ConfigError).problems.length).toBeGreaterThanOrEqual(5);
  });

  it('reports an unreadable file as a problem', () => {
    expect(() => loadConfig({ file: '/nonexistent/hutong.yaml', env: {} })).toThrow(ConfigError);
  });
});
