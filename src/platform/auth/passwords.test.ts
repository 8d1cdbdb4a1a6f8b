import { describe, expect, it } from 'vitest';
import { generatePassword } from './identity.js';
import { characterClasses, hashPassword, meetsPolicy, verifyPassword } from './passwords.js';

describe('password policy', () => {
  it('needs 8 characters from at least 3 of lower, upper, digit, symbol', () => {
    expect(meetsPolicy('Abcdef1!', 8)).toBe(true);
    expect(meetsPolicy('abcdef12', 8)).toBe(false); // two classes
    expect(meetsPolicy('Abcdef1', 8)).toBe(false); // seven characters
    expect(meetsPolicy('abcdef1!', 8)).toBe(true);
    expect(meetsPolicy('密码Abc123', 8)).toBe(true); // Chinese characters count as symbols
    expect(characterClasses('aA1!')).toBe(4);
  });

  it('generates passwords that meet the policy', () => {
    for (let i = 0; i < 50; i++) expect(meetsPolicy(generatePassword(), 12)).toBe(true);
  });

  it('hashes with argon2id and verifies', async () => {
    const hashed = await hashPassword('Abcdef1!');
    expect(hashed).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hashed, 'Abcdef1!')).toBe(true);
    expect(await verifyPassword(hashed, 'Abcdef1?')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
