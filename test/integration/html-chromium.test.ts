import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderHtml } from '../../lib/report/html/report.ts';
import { bigReport, monthOfReports } from '../unit/reports/fixtures.ts';
import { PREREQUISITES, available, findChromium } from '../support/prerequisites.ts';

/**
 * The HTML report in a real browser: headless Chromium (Debian's /usr/bin/chromium; CI installs it) renders a
 * 2,000-entry report to a screenshot, and its DOM after the inline script ran shows the key numbers. Skipped only
 * when no Chromium can be found.
 */
const CHROMIUM = findChromium();

let workDir: string;
let page: string;

function chromium(
  extra: readonly string[],
  url: string,
): { stdout: string; stderr: string; status: number | null; ms: number } {
  const started = Date.now();
  const result = spawnSync(
    CHROMIUM ?? 'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${join(workDir, 'profile')}`,
      ...extra,
      url,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, ms: Date.now() - started };
}

/** Width and height from the PNG header. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** `data-item` elements in a serialized DOM, and how many the filter left visible. */
function items(dom: string): { total: number; visible: number } {
  const tags = [...dom.matchAll(/<(?:div|tr)\b[^>]*\sdata-item=""[^>]*>/g)].map((match) => match[0]);
  return { total: tags.length, visible: tags.filter((tag) => !/\shidden=""/.test(tag)).length };
}

describe.skipIf(!available(PREREQUISITES.chromium))('HTML report in headless Chromium', () => {
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'driftwatch-html-chromium-'));
    page = join(workDir, 'report.html');
    const history = monthOfReports({ cluster: 'prod-eu-1', start: '2026-10-21', days: 30, perDay: 1 });
    writeFileSync(page, renderHtml(bigReport(2000), { history }));
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('a 2,000-entry report renders to a screenshot', () => {
    const png = join(workDir, 'report.png');
    const run = chromium([`--screenshot=${png}`, '--window-size=1400,1000', '--hide-scrollbars'], `file://${page}`);
    expect(existsSync(png), run.stderr).toBe(true);
    expect(pngSize(png)).toEqual({ width: 1400, height: 1000 });
    // A blank or unstyled page compresses to a few KB; the rendered summary is far richer.
    expect(statSync(png).size).toBeGreaterThan(40_000);
    expect(run.ms).toBeLessThan(60_000);
  });

  test('the rendered DOM shows the numbers, and the inline script ran under the CSP', () => {
    const run = chromium(['--dump-dom'], `file://${page}`);
    expect(run.status, run.stderr).toBe(0);
    const dom = run.stdout;
    expect(dom).toMatch(/<html lang="en" class=" js">/);
    expect(dom).toMatch(/<div class="n">1600<\/div><div class="l">Modified<\/div>/);
    expect(dom).toMatch(/<div class="n">200<\/div><div class="l">Missing<\/div>/);
    expect(dom).toMatch(/<div class="n">200<\/div><div class="l">Extra<\/div>/);
    expect(dom).toMatch(/<div class="n">2100<\/div><div class="l">Changed fields<\/div>/);
    expect(dom).toMatch(/<div class="n">1<\/div><div class="l">critical<\/div>/);
    expect(dom).toContain('finding 0: critical issue on worker-0');
    expect(dom).toContain('Scan incomplete');
    expect(dom).toContain('Drift over the last 31 runs');
    expect(items(dom)).toEqual({ total: 2011, visible: 2011 });
  });

  test('the filter (from #filter=) hides everything else and opens the matching section', () => {
    const run = chromium(['--dump-dom'], `file://${page}#filter=service-1203`);
    expect(run.status, run.stderr).toBe(0);
    expect(items(run.stdout)).toEqual({ total: 2011, visible: 1 });
    expect(run.stdout).toContain('<span class="shown" id="shown">1 of 2011 shown</span>');
    expect(run.stdout).toMatch(
      /<details class="group" data-total="80" open=""><summary><span class="ns-name">team-03<\/span> <span class="count" data-label="80 objects">1 of 80<\/span>/,
    );
  });
});
