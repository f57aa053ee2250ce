import { publicUrl } from './remote.ts';

const WEB_SCHEME = /^https?:\/\//i;

/**
 * A source location as shown to people (progress lines, errors, reports): an http(s) URL without user info, query
 * string or fragment, which may carry credentials; anything else (folders, archives, s3://) unchanged.
 */
export function displayLocation(location: string): string {
  if (!WEB_SCHEME.test(location)) return location;
  try {
    return publicUrl(new URL(location));
  } catch {
    return '(invalid URL)';
  }
}
