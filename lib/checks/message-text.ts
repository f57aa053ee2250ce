import { redact } from '../io/redact.ts';

/** Wording shared by the findings' messages. */

/** `95 min`, `3 h`, `2 d`: ages in messages. */
export function formatAge(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

/** Long controller messages are cut so a finding stays readable. */
export function excerpt(message: string, limit = 300): string {
  // Cluster messages can echo object fields (an admission denial quoting a spec): mask anything credential-shaped.
  const flat = redact(message);
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}
