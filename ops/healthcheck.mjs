// Container healthcheck: GET /healthz on this service's METRICS_PORT (or the port given as argument).
const port = process.argv[2] ?? process.env.METRICS_PORT;
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
