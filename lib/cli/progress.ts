import { printable } from '../io/printable.ts';

/** Progress lines on stderr, so stdout carries only the report; they quote file names and server words, so escaped. */
export function progressWriter(quiet: boolean): (line: string) => void {
  if (quiet) return () => {};
  return (line) => {
    process.stderr.write(`driftwatch: ${printable(line)}\n`);
  };
}
