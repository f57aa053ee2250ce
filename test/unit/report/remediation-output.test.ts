import { describe, expect, test } from 'vitest';
import { notificationFor } from '../../../lib/notify/decide.ts';
import { buildSlackMessage } from '../../../lib/notify/slack.ts';
import { formatReport } from '../../../lib/report/format.ts';
import { renderHtml } from '../../../lib/report/html/report.ts';
import { imageChange, modified, report } from '../notify/fixtures.ts';

const RENDER_FIX =
  'driftwatch render --source s3://gitops/repo.tar.gz --path overlays/prod --object Deployment/shop/web --format yaml | kubectl apply --server-side --force-conflicts -f -';
const drifted = modified([imageChange('web:1.4.3')], {
  remediation: {
    command: RENDER_FIX,
    keep: { file: 'overlays/prod/kustomization.yaml', paths: ['/spec/template/spec/containers/name=web/image'] },
  },
});
const rendered = report([drifted], {
  source: {
    location: 's3://gitops/repo.tar.gz',
    path: 'overlays/prod',
    files: 1,
    failedFiles: [],
    warnings: [],
    renderer: 'kustomize',
    tool: { name: 'dwrender', versions: { kustomize: 'v5.8.2', helm: 'v4.3.2' } },
  },
});

describe("a drift entry's remediation in every human output", () => {
  test('the table prints fix: and keep: lines under the object, and says how the source was rendered', () => {
    const table = formatReport(rendered, 'table');

    expect(table).toContain('rendered overlays/prod with kustomize v5.8.2 (dwrender)');
    expect(table).toContain(`fix: ${RENDER_FIX}`);
    expect(table).toContain(
      'keep: declare /spec/template/spec/containers/name=web/image in overlays/prod/kustomization.yaml',
    );
  });

  test('markdown has a Repair section with both commands', () => {
    const markdown = formatReport(rendered, 'markdown');

    expect(markdown).toContain('## Repair');
    expect(markdown).toContain(`  - fix: \`${RENDER_FIX}\``);
    expect(markdown).toContain('- Rendered overlays/prod with kustomize v5.8.2 (dwrender)');
  });

  test('the HTML report and the Slack message show the fix command', () => {
    const html = renderHtml(rendered);
    const decision = notificationFor(rendered);
    if (!decision) throw new Error('expected a notification');
    const slack = JSON.stringify(buildSlackMessage(rendered, decision));

    expect(html).toContain('Fix: <code>driftwatch render --source s3://gitops/repo.tar.gz');
    expect(html).toContain(
      'Keep: declare <code>/spec/template/spec/containers/name=web/image</code> in <code>overlays/prod/kustomization.yaml</code>',
    );
    expect(slack).toContain('fix: `driftwatch render --source s3://gitops/repo.tar.gz');
  });
});
