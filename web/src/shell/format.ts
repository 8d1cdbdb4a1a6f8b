/** Display helpers shared by the console's pages. */

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An ISO-8601 instant as Asia/Shanghai local time `YYYY-MM-DD HH:mm:ss` (— when absent). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    shanghai.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** Password policy as the server enforces it (the history rule can only be checked by the server). */
export const PASSWORD_MIN_LENGTH = 8;

export function passwordClassCount(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

/** An optional text field's value as the API takes it: trimmed, '' meaning "no value". */
export function trimmed(value: string | null | undefined): string {
  return value?.trim() ?? '';
}

/** Like {@link trimmed}, but leaves an empty field out (for create calls). */
export function optional(value: string | null | undefined): string | undefined {
  return trimmed(value) || undefined;
}
