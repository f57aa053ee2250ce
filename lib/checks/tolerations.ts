import { text } from './field-readers.ts';
import type { Fields } from './field-readers.ts';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export function tolerationOf(fields: Fields): Toleration {
  const toleration: Toleration = {};
  for (const field of ['key', 'operator', 'value', 'effect'] as const) {
    const value = text(fields[field]);
    if (value !== undefined) toleration[field] = value;
  }
  return toleration;
}

/**
 * Kubernetes' Toleration.ToleratesTaint: an empty effect matches every effect, an empty key matches every key
 * (API validation only allows that with Exists), Exists ignores the value, Equal (the default) needs the same value.
 */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}
