import type { Static } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Answerer } from "../answerer.ts";
import type { RagMetrics } from "../metrics.ts";
import { Stages } from "../stages.ts";
import { ApiError } from "./errors.ts";
import { ChatRequest, ChatResponse, ErrorResponse } from "./schemas.ts";

/** The user of a request that names none. */
export const DEFAULT_USER = "default";

export interface ChatRouteDeps {
  answerer: Answerer;
  metrics: RagMetrics;
  defaultMaxTokens: number;
  maxTokensLimit: number;
}

export function checkMaxTokens(requested: number | undefined, deps: ChatRouteDeps): number {
  const n = requested ?? deps.defaultMaxTokens;
  if (n > deps.maxTokensLimit)
    throw new ApiError("max_tokens_too_large", `max_tokens may be at most ${deps.maxTokensLimit}`);
  return n;
}

/** A signal aborted when the caller hangs up before the response is sent: stop generating. */
export function abortOnHangUp(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** POST /chat: a question in, a cited answer with a confidence out. */
export function registerChatRoutes(app: FastifyInstance, deps: ChatRouteDeps): void {
  app.post<{ Body: Static<typeof ChatRequest> }>(
    "/chat",
    {
      schema: {
        summary: "Ask a question; get a cited answer and a confidence",
        body: ChatRequest,
        response: { 200: ChatResponse, "4xx": ErrorResponse, "5xx": ErrorResponse },
      },
    },
    async (request, reply) => {
      const question = request.body.query.trim();
      if (!question)
        throw new ApiError("invalid_request", "query must hold a question, not only whitespace (/query)");
      const stop = deps.metrics.chatLatency.startTimer({ api: "chat" });
      const stages = new Stages();
      try {
        const answer = await deps.answerer.ask({
          stages,
          question,
          user: request.body.user ?? DEFAULT_USER,
          session: request.body.session ?? "default",
          ...(request.body.persona ? { persona: request.body.persona } : {}),
          maxTokens: checkMaxTokens(request.body.max_tokens, deps),
          signal: abortOnHangUp(reply),
        });
        deps.metrics.requests.inc({ api: "chat", outcome: "ok" });
        void reply.header("server-timing", stages.header());
        return answer;
      } catch (err) {
        deps.metrics.requests.inc({ api: "chat", outcome: "error" });
        throw err;
      } finally {
        stop();
      }
    },
  );
}
