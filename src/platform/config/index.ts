// Typed configuration, read once at boot from an optional file and the environment (the environment wins),
// validated as a whole: a bad configuration stops the process with the full list of problems, not the first one.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ default: '0.0.0.0', minLength: 1, description: 'HUTONG_HOST' }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: 'HUTONG_PORT' }),
    dataDir: Type.String({ default: './data', minLength: 1, description: 'HUTONG_DATA_DIR' }),
    databaseUrl: Type.Optional(
      Type.String({ pattern: '^(postgres|postgresql|sqlite):', description: 'HUTONG_DATABASE_URL' }),
    ),
    adminUsername: Type.String({ default: 'admin', pattern: '^[A-Za-z0-9_.@-]{2,64}$' }),
    adminPassword: Type.Optional(Type.String({ minLength: 1, description: 'HUTONG_ADMIN_PASSWORD' })),
    logLevel: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info' },
    ),
    http: Type.Object(
      {
        bodyLimitBytes: Type.Integer({ default: 10 * 1024 * 1024, minimum: 1024 }),
        trustProxy: Type.Boolean({ default: false }),
      },
      { default: {}, additionalProperties: false },
    ),
    storage: Type.Object(
      {
        durability: Type.Union([Type.Literal('fsync'), Type.Literal('process')], {
          default: 'fsync',
          description:
            'fsync: an acknowledged message is on disk (survives a power cut). process: survives a crash of Hutong but not of the machine; faster',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    engine: Type.Object(
      {
        dedupWindowMinutes: Type.Integer({ default: 1440, minimum: 0, maximum: 60 * 24 * 30 }),
        pollIntervalMs: Type.Integer({ default: 500, minimum: 50, maximum: 60_000 }),
        defaultDomain: Type.String({ default: 'default', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
        xmlWorkers: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: 16,
            description:
              'HUTONG_XML_WORKERS: threads that read WebService requests (the SOAP envelope and its HL7 V3 message) off the event loop; default one fewer than the CPU cores, at most 4; 0 = on the event loop',
          }),
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    services: Type.Object(
      {
        seedTopics: Type.Boolean({
          default: true,
          description:
            'HUTONG_SERVICE_TOPICS: on first start, every interaction service of the catalogue becomes a topic of the default domain',
        }),
        cdr: Type.Boolean({
          default: true,
          description:
            'HUTONG_CDR: the clinical data repository keeps the state of the service topics of the default domain (checks references and state machines, answers the queries); false: the platform only routes',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    mllp: Type.Object(
      {
        port: Type.Integer({
          default: 2575,
          minimum: 0,
          maximum: 65535,
          description:
            'HUTONG_MLLP_PORT: on first start, the default domain gets an MLLP endpoint on this port (loopback callers only); 0 = none',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    validation: Type.Object(
      {
        hl7v3XsdDir: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              "HUTONG_HL7V3_XSD_DIR: the 互联互通 service XSDs (<ActionCode>.xsd); HL7V3 topics with validation on are checked against their service's XSD",
          }),
        ),
        cdaXsdDir: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              "HUTONG_CDA_XSD_DIR: the WS/T 500 document XSDs (C0001.xsd …); CDA topics with validation on are checked against their document type's XSD",
          }),
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    session: Type.Object(
      {
        idleMinutes: Type.Integer({ default: 30, minimum: 1, maximum: 24 * 60 }),
        absoluteHours: Type.Integer({ default: 12, minimum: 1, maximum: 24 * 30 }),
        cookieSecure: Type.Boolean({ default: false }),
      },
      { default: {}, additionalProperties: false },
    ),
    security: Type.Object(
      {
        lockoutThreshold: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
        lockoutMinutes: Type.Integer({ default: 15, minimum: 1, maximum: 24 * 60 }),
        passwordHistory: Type.Integer({ default: 5, minimum: 0, maximum: 24 }),
        passwordMinLength: Type.Integer({ default: 8, minimum: 8, maximum: 128 }),
        strictSeparation: Type.Boolean({ default: false }),
      },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variable → config path. Only these are read; anything else in the environment is ignored. */
const ENV_MAP: Record<string, { path: string[]; type: 'string' | 'integer' | 'boolean' }> = {
  HUTONG_HOST: { path: ['host'], type: 'string' },
  HUTONG_PORT: { path: ['port'], type: 'integer' },
  HUTONG_DATA_DIR: { path: ['dataDir'], type: 'string' },
  HUTONG_DATABASE_URL: { path: ['databaseUrl'], type: 'string' },
  HUTONG_ADMIN_USERNAME: { path: ['adminUsername'], type: 'string' },
  HUTONG_ADMIN_PASSWORD: { path: ['adminPassword'], type: 'string' },
  HUTONG_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  HUTONG_BODY_LIMIT_BYTES: { path: ['http', 'bodyLimitBytes'], type: 'integer' },
  HUTONG_TRUST_PROXY: { path: ['http', 'trustProxy'], type: 'boolean' },
  HUTONG_DURABILITY: { path: ['storage', 'durability'], type: 'string' },
  HUTONG_DEDUP_WINDOW_MINUTES: { path: ['engine', 'dedupWindowMinutes'], type: 'integer' },
  HUTONG_XML_WORKERS: { path: ['engine', 'xmlWorkers'], type: 'integer' },
  HUTONG_HL7V3_XSD_DIR: { path: ['validation', 'hl7v3XsdDir'], type: 'string' },
  HUTONG_CDA_XSD_DIR: { path: ['validation', 'cdaXsdDir'], type: 'string' },
  HUTONG_MLLP_PORT: { path: ['mllp', 'port'], type: 'integer' },
  HUTONG_SERVICE_TOPICS: { path: ['services', 'seedTopics'], type: 'boolean' },
  HUTONG_CDR: { path: ['services', 'cdr'], type: 'boolean' },
  HUTONG_SESSION_IDLE_MINUTES: { path: ['session', 'idleMinutes'], type: 'integer' },
  HUTONG_SESSION_ABSOLUTE_HOURS: { path: ['session', 'absoluteHours'], type: 'integer' },
  HUTONG_COOKIE_SECURE: { path: ['session', 'cookieSecure'], type: 'boolean' },
  HUTONG_LOCKOUT_THRESHOLD: { path: ['security', 'lockoutThreshold'], type: 'integer' },
  HUTONG_LOCKOUT_MINUTES: { path: ['security', 'lockoutMinutes'], type: 'integer' },
  HUTONG_PASSWORD_HISTORY: { path: ['security', 'passwordHistory'], type: 'integer' },
  HUTONG_STRICT_SEPARATION: { path: ['security', 'strictSeparation'], type: 'boolean' },
};

export const CONFIG_ENV_VARS = Object.keys(ENV_MAP);

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON or YAML file; defaults to $HUTONG_CONFIG, then ./hutong.config.yaml|json when present. */
  file?: string;
  /** Values that win over everything (tests). */
  overrides?: Record<string, unknown>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};

  const file = options.file ?? env.HUTONG_CONFIG ?? findDefaultFile();
  if (file) {
    try {
      const text = readFileSync(file, 'utf8');
      const parsed: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        raw = parsed as Record<string, unknown>;
      } else if (parsed !== null && parsed !== undefined) {
        problems.push(`${file}: the file must hold an object`);
      }
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }

  for (const [name, target] of Object.entries(ENV_MAP)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const converted = convertEnv(value, target.type);
    if (converted === undefined) {
      problems.push(`${name}: "${value}" is not a valid ${target.type}`);
      continue;
    }
    setPath(raw, target.path, converted);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) raw[key] = value;

  const withDefaults = Value.Default(ConfigSchema, Value.Clone(raw)) as unknown;
  for (const error of Value.Errors(ConfigSchema, withDefaults)) {
    const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '(root)';
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      problems.push(`${where}: unknown setting ${extra.map((e) => `"${e}"`).join(', ')}`);
    } else if (error.keyword !== 'boolean') {
      problems.push(`${where}: ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return withDefaults as Config;
}

function findDefaultFile(): string | undefined {
  for (const name of ['hutong.config.yaml', 'hutong.config.yml', 'hutong.config.json']) {
    const candidate = path.resolve(name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function convertEnv(value: string, type: 'string' | 'integer' | 'boolean'): string | number | boolean | undefined {
  if (type === 'string') return value;
  if (type === 'integer') return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** The SQLite file used when no database URL is configured. */
export function sqliteFileFor(config: Config): string {
  if (config.databaseUrl?.startsWith('sqlite:')) {
    const rest = config.databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
    return rest === ':memory:' ? ':memory:' : path.resolve(rest);
  }
  return path.resolve(config.dataDir, 'hutong.db');
}

/** A copy safe to print: secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  if (config.adminPassword) copy.adminPassword = '********';
  if (config.databaseUrl) copy.databaseUrl = config.databaseUrl.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:****@');
  return copy;
}
