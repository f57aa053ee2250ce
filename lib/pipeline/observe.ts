/** What the engine needs of a structured logger: Powertools' Logger fits, so does a console adapter. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Metrics by name; the Lambda adapter turns them into CloudWatch EMF with the cluster as dimension. */
export interface MetricSink {
  count(name: string, value: number): void;
  milliseconds(name: string, value: number): void;
}
