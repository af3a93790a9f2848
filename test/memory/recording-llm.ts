import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  messages: { role: string; content: string }[];
  stream?: boolean;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
}

/**
 * An OpenAI-compatible chat server that answers every request with `reply()` — streamed when the
 * request streams (as the rag-worker asks), one JSON completion otherwise — and records the requests
 * it was sent: what a prompt held, seen from the outside.
 */
export async function startRecordingLlm(reply: string | ((request: RecordedRequest) => string)) {
  const requests: RecordedRequest[] = [];
  const prompts: { role: string; content: string }[][] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const parsed = JSON.parse(body || "{}") as RecordedRequest;
      requests.push(parsed);
      prompts.push(parsed.messages ?? []);
      const text = typeof reply === "string" ? reply : reply(parsed);
      if (!parsed.stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(`${chunk({ content: text }, null)}${chunk({}, "stop")}data: [DONE]\n\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    prompts,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
