// `hutong demo` (npm run demo): starts Hutong with its own database (SQLite in ./data-demo unless told otherwise)
// and, in the same process, the simulated hospital systems of systems.ts: each configured through the API, each
// sending over its real protocol and receiving its subscriptions on its own HTTP receiver. Same process rather than
// a child: one Ctrl-C stops everything, nothing can be left behind, and at a few dozen messages a second the
// simulators cost the server nothing worth isolating — every byte still goes over real sockets.
//
// The traffic: first a start-up tour (the master data, then every service of the catalogue once, by the system that
// sends it, then one deliberately bad message of each kind) so the console is full within a minute; then the
// hospital's day, Poisson arrivals at the hourly rate, each a workflow step (workflows.ts) of a system picked by its
// share, and a small labelled share of deliberately bad messages.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createHutong, type Hutong } from '../app.js';
import { loadConfig } from '../platform/config/index.js';
import { getServiceDefinition } from '../services/index.js';
import { beijing, createRandom, Hospital, HOURLY_LOAD } from './generator.js';
import { startReceiver, type Receiver } from './receiver.js';
import { configureDemo } from './setup.js';
import { SYSTEMS, type SimSystem } from './systems.js';
import { adminApi, createSender, DemoStats, MllpClient } from './wire.js';
import { BAD_KINDS, BAD_STEPS, STEPS, startupTour, type WorkflowContext } from './workflows.js';

export const DEMO_ADMIN_PASSWORD = 'Hutong#Demo2026';
export const DEMO_DATA_DIR = './data-demo';

export interface DemoOptions {
  /** Environment the configuration is read from (HUTONG_PORT, HUTONG_DATA_DIR, …). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Configuration file (as `--config`). */
  configFile?: string;
  /** Delete the demo's data directory first. */
  reset?: boolean;
  /** Messages per second at the busiest hour (default 10). */
  rate?: number;
  /**
   * Share of deliberately failed traffic (default 0.03): labelled bad messages (malformed, an unknown application, an
   * illegal 手术状态 step) and receivers answering 500.
   */
  failRate?: number;
  /** Skip the start-up tour (every service once) and go straight to the day's traffic. */
  tour?: boolean;
  /** Follow the hospital's day (busy mornings, quiet nights); false = the full rate all day. Default true. */
  dailyPattern?: boolean;
  seed?: number;
}

export interface RunningDemo {
  url: string;
  admin: { username: string; password: string; generated: boolean };
  dataDir: string | undefined;
  mllp: { host: string; port: number; endpoint: string };
  stats: DemoStats;
  hutong: Hutong;
  systems: readonly SimSystem[];
  hospital: Hospital;
  /** Settles when the start-up tour has sent every service once (the day's traffic follows). */
  startup: Promise<void>;
  /** Stops sending and waits until every message on its way has been answered; Hutong keeps running. */
  pause(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  env.HUTONG_DATA_DIR ||= DEMO_DATA_DIR;
  env.HUTONG_LOG_LEVEL ||= 'warn';
  const generated = !env.HUTONG_ADMIN_PASSWORD;
  env.HUTONG_ADMIN_PASSWORD ||= DEMO_ADMIN_PASSWORD;
  const config = loadConfig({ env, ...(options.configFile ? { file: options.configFile } : {}) });
  const dataDir = config.databaseUrl ? undefined : path.resolve(config.dataDir);
  if (options.reset) {
    if (!dataDir) throw new Error('--reset 只适用于内置 SQLite / --reset works on the embedded SQLite only');
    rmSync(dataDir, { recursive: true, force: true });
  }

  const random = createRandom(options.seed);
  const receiverRandom = createRandom((options.seed ?? Date.now()) + 1);
  const failRate = options.failRate ?? 0.03;
  const rate = options.rate ?? 10;
  const stats = new DemoStats();
  const hutong = await createHutong(config);
  const receivers: Receiver[] = [];
  let mllp: MllpClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let paused = false;
  const inFlight = new Set<Promise<unknown>>();

  const pause = async () => {
    paused = true;
    if (timer) clearTimeout(timer);
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pause();
    mllp?.close();
    await hutong.stop();
    await Promise.all(receivers.map((r) => r.close()));
  };

  try {
    const base = (await hutong.start()).replace('//localhost:', '//127.0.0.1:');
    const receiverUrls = new Map<string, string>();
    for (const s of SYSTEMS) {
      const answers = new Map<string, string>();
      for (const code of s.answers) {
        const response = getServiceDefinition(code)?.examples.v3Response;
        if (response) answers.set(code, response);
      }
      const receiver = await startReceiver({
        system: s.code,
        stats,
        failRate,
        poisonRate: failRate / 3,
        answers,
        // Its own source of chance: the receivers run beside the tour, which stays the same for a seed.
        random: receiverRandom.next,
      });
      receivers.push(receiver);
      receiverUrls.set(s.code, receiver.url);
    }
    const api = await adminApi(base, config.adminUsername, env.HUTONG_ADMIN_PASSWORD);
    const setup = await configureDemo(api, SYSTEMS, receiverUrls);
    const client = new MllpClient(stats, setup.mllp.host, setup.mllp.port);
    mllp = client;

    const hospital = new Hospital(random);
    const ctx: WorkflowContext = {
      hospital,
      random,
      send: createSender({
        stats,
        base,
        mllp: client,
        random,
        secret: (code) => setup.secrets.get(code)!,
        protocolOf: (code) => SYSTEMS.find((s) => s.code === code)?.protocol ?? 'soap',
      }),
    };
    const track = (what: string, p: Promise<unknown>) => {
      const run = p.catch((error: unknown) => {
        stats.lastError = `${what}: ${(error as Error).message}`;
      });
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
      return run;
    };
    const senders = SYSTEMS.filter((s) => s.share > 0 && Object.keys(s.traffic).length > 0);
    const pickWeighted = <T>(items: readonly T[], weight: (t: T) => number): T => {
      let x = random.next() * items.reduce((sum, t) => sum + weight(t), 0);
      for (const t of items) if ((x -= weight(t)) < 0) return t;
      return items[items.length - 1]!;
    };
    const tick = () => {
      if (stopped || paused) return;
      const load = options.dailyPattern === false ? 1 : HOURLY_LOAD[beijing().getUTCHours()]!;
      // At most 64 exchanges at once: a slow Hutong slows the hospital down instead of piling up requests.
      if (inFlight.size < 64) {
        if (random.chance(failRate)) {
          const kind = random.pick(BAD_KINDS);
          void track(`deliberate ${kind}`, BAD_STEPS[kind](ctx));
        } else {
          const system = pickWeighted(senders, (s) => s.share);
          const [code] = pickWeighted(Object.entries(system.traffic), ([, w]) => w);
          void track(`${system.code} ${code}`, STEPS[code]!(ctx, system.code));
        }
      }
      // Poisson arrivals around the current rate.
      const perSecond = Math.max(0.05, rate * load);
      timer = setTimeout(tick, (-Math.log(1 - random.next()) * 1000) / perSecond);
    };
    const startup = (
      options.tour === false
        ? Promise.resolve()
        : track(
            'start-up tour',
            startupTour(ctx, () => stopped || paused, failRate > 0),
          )
    ).then(() => {
      if (!stopped && !paused) tick();
    });
    return {
      url: base,
      admin: { username: config.adminUsername, password: env.HUTONG_ADMIN_PASSWORD, generated },
      dataDir,
      mllp: setup.mllp,
      stats,
      hutong,
      systems: SYSTEMS,
      hospital,
      startup,
      pause,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

const USAGE = `hutong demo — 演示：启动互通并模拟医院各业务系统 / start Hutong with simulated hospital systems

Options:
  --reset              清空演示数据后重新开始 / delete the demo data directory first (${DEMO_DATA_DIR})
  --rate <n>           高峰时段每秒消息数，默认 10 / messages per second at the busiest hour (default 10)
  --fail-rate <0..1>   故意失败的比例，默认 0.03 / share of deliberate failures (default 0.03)
  --no-tour            跳过启动时逐一发送每个服务 / skip the start-up tour (every service once)
  --flat               不按医院作息，全天满速 / ignore the hospital's day, full rate all the time
  --config <file>      配置文件 / configuration file
Environment: HUTONG_PORT (默认 default 8080), HUTONG_DATA_DIR (默认 default ${DEMO_DATA_DIR}), HUTONG_MLLP_PORT …`;

/** The `hutong demo` command: runs until SIGINT/SIGTERM. */
export async function runDemoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      reset: { type: 'boolean' },
      rate: { type: 'string' },
      'fail-rate': { type: 'string' },
      flat: { type: 'boolean' },
      'no-tour': { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  const failRate = values['fail-rate'] === undefined ? undefined : Number(values['fail-rate']);
  if (
    (rate !== undefined && !(rate > 0 && rate <= 1000)) ||
    (failRate !== undefined && !(failRate >= 0 && failRate <= 1))
  ) {
    console.error(
      `--rate 须在 (0, 1000]，--fail-rate 须在 [0, 1] / --rate must be in (0, 1000], --fail-rate in [0, 1]\n\n${USAGE}`,
    );
    return 2;
  }
  const demo = await startDemo({
    ...(values.reset ? { reset: true } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(failRate !== undefined ? { failRate } : {}),
    ...(values.flat ? { dailyPattern: false } : {}),
    ...(values['no-tour'] ? { tour: false } : {}),
    ...(values.config ? { configFile: values.config } : {}),
  });
  const consoleUrl = demo.url.replace('127.0.0.1', 'localhost');
  console.log(
    [
      '',
      '互通 Hutong 演示已启动 / demo is running',
      `  控制台 Console:   ${consoleUrl}`,
      `  用户名 Username:  ${demo.admin.username}`,
      `  密码 Password:    ${demo.admin.password}${demo.admin.generated ? '' : '  (HUTONG_ADMIN_PASSWORD)'}`,
      `  数据 Data:        ${demo.dataDir ?? '(HUTONG_DATABASE_URL)'}   —  --reset 重新开始 / start over`,
      `  MLLP:             ${demo.mllp.host}:${demo.mllp.port} (${demo.mllp.endpoint}; ORU^R01 → LabReportV2, ORM^O01 → CheckStatusV2)`,
      `  模拟系统 Systems: ${demo.systems.map((s) => s.code).join(', ')}`,
      "  启动时逐一发送目录中的每个服务，随后按医院作息持续收发 / every service once at start-up, then the hospital's day",
      '  看这里 Look at: 监控大屏 / 消息检索 / 临床数据中心 / 死信 — 按 Ctrl-C 停止 / Ctrl-C to stop',
      '',
    ].join('\n'),
  );
  const reported = new Set<string>();
  const every = setInterval(() => {
    console.log(demo.stats.line());
    if (demo.stats.lastError) console.log(`  最近错误 last error: ${demo.stats.lastError}`);
    demo.stats.lastError = undefined;
    for (const [what, u] of Object.entries(demo.stats.unexpected)) {
      if (!reported.has(what)) console.log(`  意外拒收 unexpected: ${what} ×${u.count} — ${u.reason}`);
      reported.add(what);
    }
  }, 10_000);
  const stop = async () => {
    clearInterval(every);
    console.log('\n正在停止 stopping…');
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => undefined);
}
