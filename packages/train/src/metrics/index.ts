export { JsonlSink, METRICS_FILE, readMetricsFile } from "./jsonl-sink";
export {
  finiteOrNull,
  type MetricKind,
  type MetricRecord,
  type MetricSink,
  metricRecordSchema,
} from "./record";
export { Reporter } from "./reporter";
