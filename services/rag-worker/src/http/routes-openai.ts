import type { Embedder } from "@lumina/embeddings";
import type { ChatMessage, Llm, Priority } from "@lumina/llm";
import type { Static } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Answerer, ChatAnswer } from "../answerer.ts";
import type { PastTurn } from "../domain/prompt.ts";
import { ApiError, type ApiErrorCode } from "./errors.ts";
import { messageOf } from "@lumina/errors";
import { abortOnHangUp, type ChatRouteDeps, checkMaxTokens, DEFAULT_USER } from "./routes-chat.ts";
import { personaOfModel } from "../persona.ts";
import { CompletionRequest, EmbeddingsRequest, ErrorResponse } from "./schemas.ts";

type Body = Static<typeof CompletionRequest>;
const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;
type Finish = "stop" | "length";

const text = (content: Body["messages"][number]["content"]) =>
  typeof content === "string" ? content : content.map((p) => p.text).join("");

/** The question (last user message) and the turns before it, as question/answer pairs. */
export function conversation(messages: Body["messages"]): { question: string; history: PastTurn[] } {
  const turns = messages.filter((m) => m.role === "user" || m.role === "assistant");
  const last = turns.at(-1);
  if (!last || last.role !== "user")
    throw new ApiError("invalid_request", "the last message must come from the user");
  const history: PastTurn[] = [];
  for (let i = 0; i < turns.length - 1; i++) {
    const m = turns[i] as (typeof turns)[number];
    const next = turns[i + 1];
    if (m.role === "user" && next?.role === "assistant") {
      history.push({ user: text(m.content), assistant: text(next.content) });
      i++;
    }
  }
  const question = text(last.content).trim();
  if (question.length === 0 || question.length > 2000)
    throw new ApiError("invalid_request", "the question must have 1 to 2000 characters");
  return { question, history };
}

/** The `lumina` extension field: what the answer cites and how sure it is (documented in docs/api.md). */
const extension = (a: ChatAnswer) => ({
  turn_id: a.id,
  cite_ids: a.cite_ids,
  sources: a.sources,
  confidence: a.confidence,
  session: a.session,
  persona: a.persona,
});

type OpenAiDeps = ChatRouteDeps & { answerer: Answerer; llm: Llm | undefined; embedder: Embedder };

/**
 * The OpenAI-compatible API: GET /v1/models, POST /v1/embeddings, POST /v1/chat/completions (JSON or
 * SSE stream ending with `data: [DONE]`). In the default "rag" mode the last user message is the
 * question, earlier messages are the history, and the answer carries its sources in the `lumina`
 * field. `lumina.mode: "raw"` sends the messages to the model as they are (scratch-vm's background
 * completions).
 */
export function registerOpenAiRoutes(app: FastifyInstance, deps: OpenAiDeps): void {
  registerEmbeddings(app, deps.embedder);
  app.get(
    "/v1/models",
    { schema: { summary: "The model answering, and lumina:<persona> for each persona (OpenAI format)" } },
    async () => ({
      object: "list",
      data: [deps.answerer.model, ...deps.answerer.personas.map((p) => `lumina:${p}`)].map((id) => ({
        id,
        object: "model",
        created: 0,
        owned_by: "lumina",
      })),
    }),
  );
  registerCompletions(app, deps);
}

function registerEmbeddings(app: FastifyInstance, embedder: Embedder): void {
  app.post<{ Body: Static<typeof EmbeddingsRequest> }>(
    "/v1/embeddings",
    {
      schema: {
        summary: "OpenAI embeddings with the embedder Lumina indexes with (the model field is ignored)",
        body: EmbeddingsRequest,
        response: { "4xx": ErrorResponse, "5xx": ErrorResponse },
      },
    },
    async (request) => {
      const inputs = typeof request.body.input === "string" ? [request.body.input] : request.body.input;
      const vectors = await embedder.embed(inputs);
      const base64 = request.body.encoding_format === "base64";
      return {
        object: "list",
        model: embedder.modelId,
        data: vectors.map((v, index) => ({
          object: "embedding",
          index,
          embedding: base64 ? Buffer.from(Float32Array.from(v).buffer).toString("base64") : v,
        })),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      };
    },
  );
}

/** What one completion request needs, whichever mode answers it. */
interface Call {
  body: Body;
  maxTokens: number;
  created: number;
  signal: AbortSignal;
  stream: SseStream | undefined;
}

function registerCompletions(app: FastifyInstance, deps: OpenAiDeps): void {
  app.post<{ Body: Body }>(
    "/v1/chat/completions",
    {
      schema: {
        summary: "OpenAI chat completions; sources in the `lumina` extension field",
        body: CompletionRequest,
        response: { "4xx": ErrorResponse, "5xx": ErrorResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = Math.floor(Date.now() / 1000);
      const call: Call = {
        body,
        maxTokens: checkMaxTokens(body.max_tokens ?? body.max_completion_tokens, deps),
        created,
        signal: abortOnHangUp(reply),
        stream: body.stream ? new SseStream(reply, created, deps.answerer.model) : undefined,
      };
      const stop = deps.metrics.chatLatency.startTimer({ api: "openai" });
      try {
        const out = await (body.lumina?.mode === "raw"
          ? rawCompletion(call, deps)
          : ragCompletion(call, deps));
        deps.metrics.requests.inc({ api: "openai", outcome: "ok" });
        return out;
      } catch (err) {
        deps.metrics.requests.inc({ api: "openai", outcome: "error" });
        if (call.stream?.started) return call.stream.fail(err);
        throw err;
      } finally {
        stop();
      }
    },
  );
}

/** `lumina.mode: "raw"`: the messages to the model as they are, at the priority asked for. */
async function rawCompletion({ body, maxTokens, created, signal, stream }: Call, deps: OpenAiDeps) {
  if (!deps.llm)
    throw new ApiError("no_model", "raw completions need a model: set LLM_MODEL_PATH or LLM_BASE_URL");
  const priority: Priority = body.lumina?.priority ?? "background";
  const out = await deps.llm.generate({
    messages: body.messages.map((m): ChatMessage => ({
      role: m.role === "developer" ? "system" : m.role,
      content: text(m.content),
    })),
    maxTokens,
    priority,
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    signal,
    ...(stream ? { onText: (d: string) => stream.delta(d) } : {}),
  });
  const finish: Finish = out.finishReason === "length" ? "length" : "stop";
  deps.metrics.tokens.inc({ priority }, out.tokens);
  if (stream) return stream.end(finish, undefined);
  return completion(created, deps.llm.modelId, out.text, finish, undefined);
}

/** The default mode: the last user message answered from what Lumina read, with its sources. */
async function ragCompletion({ body, maxTokens, created, signal, stream }: Call, deps: OpenAiDeps) {
  const { question, history } = conversation(body.messages);
  const user = body.user ?? DEFAULT_USER;
  if (!USER_ID.test(user))
    throw new ApiError(
      "invalid_request",
      "user must be letters, digits, _ . @ - (at most 128): it names whose memory this is",
    );
  const answer = await deps.answerer.ask({
    question,
    user,
    history,
    session: body.lumina?.session ?? body.user ?? "openai",
    ...(personaOfModel(body.model) ? { persona: personaOfModel(body.model) } : {}),
    maxTokens,
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    signal,
    ...(stream ? { onText: (d: string) => stream.delta(d) } : {}),
  });
  const finish: Finish = answer.finish_reason === "length" ? "length" : "stop";
  if (stream) return stream.end(finish, answer);
  return completion(created, answer.model, answer.answer, finish, answer);
}

function completion(
  created: number,
  model: string,
  content: string,
  finish: Finish,
  answer: ChatAnswer | undefined,
) {
  return {
    id: `chatcmpl-${answer?.id ?? created.toString(36)}`,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: finish }],
    ...(answer ? { lumina: extension(answer) } : {}),
  };
}

/**
 * Server-sent events in the OpenAI chunk format. Headers go out with the first piece of text, so an
 * error before any text (model busy, bad request) is still a plain JSON error with its status.
 */
class SseStream {
  started = false;
  readonly #id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly reply: FastifyReply,
    private readonly created: number,
    private readonly model: string,
  ) {}

  #open(): void {
    if (this.started) return;
    this.started = true;
    this.reply.hijack();
    const headers = this.reply.getHeaders() as Record<string, string>;
    this.reply.raw.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    this.#send({ role: "assistant", content: "" }, null);
  }

  #send(delta: object, finish: Finish | null, extra: object = {}): void {
    const chunk = {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    };
    this.reply.raw.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  delta(content: string): void {
    this.#open();
    if (content) this.#send({ content }, null);
  }

  end(finish: Finish, answer: ChatAnswer | undefined): void {
    this.#open();
    this.#send({}, finish, answer ? { lumina: extension(answer) } : {});
    this.reply.raw.end("data: [DONE]\n\n");
  }

  fail(err: unknown): void {
    const error: { code: ApiErrorCode; message: string } = { code: "stream_failed", message: messageOf(err) };
    this.reply.raw.end(`data: ${JSON.stringify({ error })}\n\n`);
  }
}
