import { EVENT_ID, getScalarValue, parseEvents } from 'js-yaml';
import type { Event } from 'js-yaml';
import { formatPath } from './issues.ts';
import type { PathSegment } from './issues.ts';
import { offsetToLine } from '../io/lines.ts';

/** Finds the line of a config value: the line of its key in a mapping, of its item in a list. */
export type LineLocator = (at: readonly PathSegment[]) => number | undefined;

/**
 * Builds a locator from js-yaml's event stream (offsets into the text), since the loaded object keeps no positions.
 * A path that is not in the file (a missing key) falls back to its nearest ancestor; the document root gives no line.
 */
export function lineLocator(text: string): LineLocator {
  const lines = indexLines(text);
  return (at) => {
    for (let length = at.length; length > 0; length--) {
      const line = lines.get(formatPath(at.slice(0, length)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

function indexLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return lines; // Only called for text that already loaded; no positions is the safe answer anyway.
  }
  const lineOf = offsetToLine(text);
  let position = 1; // events[0] opens the document.

  const record = (at: readonly PathSegment[] | undefined, event: Event | undefined): void => {
    const offset = event === undefined ? -1 : startOf(event);
    if (at === undefined || offset < 0) return;
    const key = formatPath(at);
    if (!lines.has(key)) lines.set(key, lineOf(offset));
  };

  const isOpen = (): boolean => {
    const event = events[position];
    return event !== undefined && event.type !== EVENT_ID.POP;
  };

  // `at` undefined: a subtree with no config path (a complex mapping key), walked only to skip it.
  const walk = (at: readonly PathSegment[] | undefined): void => {
    const event = events[position++];
    if (event?.type === EVENT_ID.MAPPING) walkMapping(at);
    else if (event?.type === EVENT_ID.SEQUENCE) walkSequence(at);
  };

  const walkMapping = (at: readonly PathSegment[] | undefined): void => {
    while (isOpen()) {
      const keyEvent = events[position];
      const key = keyEvent?.type === EVENT_ID.SCALAR ? getScalarValue(text, keyEvent) : undefined;
      walk(undefined);
      const child = at === undefined || key === undefined ? undefined : [...at, key];
      record(child, keyEvent);
      walk(child);
    }
    position++; // POP
  };

  const walkSequence = (at: readonly PathSegment[] | undefined): void => {
    for (let index = 0; isOpen(); index++) {
      const child = at === undefined ? undefined : [...at, index];
      record(child, events[position]);
      walk(child);
    }
    position++; // POP
  };

  walk([]);
  return lines;
}

function startOf(event: Event): number {
  switch (event.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    case EVENT_ID.SCALAR:
      return event.valueStart;
    case EVENT_ID.ALIAS:
      return event.anchorStart;
    default:
      return -1;
  }
}
