/**
 * The packaged Lambda zips (`npm run package`, .serverless/<function>.zip) as the Node runtime sees them: unpacked,
 * and the module graph of the handler file, read from the bundle's own `import` statements (esbuild's ESM output with
 * code splitting: relative specifiers to sibling chunks). Used by test/integration/package.test.ts and
 * bench/lambda-init.ts.
 */
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** Unpacks `zipFile` into `into` (created as needed) and returns the entry names, in zip order. */
export async function extractZip(zipFile: string, into: string): Promise<string[]> {
  const zip = await yauzl.openPromise(zipFile, { lazyEntries: true });
  const names: string[] = [];
  await new Promise<void>((done, fail) => {
    zip.on('error', fail);
    zip.on('end', () => done());
    zip.on('entry', (entry: yauzl.Entry) => {
      names.push(entry.fileName);
      if (entry.fileName.endsWith('/')) {
        zip.readEntry();
        return;
      }
      const target = join(into, entry.fileName);
      if (!target.startsWith(into)) {
        fail(new Error(`zip entry escapes the folder: ${entry.fileName}`));
        return;
      }
      mkdir(dirname(target), { recursive: true })
        .then(() => zip.openReadStreamPromise(entry))
        .then((stream) => pipeline(stream, createWriteStream(target)))
        .then(() => zip.readEntry())
        .catch(fail);
    });
    zip.readEntry();
  });
  zip.close();
  return names;
}

/**
 * The file the Lambda Node runtime imports for a handler string such as `functions/audit.handler`: the module path
 * before the last dot, with the first of `.js`, `.mjs`, `.cjs` that exists (aws-lambda-nodejs-runtime-interface-client,
 * src/UserFunction.js, `_tryRequireFile`).
 */
export function handlerFile(root: string, handler: string): string {
  const modulePath = handler.slice(0, handler.lastIndexOf('.'));
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const file = join(root, `${modulePath}${extension}`);
    if (existsSync(file)) return file;
  }
  throw new Error(`no module for handler ${handler} in ${root}`);
}

export interface HandlerModules {
  /** The handler file and every module it imports statically, transitively: what Lambda init evaluates. */
  init: string[];
  /** Modules reached only through `import()`: loaded at the first invocation. */
  lazy: string[];
  /** Bytes of the `init` modules. */
  initBytes: number;
}

// esbuild's minified ESM: `import{a as b}from"./chunk-X.mjs";`, `import"./chunk-Y.mjs";`, `import("./x-Z.mjs")`.
const STATIC_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$\s{},*]*?from\s*)?["'](\.\.?\/[^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'](\.\.?\/[^"']+)["']\s*\)/g;

/** The module graph of `entry` (a file under `root`), as paths relative to `root`. */
export function handlerModules(root: string, entry: string): HandlerModules {
  const relativeName = (file: string): string => relative(root, file).split(sep).join('/');
  const importsOf = (file: string, pattern: RegExp): string[] => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(pattern)].flatMap((match) =>
      match[1] === undefined ? [] : [resolve(dirname(file), match[1])],
    );
  };
  const init = new Set<string>();
  const dynamic = new Set<string>();
  const visit = (file: string, into: Set<string>): void => {
    if (into.has(file)) return;
    into.add(file);
    for (const imported of importsOf(file, STATIC_IMPORT)) visit(imported, into);
  };
  visit(entry, init);
  const lazy = new Set<string>();
  const pending = [...init];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const imported of importsOf(file, DYNAMIC_IMPORT)) dynamic.add(imported);
    for (const target of dynamic) {
      if (init.has(target) || lazy.has(target)) continue;
      const reached = new Set<string>();
      visit(target, reached);
      for (const each of reached) {
        if (init.has(each) || lazy.has(each)) continue;
        lazy.add(each);
        pending.push(each);
      }
    }
  }
  return {
    init: [...init].map(relativeName).sort(),
    lazy: [...lazy].map(relativeName).sort(),
    initBytes: [...init].reduce((sum, file) => sum + statSync(file).size, 0),
  };
}
