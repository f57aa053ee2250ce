import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSource } from '../../../lib/source/open.ts';
import type { ArchiveLimits, SourceTree } from '../../../lib/source/types.ts';
import { S_IFCHR, S_IFLNK, S_IFREG, tarGzOf, tarOf, zipOf } from './archives.ts';
import { openError } from './open-error.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const SMALL_LIMITS: ArchiveLimits = { maxEntries: 10, maxTotalBytes: 1000, maxFileBytes: 400 };

let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'driftwatch-source-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function saved(name: string, data: Buffer): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, data);
  return path;
}

function paths(tree: SourceTree): string[] {
  return tree.files.map((file) => file.path);
}

function contentOf(tree: SourceTree, path: string): string | undefined {
  return tree.files.find((file) => file.path === path)?.content.toString('utf8');
}

function refusedEntries(tree: SourceTree): string[] {
  return tree.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file);
}

describe('local folder', () => {
  let folder = '';

  beforeAll(async () => {
    folder = join(scratch, 'repo');
    const outside = join(scratch, 'outside.yaml');
    await writeFile(outside, 'secret: outside\n');
    await mkdir(join(folder, 'apps', 'web'), { recursive: true });
    await mkdir(join(folder, '.git', 'objects'), { recursive: true });
    await writeFile(join(folder, 'apps', 'web', 'deploy.yaml'), 'kind: Deployment\n');
    await writeFile(join(folder, 'README.md'), '# repo\n');
    await writeFile(join(folder, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await symlink(join('web', 'deploy.yaml'), join(folder, 'apps', 'alias.yaml'));
    await symlink(outside, join(folder, 'apps', 'escape.yaml'));
    await symlink('web', join(folder, 'apps', 'folder-link'));
  });

  test('reads every regular file with relative, sorted paths and skips .git', async () => {
    const tree = await openSource(folder);
    expect(tree.location).toBe(folder);
    expect(paths(tree)).toEqual(['README.md', 'apps/alias.yaml', 'apps/web/deploy.yaml']);
    expect(contentOf(tree, 'apps/web/deploy.yaml')).toBe('kind: Deployment\n');
  });

  test('follows a symlink to a file inside the folder', async () => {
    const tree = await openSource(folder);
    expect(contentOf(tree, 'apps/alias.yaml')).toBe('kind: Deployment\n');
  });

  test('refuses a symlink leaving the folder and a symlink to a folder, as problems', async () => {
    const tree = await openSource(folder);
    expect(refusedEntries(tree).sort()).toEqual(['apps/escape.yaml', 'apps/folder-link']);
    expect(tree.problems.find((problem) => problem.file === 'apps/escape.yaml')?.message).toMatch(/outside the tree/);
    expect(tree.files.some((file) => file.content.toString().includes('outside'))).toBe(false);
  });

  test('reports the configured commit, as a folder carries none', async () => {
    expect((await openSource(folder, { commit: COMMIT })).commit).toBe(COMMIT);
    expect((await openSource(folder)).commit).toBeUndefined();
  });

  test('a missing location is a SourceError saying not found', async () => {
    const error = await openError(join(scratch, 'nope'));
    expect(error.message).toMatch(/not found/);
  });
});

describe('archives', () => {
  test('tar.gz from git archive: pax global header comment gives the commit, top folder is stripped', async () => {
    const archive = await tarGzOf(
      [
        { name: 'repo/', type: 'directory' },
        { name: 'repo/apps/web.yaml', content: 'kind: Service\n' },
        { name: 'repo/README.md', content: 'hi' },
      ],
      { paxComment: COMMIT },
    );
    const tree = await openSource(await saved('git-archive.tar.gz', archive));
    expect(tree.commit).toBe(COMMIT);
    expect(paths(tree)).toEqual(['README.md', 'apps/web.yaml']);
    expect(contentOf(tree, 'apps/web.yaml')).toBe('kind: Service\n');
    expect(tree.problems).toEqual([]);
  });

  test('GitHub-style top folder owner-repo-<sha> gives the commit when there is no pax header', async () => {
    const archive = await tarGzOf([
      { name: 'acme-deploy-1a2b3c4/', type: 'directory' },
      { name: 'acme-deploy-1a2b3c4/app.yaml', content: 'a' },
    ]);
    const tree = await openSource(await saved('github.tgz', archive));
    expect(tree.commit).toBe('1a2b3c4');
    expect(paths(tree)).toEqual(['app.yaml']);
  });

  test("the archive's own commit wins over the configured one, which is used only when the archive has none", async () => {
    const withPax = await saved('pax.tar', await tarOf([{ name: 'a/x.yaml', content: 'x' }], { paxComment: COMMIT }));
    const without = await saved('plain.tar', await tarOf([{ name: 'x.yaml', content: 'x' }]));
    const configured = 'fedcba9876543210fedcba9876543210fedcba98';
    expect((await openSource(withPax, { commit: configured })).commit).toBe(COMMIT);
    expect((await openSource(without, { commit: configured })).commit).toBe(configured);
  });

  test('plain tar is recognised by its ustar magic whatever the file is called', async () => {
    const tree = await openSource(await saved('archive.bin', await tarOf([{ name: 'x.yaml', content: 'x' }])));
    expect(paths(tree)).toEqual(['x.yaml']);
  });

  test('the top folder is kept when a file sits at the top or there are two top folders', async () => {
    const fileAtTop = await tarOf([
      { name: 'repo/a.yaml', content: 'a' },
      { name: 'b.yaml', content: 'b' },
    ]);
    const twoFolders = await tarOf([
      { name: 'one/a.yaml', content: 'a' },
      { name: 'two/b.yaml', content: 'b' },
    ]);
    expect(paths(await openSource(await saved('top-file.tar', fileAtTop)))).toEqual(['b.yaml', 'repo/a.yaml']);
    expect(paths(await openSource(await saved('two-tops.tar', twoFolders)))).toEqual(['one/a.yaml', 'two/b.yaml']);
  });

  test('zip: files read, top folder stripped, symlink inside resolved to its target', async () => {
    const archive = zipOf([
      { name: 'repo/' },
      { name: 'repo/apps/web.yaml', content: 'kind: Service\n' },
      { name: 'repo/apps/stored.yaml', content: 'stored', store: true },
      { name: 'repo/apps/link.yaml', content: 'web.yaml', mode: S_IFLNK | 0o777 },
    ]);
    const tree = await openSource(await saved('repo.zip', archive));
    expect(paths(tree)).toEqual(['apps/link.yaml', 'apps/stored.yaml', 'apps/web.yaml']);
    expect(contentOf(tree, 'apps/link.yaml')).toBe('kind: Service\n');
    expect(contentOf(tree, 'apps/stored.yaml')).toBe('stored');
    expect(tree.problems).toEqual([]);
  });

  test('a file that is no archive is a SourceError', async () => {
    const error = await openError(await saved('notes.txt', Buffer.from('hello')));
    expect(error.message).toMatch(/not a folder, tar, tar.gz or zip/);
  });

  test('a corrupt gzip is a SourceError naming the location', async () => {
    const location = await saved('broken.tar.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]));
    expect((await openError(location)).message).toContain(location);
  });
});

describe('unsafe tar entries are refused one by one and the rest still loads', () => {
  let tree: SourceTree;

  beforeAll(async () => {
    const archive = await tarGzOf([
      { name: 'repo/', type: 'directory' },
      { name: 'repo/good.yaml', content: 'good' },
      { name: '/etc/cron.d/evil', content: 'absolute' },
      { name: 'repo/../../evil.yaml', content: 'climb' },
      { name: 'repo/out-link', type: 'symlink', linkname: '../../etc/passwd' },
      { name: 'repo/abs-link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'repo/in-link', type: 'symlink', linkname: 'good.yaml' },
      { name: 'repo/dangling-link', type: 'symlink', linkname: 'missing.yaml' },
      { name: 'repo/hard-out', type: 'link', linkname: '../etc/shadow' },
      { name: 'repo/hard-in', type: 'link', linkname: 'repo/good.yaml' },
      { name: 'repo/tty', type: 'character-device', devmajor: 4, devminor: 1 },
      { name: 'repo/disk', type: 'block-device', devmajor: 8, devminor: 0 },
      { name: 'repo/pipe', type: 'fifo' },
    ]);
    tree = await openSource(await saved('evil.tar.gz', archive));
  });

  test('safe files and links resolving inside the tree are loaded', () => {
    expect(paths(tree)).toEqual(['good.yaml', 'hard-in', 'in-link']);
    expect(contentOf(tree, 'in-link')).toBe('good');
    expect(contentOf(tree, 'hard-in')).toBe('good');
  });

  test('absolute path', () => {
    expect(tree.problems).toContainEqual({
      file: '/etc/cron.d/evil',
      message: 'refused: absolute path',
      severity: 'error',
    });
  });

  test('.. segments', () => {
    expect(tree.problems).toContainEqual({
      file: 'repo/../../evil.yaml',
      message: "refused: path contains '..'",
      severity: 'error',
    });
  });

  test('symlinks leaving the tree, relative or absolute, and dangling ones', () => {
    expect(refusedEntries(tree)).toEqual(
      expect.arrayContaining(['repo/out-link', 'repo/abs-link', 'repo/dangling-link']),
    );
    expect(tree.problems.find((problem) => problem.file === 'repo/out-link')?.message).toMatch(/outside the tree/);
    expect(tree.problems.find((problem) => problem.file === 'repo/dangling-link')?.message).toMatch(
      /not point to a regular file/,
    );
  });

  test('hard link leaving the tree', () => {
    expect(tree.problems.find((problem) => problem.file === 'repo/hard-out')?.message).toMatch(
      /hard link points outside/,
    );
  });

  test('device and fifo entries', () => {
    expect(refusedEntries(tree)).toEqual(expect.arrayContaining(['repo/tty', 'repo/disk', 'repo/pipe']));
    expect(tree.problems.find((problem) => problem.file === 'repo/tty')?.message).toMatch(/character-device/);
  });

  test('nothing else is reported', () => {
    expect(tree.problems).toHaveLength(9);
  });
});

describe('unsafe zip entries', () => {
  test('symlink (by unix mode) leaving the tree, absolute and .. names, and device files are refused', async () => {
    const archive = zipOf([
      { name: 'good.yaml', content: 'good' },
      { name: 'escape', content: '../../etc/passwd', mode: S_IFLNK | 0o777 },
      { name: 'absolute', content: '/etc/passwd', mode: S_IFLNK | 0o777 },
      { name: '/etc/evil', content: 'x' },
      { name: 'a/../../evil', content: 'x' },
      { name: 'tty', mode: S_IFCHR | 0o600 },
    ]);
    const tree = await openSource(await saved('evil.zip', archive));
    expect(paths(tree)).toEqual(['good.yaml']);
    expect(refusedEntries(tree).sort()).toEqual(['/etc/evil', 'a/../../evil', 'absolute', 'escape', 'tty']);
  });

  test('an entry whose declared size is over maxFileBytes is refused without inflating it', async () => {
    const archive = zipOf([
      { name: 'small.yaml', content: 'ok' },
      { name: 'huge.yaml', content: 'tiny', declaredSize: 5000 },
    ]);
    const tree = await openSource(await saved('declared-huge.zip', archive), { limits: SMALL_LIMITS });
    expect(paths(tree)).toEqual(['small.yaml']);
    expect(tree.problems).toEqual([expect.objectContaining({ file: 'huge.yaml', severity: 'error' })]);
    expect(tree.problems[0]?.message).toMatch(/maxFileBytes/);
  });

  test('an entry inflating to more than it declares is stopped and refused', async () => {
    const archive = zipOf([
      { name: 'liar.yaml', content: 'x'.repeat(300), declaredSize: 10 },
      { name: 'honest.yaml', content: 'ok' },
    ]);
    const tree = await openSource(await saved('liar.zip', archive), { limits: SMALL_LIMITS });
    expect(paths(tree)).toEqual(['honest.yaml']);
    expect(tree.problems).toEqual([
      { file: 'liar.yaml', message: 'refused: data does not match the declared size', severity: 'error' },
    ]);
  });

  test('too many zip entries is fatal, checked from the central directory', async () => {
    const archive = zipOf(Array.from({ length: 11 }, (_, index) => ({ name: `f${index}.yaml`, content: 'x' })));
    const location = await saved('many.zip', archive);
    const error = await openError(location, { limits: SMALL_LIMITS });
    expect(error.message).toMatch(/maxEntries/);
    expect(error.message).toContain(location);
  });

  test('zip declared sizes adding up over maxTotalBytes is fatal', async () => {
    const archive = zipOf(
      Array.from({ length: 4 }, (_, index) => ({ name: `f${index}.yaml`, content: 'x'.repeat(300) })),
    );
    const error = await openError(await saved('total.zip', archive), { limits: SMALL_LIMITS });
    expect(error.message).toMatch(/maxTotalBytes/);
  });

  test('a regular zip entry keeps working with an explicit regular-file mode', async () => {
    const tree = await openSource(
      await saved('mode.zip', zipOf([{ name: 'a.yaml', content: 'a', mode: S_IFREG | 0o600 }])),
    );
    expect(paths(tree)).toEqual(['a.yaml']);
  });
});

describe('limits', () => {
  test('more entries than maxEntries is fatal and names the limit and the location', async () => {
    const entries = Array.from({ length: 11 }, (_, index) => ({ name: `f${index}.yaml`, content: 'x' }));
    const location = await saved('many.tar.gz', await tarGzOf(entries));
    const error = await openError(location, { limits: SMALL_LIMITS });
    expect(error.message).toMatch(/more than 10 entries \(maxEntries\)/);
    expect(error.message).toContain(location);
  });

  test('files totalling more than maxTotalBytes is fatal', async () => {
    const entries = Array.from({ length: 4 }, (_, index) => ({ name: `f${index}.yaml`, content: 'x'.repeat(300) }));
    const error = await openError(await saved('total.tar.gz', await tarGzOf(entries)), { limits: SMALL_LIMITS });
    expect(error.message).toMatch(/more than 1000 bytes \(maxTotalBytes\)/);
  });

  test('a gzip bomb is stopped once decompressed bytes pass the cap', async () => {
    // 64 MiB of zeros in one entry compresses to ~64 KiB; the cap with these limits is about 21 KiB.
    const bomb = gzipSync(await tarOf([{ name: 'bomb.yaml', content: Buffer.alloc(64 * 1024 * 1024) }]));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const error = await openError(await saved('bomb.tar.gz', bomb), { limits: SMALL_LIMITS });
    expect(error.message).toMatch(/larger than \d+ bytes \(maxTotalBytes plus per-entry overhead\)/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('one file over maxFileBytes is a problem for that file only', async () => {
    const archive = await tarGzOf([
      { name: 'big.yaml', content: 'x'.repeat(500) },
      { name: 'small.yaml', content: 'ok' },
    ]);
    const tree = await openSource(await saved('one-big.tar.gz', archive), { limits: SMALL_LIMITS });
    expect(paths(tree)).toEqual(['small.yaml']);
    expect(tree.problems).toEqual([
      { file: 'big.yaml', message: 'file of 500 bytes is over maxFileBytes (400); not loaded', severity: 'error' },
    ]);
  });

  test('a folder over the entry limit is fatal too', async () => {
    const folder = join(scratch, 'crowded');
    await mkdir(folder);
    await Promise.all(Array.from({ length: 11 }, (_, index) => writeFile(join(folder, `f${index}.yaml`), 'x')));
    expect((await openError(folder, { limits: SMALL_LIMITS })).message).toMatch(/maxEntries/);
  });
});

describe('locations that are refused', () => {
  test('plain http to anything but loopback', async () => {
    const error = await openError('http://example.com/repo.tar.gz?token=abc');
    expect(error.message).toMatch(/only https/);
    expect(error.message).not.toContain('token=abc');
  });

  test('unknown schemes, without echoing the location', async () => {
    const error = await openError('ftp://user:pw@example.com/repo.tar.gz');
    expect(error.message).toMatch(/ftp:\/\/ locations are not supported/);
    expect(error.message).not.toContain('pw');
  });
});
