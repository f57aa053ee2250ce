import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Log, MetricSink } from '../lib/pipeline/observe.ts';

/** Structured JSON logs (service name from POWERTOOLS_SERVICE_NAME) shared by the handlers. */
export const logger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'driftwatch' });

const METRICS_NAMESPACE = process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'Driftwatch';

/** CloudWatch EMF metrics, flushed by the logMetrics middleware after each invocation. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'driftwatch' });

/**
 * Metrics of one SQS record, with its cluster as dimension: published when the record is done, so records of one
 * batch never tag each other's metrics.
 */
export function recordMetrics(cluster: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'driftwatch', defaultDimensions: { cluster } });
}

export function logOf(target: Logger): Log {
  return {
    info: (message, extra) => target.info(message, extra ?? {}),
    warn: (message, extra) => target.warn(message, extra ?? {}),
    error: (message, extra) => target.error(message, extra ?? {}),
  };
}

export function metricSinkOf(target: Metrics): MetricSink {
  return {
    count: (name, value) => target.addMetric(name, MetricUnit.Count, value),
    milliseconds: (name, value) => target.addMetric(name, MetricUnit.Milliseconds, value),
  };
}

export const log: Log = logOf(logger);
export const metricSink: MetricSink = metricSinkOf(metrics);

/** A required environment variable; its absence is a deployment error worth a clear message. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
