// The trace of one message (消息轨迹): a timeline built from the message row, its deliveries and their attempts, and
// the messages it was resent as — received, validated or rejected, routed, each delivery, each attempt, delivered or
// dead letter, resent. Pure: the service loads the rows, this orders the story.
import type { Lang } from '../../platform/errors/index.js';
import type { AttemptsTable, DeliveriesTable, MessagesTable } from '../tables.js';
import type { TraceEvent } from './schema.js';

type AttemptRow = Omit<AttemptsTable, 'id'> & { id: number | string };

export interface TraceInput {
  message: MessagesTable;
  deliveries: DeliveriesTable[];
  attempts: AttemptRow[];
  children: { id: string; resend_kind: string | null; received_at: string; status: string }[];
  systemCode: string | null;
  subscriptionName(subscriptionId: string): string | null;
  lang: Lang;
}

const TEXT = {
  received: { 'zh-CN': '接收消息', en: 'Received' },
  resentFrom: { 'zh-CN': '重发自 {id}', en: 'resent from {id}' },
  editedFrom: { 'zh-CN': '编辑后重发自 {id}', en: 'edited and resent from {id}' },
  validated: { 'zh-CN': '校验通过', en: 'Validated' },
  rejected: { 'zh-CN': '拒收', en: 'Rejected' },
  routed: { 'zh-CN': '路由到 {n} 个订阅', en: 'Routed to {n} subscription(s)' },
  noRoute: { 'zh-CN': '没有匹配的订阅', en: 'No matching subscription' },
  delivery: { 'zh-CN': '投递给 {sub}', en: 'Delivery to {sub}' },
  redelivery: { 'zh-CN': '重新投递给 {sub}', en: 'Delivery resent to {sub}' },
  redeliveryOf: { 'zh-CN': '重发自投递 {id}', en: 'resend of delivery {id}' },
  attempt: { 'zh-CN': '第 {n} 次尝试：{outcome}', en: 'Attempt {n}: {outcome}' },
  delivered: { 'zh-CN': '已投递到 {sub}', en: 'Delivered to {sub}' },
  dead: { 'zh-CN': '投递失败（死信）：{sub}', en: 'Dead letter: {sub}' },
  cancelled: { 'zh-CN': '投递已取消：{sub}', en: 'Delivery cancelled: {sub}' },
  resentAs: { 'zh-CN': '已重发为新消息', en: 'Resent as a new message' },
  editedAs: { 'zh-CN': '已编辑后重发为新消息', en: 'Edited and resent as a new message' },
} as const;

function say(key: keyof typeof TEXT, lang: Lang, params: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/** The timeline, oldest first; events at the same instant keep the order of the story (received before routed …). */
export function buildTrace(input: TraceInput): TraceEvent[] {
  const { message: m, lang } = input;
  const events: TraceEvent[] = [];
  const sub = (id: string) => input.subscriptionName(id) ?? id;

  const origin = [m.inbound, input.systemCode, `${m.size} B`].filter(Boolean).join(' · ');
  const lineage =
    m.parent_id === null
      ? ''
      : ` · ${say(m.resend_kind === 'edit' ? 'editedFrom' : 'resentFrom', lang, { id: m.parent_id })}`;
  events.push({ at: m.received_at, kind: 'received', title: say('received', lang), detail: origin + lineage });

  if (m.status === 'rejected') {
    events.push({
      at: m.received_at,
      kind: 'rejected',
      title: say('rejected', lang),
      status: 'rejected',
      ...(m.error ? { detail: m.error } : {}),
    });
  } else {
    if (m.validated === 1) events.push({ at: m.received_at, kind: 'validated', title: say('validated', lang) });
    const n = Number(m.routed_count);
    events.push({
      at: m.received_at,
      kind: 'routed',
      title: n > 0 ? say('routed', lang, { n }) : say('noRoute', lang),
      status: m.status,
    });
  }

  const attemptsByDelivery = new Map<string, AttemptRow[]>();
  for (const a of input.attempts) {
    const list = attemptsByDelivery.get(a.delivery_id) ?? [];
    list.push(a);
    attemptsByDelivery.set(a.delivery_id, list);
  }
  for (const d of input.deliveries) {
    const name = sub(d.subscription_id);
    events.push({
      at: d.created_at,
      kind: d.parent_id ? 'resent' : 'delivery',
      title: say(d.parent_id ? 'redelivery' : 'delivery', lang, { sub: name }),
      deliveryId: d.id,
      status: d.status,
      ...(d.parent_id ? { detail: say('redeliveryOf', lang, { id: d.parent_id }) } : {}),
    });
    for (const a of attemptsByDelivery.get(d.id) ?? []) {
      const detail = a.outcome === 'ok' ? a.status_code : (a.error ?? a.status_code);
      events.push({
        at: a.started_at,
        kind: 'attempt',
        title: say('attempt', lang, { n: a.n, outcome: a.outcome }),
        deliveryId: d.id,
        status: a.outcome,
        durationMs: Number(a.duration_ms),
        ...(detail ? { detail } : {}),
      });
    }
    if (d.finished_at && (d.status === 'delivered' || d.status === 'dead' || d.status === 'cancelled')) {
      events.push({
        at: d.finished_at,
        kind: d.status === 'delivered' ? 'delivered' : 'dead',
        title: say(d.status === 'delivered' ? 'delivered' : d.status === 'dead' ? 'dead' : 'cancelled', lang, {
          sub: name,
        }),
        deliveryId: d.id,
        status: d.status,
        ...(d.status !== 'delivered' && d.last_error ? { detail: d.last_error } : {}),
      });
    }
  }

  for (const c of input.children) {
    events.push({
      at: c.received_at,
      kind: 'resent',
      title: say(c.resend_kind === 'edit' ? 'editedAs' : 'resentAs', lang),
      detail: c.id,
      status: c.status,
    });
  }

  // A stable sort: same-instant events keep the order they were pushed in.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i))
    .map(({ e }) => e);
}
