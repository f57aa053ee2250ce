import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Log, MetricSink } from '../lib/pipeline/observe.ts';

/** Structured JSON logs (service name from POWERTOOLS_SERVICE_NAME) shared by the handlers. */
export const logger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'driftwatch' });

/** CloudWatch EMF metrics, flushed by the logMetrics middleware after each invocation. */
export const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'Driftwatch', serviceName: 'driftwatch' });

export const log: Log = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

export const metricSink: MetricSink = {
  count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
  milliseconds: (name, value) => metrics.addMetric(name, MetricUnit.Milliseconds, value),
};

/** A required environment variable; its absence is a deployment error worth a clear message. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
