import { describe, expect, test } from 'vitest';
import { issueTexts, minimal, parse, parseError } from './helpers.ts';

describe('clusters[].auditLog.cloudWatch', () => {
  test("defaults to the EKS cluster's log group and region", () => {
    const config = parse(
      minimal(
        '  - name: prod',
        '    path: clusters/prod',
        '    eks: { name: prod-eu, region: eu-west-1 }',
        '    auditLog: { cloudWatch: {} }',
      ),
    );
    expect(config.clusters[0]?.auditLog).toEqual({
      cloudWatch: { logGroup: '/aws/eks/prod-eu/cluster', region: 'eu-west-1' },
    });
  });

  test('named log group and region win; without eks access both are required', () => {
    const named = parse(
      minimal(
        '  - name: prod',
        '    path: clusters/prod',
        '    snapshot: ./live.yaml',
        '    auditLog: { cloudWatch: { logGroup: /k8s/audit, region: us-east-2 } }',
      ),
    );
    expect(named.clusters[0]?.auditLog).toEqual({ cloudWatch: { logGroup: '/k8s/audit', region: 'us-east-2' } });
    const error = parseError(
      minimal(
        '  - name: prod',
        '    path: clusters/prod',
        '    snapshot: ./live.yaml',
        '    auditLog: { cloudWatch: { region: us-east-2 } }',
      ),
    );
    expect(issueTexts(error)).toEqual([
      'clusters[0].auditLog.cloudWatch: logGroup and region are required without eks access',
    ]);
  });

  test('no auditLog: none', () => {
    expect(parse(minimal()).clusters[0]?.auditLog).toBeUndefined();
  });
});
