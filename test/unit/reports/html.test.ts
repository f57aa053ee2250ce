import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { buildExport } from '../../../lib/report/export.ts';
import { escapeHtml, html } from '../../../lib/report/html/escape.ts';
import { renderExportHtml } from '../../../lib/report/html/export.ts';
import { renderHtml } from '../../../lib/report/html/report.ts';
import type { Report } from '../../../lib/report/report.ts';
import { bigReport, makeReport, monthOfReports, privilegedFinding, withHistory } from './fixtures.ts';

const EVIL = '<script>alert(1)</script>';
const ATTRIBUTE_BREAK = '" onmouseover="alert(2)';
const ENTITY = '&lt;already-escaped&gt;';

/** A report whose every user-controlled string tries to inject markup. */
function hostileReport(): Report {
  const report = makeReport({
    cluster: `prod${EVIL}`,
    at: '2026-11-20T10:00:00.000Z',
    commit: `abc${EVIL}`,
    drift: [
      {
        apiVersion: 'v1',
        kind: `ConfigMap${EVIL}`,
        namespace: `ns${ATTRIBUTE_BREAK}`,
        name: `name${EVIL}`,
        status: 'modified',
        source: { file: `file${EVIL}.yaml`, line: 1 },
        changes: [
          {
            path: `/data/${EVIL}`,
            reason: 'differs',
            declared: EVIL,
            live: { nested: EVIL, entity: ENTITY },
            manager: `kubectl${EVIL}`,
            time: '2026-11-20T09:00:00Z',
            subresource: ATTRIBUTE_BREAK,
          },
        ],
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'shop',
        name: 'api-key',
        status: 'extra',
        manager: `m${ATTRIBUTE_BREAK}`,
      },
    ],
    findings: [{ ...privilegedFinding(`pod${EVIL}`), message: `msg ${EVIL}`, remediation: `kubectl delete ${EVIL}` }],
  });
  return {
    ...report,
    source: {
      ...report.source,
      location: `https://example.com/${EVIL}`,
      failedFiles: [{ file: `bad${EVIL}.yaml`, message: EVIL, severity: 'error' }],
    },
    scan: { ...report.scan, complete: false, error: `stopped ${EVIL}` },
  };
}

/** The Content-Security-Policy as the browser reads it (attribute entities decoded). */
function cspOf(page: string): string {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1] ?? '';
  return content
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function scriptsOf(page: string): string[] {
  return [...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1] ?? '');
}

describe('escaping', () => {
  test('the html tag escapes interpolations, nests its own markup, drops false/undefined', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${ATTRIBUTE_BREAK}">${inner}${false}${undefined}${['a&', html`<br>`]}</p>`.markup).toBe(
      '<p title="&quot; onmouseover=&quot;alert(2)"><b>&lt;i&gt;</b>a&amp;<br></p>',
    );
    expect(escapeHtml(`'"<>&`)).toBe('&#39;&quot;&lt;&gt;&amp;');
  });

  test('<script> in any report value comes out as text, and ours is the only script', () => {
    const page = renderHtml(hostileReport());
    expect(scriptsOf(page)).toHaveLength(1);
    expect(scriptsOf(page)[0]).not.toContain('alert');
    expect(page).not.toContain(EVIL);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Attribute values cannot be broken out of.
    expect(page).not.toMatch(/onmouseover="alert/);
    // Entities in the data are shown literally, not decoded into markup.
    expect(page).toContain('&amp;lt;already-escaped&amp;gt;');
  });

  test('the export page escapes too', () => {
    const page = renderExportHtml(buildExport('prod', withHistory([hostileReport()])));
    expect(scriptsOf(page)).toHaveLength(1);
    expect(page).not.toContain(EVIL);
    expect(page).not.toMatch(/onmouseover="alert/);
    expect(page).toContain('msg &lt;script&gt;');
  });
});

describe('self-contained', () => {
  const page = renderHtml(bigReport(50), {
    history: monthOfReports({ cluster: 'prod-eu-1', start: '2026-10-21', days: 30, perDay: 1 }),
  });

  test('nothing is loaded from anywhere: no src/href/url()/@import, and a CSP that forbids it', () => {
    expect(page).not.toMatch(/\ssrc\s*=/i);
    expect(page).not.toMatch(/\shref\s*=/i);
    expect(page).not.toMatch(/url\(/i);
    expect(page).not.toMatch(/@import/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(cspOf(page)).toContain(`default-src 'none'`);
  });

  test('the CSP allows exactly the inline script, by hash', () => {
    const script = scriptsOf(page)[0] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(cspOf(page)).toContain(`script-src 'sha256-${hash}'`);
  });
});

describe('content', () => {
  test('summary numbers, completeness, drift side by side, findings by severity, history', () => {
    const page = renderHtml(bigReport(40));
    expect(page).toMatch(/<div class="n">32<\/div><div class="l">Modified<\/div>/);
    expect(page).toMatch(/<div class="n">4<\/div><div class="l">Missing<\/div>/);
    expect(page).toMatch(/<div class="n">4<\/div><div class="l">Extra<\/div>/);
    expect(page).toMatch(/<div class="n">1<\/div><div class="l">critical<\/div>/);
    expect(page).toContain('Scan incomplete');
    expect(page).toContain('Not listed (forbidden)');
    expect(page).toContain('Declared (Git)');
    expect(page).toContain('registry.example.com/service-0:1.4.0-hotfix');
    expect(page).toContain('Changed by <b>kubectl-edit</b>');
    expect(page).toContain('<span class="mark new"');
    expect(page).toContain('Resolved since the previous run');
    expect(page).toContain('Fix: <code>kubectl -n team-00 describe pod worker-0</code>');
  });

  test('small reports open their sections, big ones start folded', () => {
    expect(renderHtml(bigReport(40))).toMatch(/<details class="group" data-total="\d+" open>/);
    const big = renderHtml(bigReport(2000));
    expect(big).not.toMatch(/<details class="group" data-total="\d+" open><summary><span class="ns-name">/);
    expect(big.match(/ data-item>/g)?.length).toBe(2000 + 9 + 2);
  });

  test('earlier reports add a trend; none without them', () => {
    const history = monthOfReports({ cluster: 'prod-eu-1', start: '2026-10-21', days: 30, perDay: 1 });
    expect(renderHtml(bigReport(10), { history })).toContain('Drift over the last 31 runs');
    expect(renderHtml(bigReport(10))).not.toContain('<svg');
  });

  test('the export page: timelines and the numbers of the period', () => {
    const page = renderExportHtml(
      buildExport('prod', monthOfReports({ cluster: 'prod', start: '2026-11-01', days: 30, perDay: 4 })),
    );
    expect(page).toMatch(/<div class="n">2<\/div><div class="l">Still open<\/div>/);
    expect(page).toMatch(/<div class="n">3<\/div><div class="l">Resolved<\/div>/);
    expect(page).toContain('open for 7d');
    expect(page).toMatch(/<div class="timeline"[^>]*><span style="left:6\.\d+%;width:23\.\d+%"><\/span><\/div>/);
  });
});
