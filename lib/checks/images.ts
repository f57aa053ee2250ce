import { text } from './field-readers.ts';
import type { Fields } from './field-readers.ts';
import { podSpecCheck } from './pod-spec-findings.ts';
import { showCommand } from './pod-spec-rule.ts';
import { containersOf } from './pod-specs.ts';

export interface ImageReference {
  /** Tag after the last `:` of the last path segment, when there is one. */
  tag?: string;
  /** True for `name@sha256:...` (with or without tag). */
  pinned: boolean;
}

/** `registry:5000/app` has no tag: a `:` before the last `/` belongs to the registry host. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return tag === undefined ? { pinned: at >= 0 } : { tag, pinned: at >= 0 };
}

function images(spec: Fields): Array<{ container: string; image: string }> {
  return containersOf(spec).flatMap((container) => {
    const image = text(container['image']);
    return image === undefined ? [] : [{ container: text(container['name']) ?? '?', image }];
  });
}

/** images-latest: a moving tag means the running version depends on when the node pulled it. */
export const imagesLatest = podSpecCheck({
  id: 'images-latest',
  severity: 'medium',
  title: 'Image tagged :latest or untagged',
  firesOn: 'image tagged `:latest` or untagged, and not digest-pinned',
  inspect: (spec) =>
    images(spec).flatMap(({ container, image }) => {
      const reference = parseImage(image);
      if (reference.pinned) return [];
      if (reference.tag === undefined)
        return [`container "${container}" uses image "${image}" without a tag (means :latest)`];
      return reference.tag === 'latest' ? [`container "${container}" uses image "${image}"`] : [];
    }),
  remediation: (subject) => `Pin a version tag or @sha256 digest in Git (inspect: ${showCommand(subject)})`,
});

/** images-without-digest (opt-in): a tag can be re-pushed; only a digest names one image for good. */
export const imagesWithoutDigest = podSpecCheck({
  id: 'images-without-digest',
  severity: 'low',
  title: 'Image not pinned by digest (opt-in)',
  firesOn: 'image without `@sha256:` digest — off unless `checks.imagesWithoutDigest: true`',
  optIn: (config) => config.imagesWithoutDigest,
  inspect: (spec) =>
    images(spec)
      .filter(({ image }) => !parseImage(image).pinned)
      .map(({ container, image }) => `container "${container}" uses image "${image}" without a digest`),
  remediation: (subject) => `Pin the image by digest (image@sha256:...) in Git (inspect: ${showCommand(subject)})`,
});
