/** What a SigV4 presigned URL really carries: who signed it, and the moment it stops working (X-Amz-Date + X-Amz-Expires). */
export function presignedUrlExpiry(url: string): {
  accessKeyId: string;
  signedAt: string;
  expiresAt: string;
  expiresSeconds: number;
} {
  const query = new URL(url).searchParams;
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  const expiresSeconds = Number(query.get('X-Amz-Expires'));
  if (!date || !Number.isInteger(expiresSeconds)) throw new Error('not a SigV4 presigned URL');
  const [, year, month, day, hour, minute, second] = date;
  const signedAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  const accessKeyId = (query.get('X-Amz-Credential') ?? '').split('/')[0] ?? '';
  const iso = (at: Date): string => at.toISOString().replace('.000Z', 'Z');
  return {
    accessKeyId,
    signedAt: iso(signedAt),
    expiresAt: iso(new Date(signedAt.getTime() + expiresSeconds * 1000)),
    expiresSeconds,
  };
}
