import i18n from '../i18n';
import type { Role } from './api';

/** A role's name in the console's language. */
export function roleName(role: Pick<Role, 'name' | 'nameEn'>): string {
  return i18n.language === 'en' && role.nameEn ? role.nameEn : role.name;
}
