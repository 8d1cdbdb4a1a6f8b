// Outbound file (文件投递): writes each delivery as a file into a folder another system polls — the usual way older
// hospital systems exchange data. The name comes from a pattern with placeholders, the bytes in the encoding the
// reader expects (UTF-8, GB18030, GBK). A reader never sees half a file: the content goes to a hidden temporary file
// in the same folder, is fsynced, then appears under its final name in one step (link or rename) and the folder is
// fsynced too. Placeholder values cannot leave the folder (`/`, `\` and `..` are replaced), and when the adapter is
// given allowed roots the folder itself must lie inside one of them.
import { constants as fsConstants } from 'node:fs';
import { access, link, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import Type, { type Static } from 'typebox';
import { formatShanghai } from '../../transforms/dates.js';
import type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from '../types.js';

export const DEFAULT_FILE_NAME = '{topic}_{date:yyyyMMddHHmmssSSS}_{messageId}.{ext}';

export const FileAdapterConfig = Type.Object(
  {
    directory: Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: '^(/|[A-Za-z]:[\\\\/]|\\\\\\\\)',
      description: '目标目录（绝对路径），如 /data/exchange/lis · Target folder (absolute path)',
    }),
    fileName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        default: DEFAULT_FILE_NAME,
        description:
          '文件名模式，占位符：{messageId} {deliveryId} {attempt} {topic} {domain} {ext} {seq} ' +
          '{date:yyyyMMdd} {time:HHmmss}（北京时间）；可含子目录，如 {date:yyyyMMdd}/{messageId}.xml · File name pattern',
      }),
    ),
    encoding: Type.Optional(
      Type.Union([Type.Literal('UTF-8'), Type.Literal('GB18030'), Type.Literal('GBK')], {
        default: 'UTF-8',
        description: '文件编码 · Encoding of the file',
      }),
    ),
    ifExists: Type.Optional(
      Type.Union([Type.Literal('suffix'), Type.Literal('fail'), Type.Literal('overwrite')], {
        default: 'suffix',
        description:
          '同名文件已存在时：suffix 加序号（name_1.xml）、fail 记为失败、overwrite 覆盖 · ' +
          'When the file exists: add a number, fail, or overwrite',
      }),
    ),
    createDirectory: Type.Optional(
      Type.Boolean({ default: false, description: '目录不存在时自动创建 · Create the folder if missing' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        default: 30_000,
        description: '单次写入超时（毫秒）· Timeout of one write (ms)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FileAdapterConfig = Static<typeof FileAdapterConfig>;

export const fileAdapterDescriptor: AdapterDescriptor = {
  type: 'file',
  name: '文件投递',
  nameEn: 'File drop',
  className: 'FileOutboundAdapter',
  direction: 'outbound',
  protocol: 'File system',
  description:
    '把消息写成文件放入指定目录（共享目录、FTP 落地目录等）：文件名按模式生成，支持 UTF-8 / GB18030 / GBK 编码，' +
    '先写临时文件并落盘再改名，读取方不会读到半个文件',
  configSchema: FileAdapterConfig,
};

export interface FileOutboundAdapterOptions {
  /** When given, target folders must lie inside one of these (after resolving symbolic links). */
  allowedRoots?: string[];
  /** The clock for {date}/{time} (tests). */
  now?: () => number;
}

const DEFAULT_TIMEOUT = 30_000;
const MAX_SUFFIX = 1000;

export class FileOutboundAdapter implements OutboundAdapter {
  private readonly sequences = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: FileOutboundAdapterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  timeoutMs(config: Record<string, unknown>): number {
    return (config as FileAdapterConfig).timeoutMs ?? DEFAULT_TIMEOUT;
  }

  async send(raw: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
    const config = raw as FileAdapterConfig;
    if (signal.aborted) return { ok: false, error: 'aborted (Hutong is stopping)' };
    const timeout = this.timeoutMs(raw);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<OutboundResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, timedOut: true, error: `timeout after ${timeout} ms` }), timeout);
    });
    try {
      return await Promise.race([limit, this.write(config, request)]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Checks the folder exists (or may be created) and is writable, and shows the name the pattern gives. */
  async test(raw: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
    const config = raw as FileAdapterConfig;
    const directory = path.resolve(config.directory);
    let example: string;
    try {
      await this.checkRoots(directory);
      example = this.fileName(config, sample, false);
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    const info = await stat(directory).catch(() => undefined);
    if (info && !info.isDirectory()) return { ok: false, message: `${directory} 不是目录 · is not a folder` };
    let writable = directory;
    if (!info) {
      if (!config.createDirectory) {
        return { ok: false, message: `目录不存在 · folder does not exist: ${directory}` };
      }
      writable = await nearestExisting(directory);
    }
    try {
      await access(writable, fsConstants.W_OK | fsConstants.X_OK);
    } catch (error) {
      return { ok: false, message: `${writable} 不可写 · not writable: ${(error as Error).message}` };
    }
    return {
      ok: true,
      message:
        `${info ? '目录存在且可写 · folder exists and is writable' : '目录将在首次投递时创建 · folder will be created'}: ${directory}；` +
        `示例文件名 example: ${example}`,
    };
  }

  async close(): Promise<void> {
    this.sequences.clear();
  }

  private async write(config: FileAdapterConfig, request: OutboundRequest): Promise<OutboundResult> {
    const directory = path.resolve(config.directory);
    let bytes: Buffer;
    let relative: string;
    try {
      await this.checkRoots(directory);
      relative = this.fileName(config, request, true);
      bytes = encode(request.body, config.encoding ?? 'UTF-8');
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    let tmp: string | undefined;
    try {
      if (config.createDirectory) {
        await mkdir(directory, { recursive: true });
      } else {
        const info = await stat(directory).catch(() => undefined);
        if (!info?.isDirectory()) return { ok: false, error: `目录不存在 · folder does not exist: ${directory}` };
      }
      const target = path.join(directory, relative);
      const folder = path.dirname(target);
      if (folder !== directory) await mkdir(folder, { recursive: true });
      tmp = path.join(folder, `.${path.basename(target)}.${Math.random().toString(36).slice(2, 10)}.tmp`);
      const handle = await open(tmp, 'wx', 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      const placed = await place(tmp, target, config.ifExists ?? 'suffix');
      if (placed.moved) tmp = undefined;
      if (!placed.file) {
        return { ok: false, statusCode: 'EEXIST', error: `文件已存在 · file exists: ${target}` };
      }
      await syncFolder(folder);
      return {
        ok: true,
        statusCode: 'written',
        response: JSON.stringify({ file: placed.file, bytes: bytes.length }),
        responseContentType: 'application/json',
      };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { ok: false, ...(e.code ? { statusCode: e.code } : {}), error: e.message };
    } finally {
      if (tmp) await unlink(tmp).catch(() => undefined);
    }
  }

  /** The path under the folder the pattern gives for this request; placeholder values are made harmless. */
  private fileName(config: FileAdapterConfig, request: OutboundRequest, count: boolean): string {
    const pattern = config.fileName ?? DEFAULT_FILE_NAME;
    const at = this.now();
    const rendered = pattern.replace(/\{([A-Za-z]+)(?::([^{}]*))?\}/g, (_m, name: string, arg: string | undefined) => {
      switch (name) {
        case 'messageId':
          return safe(request.messageId);
        case 'deliveryId':
          return safe(request.deliveryId);
        case 'attempt':
          return String(request.attempt);
        case 'topic':
          return safe(request.topic);
        case 'domain':
          return safe(request.domain);
        case 'ext':
          return extensionFor(request.contentType);
        case 'seq':
          return String(count ? this.nextSeq(config.directory) : 1).padStart(6, '0');
        case 'date':
        case 'time':
          return safe(formatPicture(at, arg ?? (name === 'date' ? 'yyyyMMdd' : 'HHmmss')));
        default:
          throw new Error(
            `文件名中的占位符 {${name}} 不支持 · unknown file name placeholder {${name}} ` +
              '(use {messageId} {deliveryId} {attempt} {topic} {domain} {ext} {seq} {date:…} {time:…})',
          );
      }
    });
    if (/[{}]/.test(rendered)) throw new Error(`文件名模式有误 · malformed file name pattern: ${pattern}`);
    const relative = path.normalize(rendered);
    const parts = relative.split(path.sep);
    if (path.isAbsolute(relative) || parts.includes('..') || relative.endsWith(path.sep) || relative === '.') {
      throw new Error(`文件名必须位于目标目录之内 · the file name must stay inside the folder: ${rendered}`);
    }
    return relative;
  }

  private nextSeq(directory: string): number {
    const next = (this.sequences.get(directory) ?? 0) + 1;
    this.sequences.set(directory, next);
    return next;
  }

  private async checkRoots(directory: string): Promise<void> {
    const roots = this.options.allowedRoots;
    if (!roots || roots.length === 0) return;
    const real = await realpath(directory).catch(() => realpathOfNearest(directory));
    for (const root of roots) {
      const realRoot = await realpath(path.resolve(root)).catch(() => path.resolve(root));
      const rel = path.relative(realRoot, real);
      if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return;
    }
    throw new Error(`目录 ${directory} 不在允许的根目录内 · folder is outside the allowed roots (${roots.join(', ')})`);
  }
}

const sample: OutboundRequest = {
  body: '',
  contentType: 'application/json',
  messageId: '0190f3c2-7a1b-7c3d-8e4f-000000000001',
  deliveryId: '0190f3c2-7a1b-7c3d-8e4f-000000000002',
  attempt: 1,
  topic: 'TOPIC',
  domain: 'default',
};

/** A placeholder value as one harmless path segment: no separators, no `..`, no characters Windows refuses. */
export function safe(value: string): string {
  const cleaned = value.replace(/[/\\:*?"<>|\p{Cc}]/gu, '_').replace(/\.{2,}/g, '_');
  return cleaned.replace(/^\.+/, '_') || '_';
}

function formatPicture(at: number, picture: string): string {
  try {
    return formatShanghai(at, picture);
  } catch (error) {
    throw new Error(`日期格式 ${picture} 有误 · bad date picture: ${(error as Error).message}`, { cause: error });
  }
}

export function extensionFor(contentType: string): string {
  const t = contentType.toLowerCase();
  if (t.includes('json')) return 'json';
  if (t.includes('hl7') || t.includes('er7')) return 'hl7';
  if (t.includes('xml')) return 'xml';
  if (t.includes('csv')) return 'csv';
  if (t.startsWith('text/')) return 'txt';
  return 'dat';
}

/** The body in the file's encoding; GBK cannot hold every character, and a lossy file is refused, not written. */
export function encode(body: string, encoding: 'UTF-8' | 'GB18030' | 'GBK'): Buffer {
  if (encoding === 'UTF-8') return Buffer.from(body, 'utf8');
  const bytes = iconv.encode(body, encoding.toLowerCase());
  if (encoding === 'GBK' && iconv.decode(bytes, 'gbk') !== body) {
    const bad = [...body].find((ch) => iconv.decode(iconv.encode(ch, 'gbk'), 'gbk') !== ch) ?? '?';
    throw new Error(`消息含 GBK 无法表示的字符 “${bad}”，请改用 GB18030 · the body has characters GBK cannot encode`);
  }
  return bytes;
}

/**
 * Moves the finished temporary file to its name. `link` fails when the name is taken, which makes fail/suffix
 * race-free; where links are not supported (some network shares) an existence check and rename stand in.
 */
async function place(
  tmp: string,
  target: string,
  ifExists: 'suffix' | 'fail' | 'overwrite',
): Promise<{ file?: string; moved: boolean }> {
  if (ifExists === 'overwrite') {
    await rename(tmp, target);
    return { file: target, moved: true };
  }
  const ext = path.extname(target);
  const stem = target.slice(0, target.length - ext.length);
  const tries = ifExists === 'fail' ? 1 : MAX_SUFFIX;
  for (let i = 0; i < tries; i++) {
    const candidate = i === 0 ? target : `${stem}_${i}${ext}`;
    try {
      await link(tmp, candidate);
      return { file: candidate, moved: false };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
      if (
        await stat(candidate).then(
          () => true,
          () => false,
        )
      )
        continue;
      await rename(tmp, candidate);
      return { file: candidate, moved: true };
    }
  }
  return { moved: false };
}

/** Makes the new directory entry durable (Linux); elsewhere opening a folder for sync is not possible — skip. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Not supported on this platform or file system.
  } finally {
    await handle?.close();
  }
}

async function nearestExisting(directory: string): Promise<string> {
  let cur = directory;
  while (
    !(await stat(cur).then(
      () => true,
      () => false,
    ))
  ) {
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  return cur;
}

async function realpathOfNearest(directory: string): Promise<string> {
  const existing = await nearestExisting(directory);
  const real = await realpath(existing).catch(() => existing);
  return path.join(real, path.relative(existing, directory));
}
