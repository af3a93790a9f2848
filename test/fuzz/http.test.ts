import { start } from "@lumina/rag-worker";
import type { RunningService } from "@lumina/runtime";
import { startStack, type TestStack } from "@lumina/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Random and hostile bodies against the real chat API (a rag-worker on a real Redis): every answer is
// a success or a 4xx with a JSON error — never a 5xx, never a crash.
let stack: TestStack;
let rag: RunningService;

beforeAll(async () => {
  stack = await startStack("lumina-fuzz-http-");
  rag = await stack.run(start(stack.env({ CHAT_PORT: "0", EMBEDDER: "hashing" })));
});
afterAll(() => stack?.stop());

const json = fc.json({ maxDepth: 4 }).map((s) => JSON.parse(s) as unknown);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom("user", "assistant", "system", "developer"), fc.string()),
    content: fc.oneof(fc.string(), json),
  },
  { requiredKeys: [] },
);
const bodies: Record<string, fc.Arbitrary<unknown>> = {
  "/chat": fc.oneof(
    json,
    fc.record(
      {
        query: fc.oneof(fc.string({ maxLength: 300 }), json),
        session: fc.oneof(fc.string(), json),
        max_tokens: fc.oneof(fc.integer(), json),
      },
      { requiredKeys: [] },
    ),
    fc.string({ minLength: 1, maxLength: 200 }).map((query) => ({ query })),
  ),
  "/v1/chat/completions": fc.oneof(
    json,
    fc.record(
      {
        messages: fc.oneof(fc.array(message, { maxLength: 4 }), json),
        stream: fc.oneof(fc.boolean(), json),
        max_tokens: fc.oneof(fc.integer(), json),
        temperature: fc.oneof(fc.double(), json),
        lumina: fc.oneof(
          json,
          fc.record({ mode: fc.constantFrom("rag", "raw", "x"), session: fc.string() }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: [] },
    ),
  ),
  "/v1/embeddings": fc.oneof(
    json,
    fc.record(
      {
        input: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 5 }), json),
        encoding_format: fc.oneof(fc.constantFrom("float", "base64"), json),
      },
      { requiredKeys: [] },
    ),
  ),
};
const request = fc.oneof(
  ...Object.entries(bodies).map(([path, body]) =>
    fc.record({
      path: fc.constant(path),
      body: fc.oneof(
        { weight: 8, arbitrary: body.map((b) => JSON.stringify(b)) },
        { weight: 2, arbitrary: fc.string({ maxLength: 100 }) },
      ),
      type: fc.constantFrom(
        "application/json",
        "application/json",
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
      ),
    }),
  ),
  fc.record({
    path: fc.string({ maxLength: 40 }).map((s) => `/chunks/${encodeURIComponent(s)}`),
    body: fc.constant(""),
    type: fc.constant(""),
  }),
);

describe("chat API under generated input", () => {
  it("answers every request with a 2xx or a 4xx JSON error", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ path, body, type }) => {
        const get = path.startsWith("/chunks/");
        const res = await fetch(`${rag.urls.chat}${path}`, {
          method: get ? "GET" : "POST",
          headers: type ? { "content-type": type } : {},
          ...(get ? {} : { body }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        expect(res.status, `${path} ${body.slice(0, 200)} → ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
          expect(typeof error.code).toBe("string");
          expect(typeof error.message).toBe("string");
        }
      }),
      { numRuns: 2500 },
    );
    expect(statuses.get(200)).toBeGreaterThan(50); // valid requests were generated and answered
    expect((await fetch(`${rag.urls.chat}/healthz`)).status).toBe(200);
  }, 240_000);
});
