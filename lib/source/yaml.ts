import {
  EVENT_ID,
  NOT_RESOLVED,
  Schema,
  YAMLException,
  boolYaml11Tag,
  constructFromEvents,
  defineScalarTag,
  floatCoreTag,
  intYaml11Tag,
  mapTag,
  mergeTag,
  nullYaml11Tag,
  parseEvents,
  seqTag,
  strTag,
} from 'js-yaml';
import type { Event } from 'js-yaml';
import { MAX_JSON_DEPTH, exceedsJsonDepth, tooDeepReason } from '../io/json-depth.ts';
import { offsetToLine as lineLocator } from '../io/lines.ts';

/** One document of a manifest file and the 1-based line its content starts on. */
export interface ParsedDocument {
  value: unknown;
  line: number;
}

/** A syntax error reduced to what is safe to show: never the source text, which may hold Secret values. */
export interface SyntaxProblem {
  line?: number;
  reason: string;
}

export type ParseResult = { ok: true; documents: ParsedDocument[] } | { ok: false; error: SyntaxProblem };

/** YAML 1.1 integers (`0644` is octal, as kubectl reads it) without sexagesimal (`22:22` stays a string). */
const kubeIntTag = defineScalarTag<number>('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: intYaml11Tag.implicitFirstChars,
  resolve: (source, isExplicit, tagName) =>
    source.includes(':') ? NOT_RESOLVED : intYaml11Tag.resolve(source, isExplicit, tagName),
  identify: intYaml11Tag.identify,
  represent: intYaml11Tag.represent,
});

/**
 * Scalars resolve as kubectl (sigs.k8s.io/yaml, YAML 1.1) does: `yes`/`on` are booleans, `0644` is octal, merge keys
 * work. Timestamps, `!!binary` and sets are left out so every value stays plain JSON data.
 */
const KUBE_SCHEMA = new Schema([
  strTag,
  seqTag,
  mapTag,
  nullYaml11Tag,
  boolYaml11Tag,
  kubeIntTag,
  floatCoreTag,
  mergeTag,
]);

/** Aliases share one object, so a small file can expand enormously when walked; allow this many nodes per byte. */
const NODES_PER_BYTE = 10;
const NODE_ALLOWANCE = 10_000;

/** Parses a multi-document YAML file (the same steps as js-yaml's loadAll, keeping events to find each line). */
export function parseYaml(text: string): ParseResult {
  try {
    const events = parseEvents(text, {});
    const values = constructFromEvents(events, { source: text, schema: KUBE_SCHEMA });
    const starts = documentStarts(events);
    const lines = lineLocator(text);
    const documents = values.map((value, index) => ({ value, line: lines(starts[index] ?? 0) }));
    if (expandsTooFar(documents, text.length)) {
      return { ok: false, error: { reason: 'aliases expand beyond a sensible size' } };
    }
    return { ok: true, documents };
  } catch (error) {
    return { ok: false, error: syntaxProblem(error) };
  }
}

/** Parses a JSON file with JSON.parse; on failure js-yaml (JSON is YAML) locates the error, else no line is given. */
export function parseJson(text: string): ParseResult {
  if (text.trim() === '') return { ok: true, documents: [] };
  if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) return { ok: false, error: { reason: tooDeepReason(MAX_JSON_DEPTH) } };
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, documents: [{ value, line: lineLocator(text)(text.search(/\S/)) }] };
  } catch {
    const located = parseYaml(text);
    if (!located.ok) return located;
    return { ok: false, error: { reason: 'invalid JSON' } };
  }
}

function syntaxProblem(error: unknown): SyntaxProblem {
  if (!(error instanceof YAMLException)) return { reason: 'could not be parsed' };
  const problem: SyntaxProblem = { reason: redactReason(error.reason) };
  if (error.mark !== undefined) problem.line = error.mark.line + 1;
  return problem;
}

/**
 * Reasons can quote tag and alias names, and an unquoted value starting with `!` (a password, say) parses as a
 * tag: keep the words, drop anything quoted from the document.
 */
function redactReason(reason: string): string {
  return reason
    .replace(/!<[^>]*>/g, '!<…>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/(such characters):.*$/s, '$1');
}

/** Source offset where each document's content (its first anchor, tag or node) starts. */
function documentStarts(events: Event[]): number[] {
  const starts: number[] = [];
  events.forEach((event, index) => {
    if (event.type !== EVENT_ID.DOCUMENT) return;
    const content = events[index + 1];
    starts.push(content === undefined ? 0 : contentStart(content));
  });
  return starts;
}

function contentStart(event: Event): number {
  switch (event.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return earliest([event.anchorStart, event.tagStart, event.start]);
    case EVENT_ID.SCALAR:
      return earliest([event.anchorStart, event.tagStart, event.valueStart]);
    case EVENT_ID.ALIAS:
      return earliest([event.anchorStart]);
    default:
      return 0;
  }
}

/** Offsets of -1 mean absent. */
function earliest(offsets: number[]): number {
  const present = offsets.filter((offset) => offset >= 0);
  return present.length === 0 ? 0 : Math.min(...present);
}

/** Walks the documents as consumers will, stopping once past the allowance: billion-laughs files are refused. */
function expandsTooFar(documents: ParsedDocument[], textLength: number): boolean {
  let allowance = textLength * NODES_PER_BYTE + NODE_ALLOWANCE;
  const pending: unknown[] = documents.map((document) => document.value);
  while (pending.length > 0) {
    const value = pending.pop();
    allowance -= 1;
    if (allowance < 0) return true;
    const children: unknown[] = Array.isArray(value)
      ? value
      : typeof value === 'object' && value !== null
        ? Object.values(value)
        : [];
    for (const child of children) pending.push(child);
  }
  return false;
}
