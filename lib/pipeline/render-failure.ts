import type { RenderError } from '../render/index.ts';
import type { FailedReportInput } from '../report/failed.ts';

/** A failed render is a failed source: its folder is the report's failed file, with the renderer's own words. */
export function renderFailure(
  error: RenderError,
  sourcePath: string,
): Pick<FailedReportInput, 'failedFiles' | 'render'> {
  return {
    failedFiles: [{ file: sourcePath, message: error.message, severity: 'error' }],
    ...(error.renderer ? { render: { renderer: error.renderer } } : {}),
  };
}
