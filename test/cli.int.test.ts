// The command line as a new user meets it: `hutong serve` creates the database and the first administrator and
// prints the URL; a bad configuration stops it with every problem listed; `admin reset-password` works.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const main = path.join(root, 'src', 'main.ts');

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUTONG_')));
  return { ...clean, HUTONG_CONFIG: '/dev/null', ...extra };
}

describe('hutong CLI', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'hutong-cli-'));
    dirs.push(d);
    return d;
  };

  it('stops on an invalid configuration and lists every problem', () => {
    const result = spawnSync(tsx, [main, 'config', 'check'], {
      env: env({ HUTONG_PORT: 'abc', HUTONG_DATABASE_URL: 'oracle://x', HUTONG_SESSION_IDLE_MINUTES: '0' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('HUTONG_PORT');
    expect(result.stderr).toContain('databaseUrl');
    expect(result.stderr).toContain('session.idleMinutes');
  });

  it('serves: creates ./data/hutong.db, the first administrator with a one-time password, and prints the URL', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const child = spawn(tsx, [main, 'serve'], {
      env: env({ HUTONG_DATA_DIR: dataDir, HUTONG_PORT: '0', HUTONG_HOST: '127.0.0.1', HUTONG_LOG_LEVEL: 'warn' }),
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          if (/password: \S+/.test(out) && /running: http/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const url = /running: (http:\/\/\S+)/.exec(out)?.[1] ?? '';
      const password = /password: (\S+)/.exec(out)?.[1] ?? '';
      expect(existsSync(path.join(dataDir, 'hutong.db'))).toBe(true);
      const health = await fetch(`${url.replace('localhost', '127.0.0.1')}healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const login = await fetch(`${url.replace('localhost', '127.0.0.1')}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }

    const reset = spawnSync(tsx, [main, 'admin', 'reset-password', 'admin'], {
      env: env({ HUTONG_DATA_DIR: dataDir }),
      encoding: 'utf8',
    });
    expect(reset.status, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/password of "admin" reset: \S+/);
  }, 60_000);
});
