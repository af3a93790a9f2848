/**
 * The value of a metric scraped from a running service's /metrics (`baseUrl` is its metrics URL): the
 * sum of every sample named `name` whose labels include `labels`; 0 when there is none.
 */
export async function scrapeMetric(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await fetch(`${baseUrl}/metrics`).then((r) => r.text());
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const tags = m[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => tags.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
