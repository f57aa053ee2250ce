/**
 * Rendering could not produce the declared state of a folder: no renderer, a refused input (remote base, chart not
 * vendored), or the renderer's own error (first lines, credential-masked). A failed source: never "no drift".
 */
export class RenderError extends Error {
  override name = 'RenderError';
  /** The renderer the folder needed, when detection got that far. */
  readonly renderer: 'kustomize' | 'helm' | undefined;

  constructor(message: string, renderer?: 'kustomize' | 'helm') {
    super(message);
    this.renderer = renderer;
  }
}
