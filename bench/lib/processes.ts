// Bench helpers: run Hutong (or another server) in a child process, so the load generator in this process does not
// share its event loop, and read the child's peak memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Child {
  process: ChildProcess;
  url: string;
  stop(): Promise<void>;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** CPU seconds used so far (user + system): the whole process, and its main (event-loop) thread alone. */
  cpuSeconds(): CpuSeconds;
}

export interface CpuSeconds {
  process: number;
  mainThread: number;
}

/** Starts an entry point (TypeScript through tsx, or built JavaScript) and waits for it to print `<readyPattern> <url>`. */
export async function startChild(
  entry: string,
  env: Record<string, string>,
  readyPattern: RegExp,
  timeoutMs = 60_000,
): Promise<Child> {
  // node itself (not the tsx wrapper, which would be a second process) so /proc/<pid> is the server's.
  const nodeArgs = (process.env.HUTONG_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = readyPattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    process: child,
    url,
    peakRssMiB: () => peakRss(child.pid!),
    cpuSeconds: () => cpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function ticksOf(statFile: string): number {
  try {
    // utime and stime are the 14th and 15th fields; counted after the command name, which may hold spaces.
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/** CPU time from /proc, for a figure per request: the whole process, and the event-loop thread's share. */
export function cpuSeconds(pid: number): CpuSeconds {
  return {
    process: ticksOf(`/proc/${pid}/stat`) / CLOCK_TICKS_PER_SECOND,
    mainThread: ticksOf(`/proc/${pid}/task/${pid}/stat`) / CLOCK_TICKS_PER_SECOND,
  };
}

export function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Starts `hutong serve` (the build in dist/, as a user runs it) on a free port with its own data directory. */
export function startHutong(env: Record<string, string>): Promise<Child> {
  return startChild(
    path.join(root, 'dist', 'src', 'main.js'),
    {
      HUTONG_HOST: '127.0.0.1',
      HUTONG_PORT: '0',
      HUTONG_LOG_LEVEL: 'warn',
      HUTONG_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      HUTONG_CONFIG: '/dev/null',
      // Each bench creates the topics it measures; the catalogue's 130 service topics would only be in the way.
      HUTONG_SERVICE_TOPICS: 'false',
      ...env,
    },
    /running: (http:\/\/\S+)/,
  ).then((c) => ({ ...c, url: c.url.replace('localhost', '127.0.0.1') }));
}

export const BENCH_ADMIN_PASSWORD = 'Bench#Admin-2026';
