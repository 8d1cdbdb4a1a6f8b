// The one error type the HL7 v2 codec throws. Callers (the MLLP adapter, the console, the engine) branch on `code`,
// which is stable; `message` is for people and may be reworded.

export type Hl7ErrorCode =
  /** Input is empty or only whitespace. */
  | 'HL7V2_EMPTY'
  /** Input is not a string / byte array (a JavaScript caller passed something else). */
  | 'HL7V2_BAD_INPUT'
  /** The text does not start with an MSH segment. */
  | 'HL7V2_NO_MSH'
  /** The MSH segment ends before its delimiters are complete. */
  | 'HL7V2_MSH_TOO_SHORT'
  /** MSH-1 / MSH-2 hold unusable delimiters (letters, digits, duplicates, whitespace …). */
  | 'HL7V2_BAD_DELIMITERS'
  /** MSH-18 (or the fallback) names a character set we cannot decode or encode. */
  | 'HL7V2_BAD_CHARSET'
  /** Text contains characters the message's character set cannot represent. */
  | 'HL7V2_UNENCODABLE'
  /** A path such as `PID-5.1` is malformed, or addresses something that cannot be written. */
  | 'HL7V2_BAD_PATH'
  /** parseAck() was given a message without an MSA segment. */
  | 'HL7V2_NOT_ACK';

export class Hl7ParseError extends Error {
  override readonly name = 'Hl7ParseError';
  readonly code: Hl7ErrorCode;

  constructor(code: Hl7ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
