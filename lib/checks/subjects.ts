import { text } from './field-readers.ts';
import type { Fields } from './field-readers.ts';
import { matchesPattern } from '../io/glob.ts';

/**
 * Groups and users that stand for whole populations. Granting them power is never routine, so only an
 * allow-list entry naming them exactly allows them: `group:system:*` does not.
 */
const CATCH_ALL = /^(user:system:anonymous|group:system:(unauthenticated|authenticated|serviceaccounts(:.*)?))$/;

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/**
 * A binding subject in allow-list form: `user:alice`, `group:devs`, `serviceaccount:ops/deployer`. A service
 * account without a namespace is in the binding's; a User spelled `system:serviceaccount:ns:name` is that
 * service account (so `user:system:*` cannot allow it by accident).
 */
export function subjectKey(subject: Fields, bindingNamespace: string | undefined): string | undefined {
  const kind = text(subject['kind']);
  const name = text(subject['name']);
  if (name === undefined) return undefined;
  if (kind === 'ServiceAccount')
    return `serviceaccount:${text(subject['namespace']) ?? bindingNamespace ?? 'default'}/${name}`;
  if (kind === 'Group') return `group:${name}`;
  if (kind !== 'User') return undefined;
  const serviceAccount = SERVICE_ACCOUNT_USER.exec(name);
  return serviceAccount ? `serviceaccount:${serviceAccount[1] ?? ''}/${serviceAccount[2] ?? ''}` : `user:${name}`;
}

export function isAllowedSubject(key: string, allowSubjects: readonly string[]): boolean {
  if (CATCH_ALL.test(key)) return allowSubjects.includes(key);
  return allowSubjects.some((pattern) => matchesPattern(key, pattern));
}
