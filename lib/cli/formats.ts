/**
 * The output formats of the commands, apart from the code that writes them: the program lists them in its options
 * and help, which must not load the commands themselves (lib/cli/main.ts loads a command only when it runs).
 */
export const RENDER_FORMATS = ['json', 'yaml'] as const;
export const GET_FORMATS = ['json', 'table', 'markdown', 'html', 'csv'] as const;
export type GetFormat = (typeof GET_FORMATS)[number];
export const EXPORT_FORMATS = ['csv', 'markdown', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
