/** Audit event lines (JSON, as kube-apiserver writes with --audit-log-format=json) to metadata-only events. Pure. */
import type { AuditEvent, AuditLogRead, AuditObjectRef, AuditUser } from './types.ts';
import { isPlainObject } from '../kube/object.ts';

export const WRITE_VERBS: readonly string[] = ['create', 'update', 'patch', 'delete'];

/** A line-by-line accumulator: `add` each line, `result` at the end. */
export class AuditLineParser {
  private readonly events: AuditEvent[] = [];
  private malformed = 0;
  private skipped = 0;

  add(line: string): void {
    const text = line.trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.malformed++;
      return;
    }
    const event = toEvent(value);
    if (event === 'malformed') this.malformed++;
    else if (event === 'skipped') this.skipped++;
    else this.events.push(event);
  }

  result(): AuditLogRead {
    return { events: this.events, malformed: this.malformed, skipped: this.skipped };
  }
}

export function parseAuditLines(text: string): AuditLogRead {
  const parser = new AuditLineParser();
  for (const line of text.split('\n')) parser.add(line);
  return parser.result();
}

function text(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function texts(record: Record<string, unknown>, key: string): string[] | undefined {
  const value = record[key];
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string');
  return strings.length > 0 ? strings : undefined;
}

/** Only the named metadata fields are copied: requestObject and responseObject are never looked at. */
function toEvent(value: unknown): AuditEvent | 'malformed' | 'skipped' {
  if (!isPlainObject(value) || value['kind'] !== 'Event' || !isPlainObject(value['user'])) return 'malformed';
  const auditId = text(value, 'auditID');
  const verb = text(value, 'verb');
  const user = toUser(value['user']);
  if (auditId === undefined || verb === undefined || user === undefined) return 'malformed';
  if (value['stage'] !== 'ResponseComplete' || !WRITE_VERBS.includes(verb)) return 'skipped';
  const status = value['responseStatus'];
  const code = isPlainObject(status) && typeof status['code'] === 'number' ? status['code'] : undefined;
  if (code === undefined || code < 200 || code > 299) return 'skipped';
  const objectRef = isPlainObject(value['objectRef']) ? toObjectRef(value['objectRef']) : undefined;
  if (objectRef === undefined) return 'skipped'; // a deletecollection or a non-resource URL: no single object
  const received = text(value, 'requestReceivedTimestamp');
  const completed = text(value, 'stageTimestamp');
  const completedMs = completed === undefined ? Number.NaN : Date.parse(completed);
  if (completed === undefined || Number.isNaN(completedMs)) return 'malformed';
  const receivedMs = received === undefined || Number.isNaN(Date.parse(received)) ? completedMs : Date.parse(received);
  const event: AuditEvent = { auditId, verb, objectRef, user, code, receivedMs, completedMs, time: completed };
  const impersonated = isPlainObject(value['impersonatedUser']) ? toUser(value['impersonatedUser']) : undefined;
  if (impersonated) event.impersonatedUser = impersonated;
  const sourceIPs = texts(value, 'sourceIPs');
  if (sourceIPs) event.sourceIPs = sourceIPs;
  const userAgent = text(value, 'userAgent');
  if (userAgent) event.userAgent = userAgent;
  const fieldManager = fieldManagerOf(text(value, 'requestURI'));
  if (fieldManager) event.fieldManager = fieldManager;
  return event;
}

/** `/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=kubectl-set` → `kubectl-set`. */
function fieldManagerOf(uri: string | undefined): string | undefined {
  const query = uri?.split('?', 2)[1];
  if (!query) return undefined;
  return new URLSearchParams(query).get('fieldManager') ?? undefined;
}

function toUser(record: Record<string, unknown>): AuditUser | undefined {
  const username = text(record, 'username');
  if (username === undefined) return undefined;
  const user: AuditUser = { username };
  const uid = text(record, 'uid');
  if (uid) user.uid = uid;
  const groups = texts(record, 'groups');
  if (groups) user.groups = groups;
  return user;
}

function toObjectRef(record: Record<string, unknown>): AuditObjectRef | undefined {
  const resource = text(record, 'resource');
  const name = text(record, 'name');
  if (resource === undefined || name === undefined) return undefined;
  const ref: AuditObjectRef = { group: text(record, 'apiGroup') ?? '', resource, name };
  const namespace = text(record, 'namespace');
  if (namespace) ref.namespace = namespace;
  const subresource = text(record, 'subresource');
  if (subresource) ref.subresource = subresource;
  return ref;
}
