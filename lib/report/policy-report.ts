import type { Finding, Report } from './report.ts';

/**
 * The findings as a PolicyReport (wgpolicyk8s.io/v1alpha2, the shape OpenReports keeps): what Kyverno, Trivy and
 * Policy Reporter already read. One ClusterPolicyReport per audit; an exempted finding is a `skip`.
 */
export interface PolicyReport {
  apiVersion: 'wgpolicyk8s.io/v1alpha2';
  kind: 'ClusterPolicyReport';
  metadata: { name: string; labels: Record<string, string> };
  source: 'driftwatch';
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
  results: PolicyReportResult[];
}

export interface PolicyReportResult {
  source: 'driftwatch';
  policy: string;
  rule: string;
  category: string;
  result: 'fail' | 'skip';
  severity: Finding['severity'];
  message: string;
  timestamp: { seconds: number; nanos: 0 };
  resources: Array<{ kind: string; name: string; namespace?: string }>;
  properties?: Record<string, string>;
}

export function toPolicyReport(report: Report): PolicyReport {
  const seconds = Math.floor(Date.parse(report.generatedAt) / 1000);
  const results = report.findings.map((finding): PolicyReportResult => {
    const properties: Record<string, string> = {};
    if (finding.remediation) properties['remediation'] = finding.remediation;
    if (finding.firstSeen) properties['firstSeen'] = finding.firstSeen;
    return {
      source: 'driftwatch',
      policy: finding.check,
      rule: finding.check,
      category: finding.check.split('-')[0] ?? 'driftwatch',
      result: finding.exempted ? 'skip' : 'fail',
      severity: finding.severity,
      message: finding.message,
      timestamp: { seconds, nanos: 0 },
      resources: [
        { kind: finding.kind, name: finding.name, ...(finding.namespace ? { namespace: finding.namespace } : {}) },
      ],
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    };
  });
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'ClusterPolicyReport',
    metadata: {
      name: `driftwatch-${report.cluster}`,
      labels: { 'app.kubernetes.io/managed-by': 'driftwatch', 'driftwatch.io/run-id': report.runId },
    },
    source: 'driftwatch',
    summary: {
      pass: 0,
      fail: results.filter((result) => result.result === 'fail').length,
      warn: 0,
      error: 0,
      skip: results.filter((result) => result.result === 'skip').length,
    },
    results,
  };
}
