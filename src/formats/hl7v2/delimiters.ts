// The five (six from v2.7 on) delimiter characters of one HL7 v2 message, read from MSH-1 and MSH-2.
// Every message carries its own: nothing in the codec may assume `|^~\&`.

export interface Hl7Delimiters {
  /** MSH-1, usually `|` (字段分隔符). */
  readonly field: string;
  /** MSH-2 first character, usually `^` (组件分隔符). */
  readonly component: string;
  /** MSH-2 second character, usually `~` (重复分隔符). */
  readonly repetition: string;
  /** MSH-2 third character, usually `\` (转义符). */
  readonly escape: string;
  /** MSH-2 fourth character, usually `&` (子组件分隔符). */
  readonly subcomponent: string;
  /** MSH-2 fifth character, v2.7+ only, usually `#` (截断符); empty when absent. */
  readonly truncation: string;
}

export const DEFAULT_DELIMITERS: Hl7Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/** MSH-2 exactly as it must be written for these delimiters. */
export function encodingCharacters(d: Hl7Delimiters): string {
  return d.component + d.repetition + d.escape + d.subcomponent + d.truncation;
}

/**
 * Why a character cannot be a delimiter, or undefined when it can. Letters, digits, whitespace and control characters
 * would make ordinary data ambiguous, so real parsers (HAPI included) refuse them too.
 */
export function delimiterProblem(ch: string): string | undefined {
  const c = ch.charCodeAt(0);
  if (ch.length !== 1) return 'is not a single character';
  if (c < 0x20 || c === 0x7f) return 'is a control character';
  if (c === 0x20) return 'is a space';
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return 'is a letter or digit';
  if (c > 0x7e) return 'is not an ASCII character';
  return undefined;
}
