/** Progress lines on stderr, so stdout carries only the report. */
export function progressWriter(quiet: boolean): (line: string) => void {
  if (quiet) return () => {};
  return (line) => {
    process.stderr.write(`driftwatch: ${line}\n`);
  };
}
