import { describe, expect, it } from 'vitest';
import { placeOf } from '../../../lib/diff/path.ts';
import { isLiveOnlyExempt } from '../../../lib/diff/server-set.ts';

const label = (name: string) => placeOf([{ field: 'metadata' }, { field: 'labels' }, { field: name }]);
const annotation = (name: string) => placeOf([{ field: 'metadata' }, { field: 'annotations' }, { field: name }]);

describe('Helm bookkeeping on a live object follows the applier-bookkeeping rule', () => {
  it('is not drift when only live: helm.sh/chart, meta.helm.sh/release-*, app.kubernetes.io/managed-by', () => {
    expect(isLiveOnlyExempt('apps', 'Deployment', label('helm.sh/chart'))).toBe(true);
    expect(isLiveOnlyExempt('apps', 'Deployment', annotation('meta.helm.sh/release-name'))).toBe(true);
    expect(isLiveOnlyExempt('apps', 'Deployment', annotation('meta.helm.sh/release-namespace'))).toBe(true);
    expect(isLiveOnlyExempt('apps', 'Deployment', label('app.kubernetes.io/managed-by'))).toBe(true);
  });

  it('still counts any other live-only label, and helm.sh/ keys other than the chart mark', () => {
    expect(isLiveOnlyExempt('apps', 'Deployment', label('team'))).toBe(false);
    expect(isLiveOnlyExempt('apps', 'Deployment', annotation('helm.sh/resource-policy'))).toBe(false);
  });
});
