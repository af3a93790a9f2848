import type { StreamPublisher } from "@lumina/bus";
import { ChatTurn, GapRequest, INTERESTS, QaTurn } from "@lumina/events";
import type { ChatActivity, Llm, Priority } from "@lumina/llm";
import type { Fact } from "@lumina/memory";
import { markChatActive } from "@lumina/runtime";
import type { Redis } from "ioredis";
import { ulid } from "ulid";
import { permalink, type Quote, quoteOf } from "./domain/citation.ts";
import { confidence } from "./domain/confidence.ts";
import { extractAnswer, termCoverage } from "./domain/extractive.ts";
import { fitPrompt, type PastTurn, type PromptShares } from "./domain/prompt.ts";
import { terms } from "@lumina/text";
import { specificsFound } from "./domain/specifics.ts";
import { topicsOf } from "./domain/topics.ts";
import type { ChatMemory, Turn } from "./memory.ts";
import { type RagMetrics, RollingRatio } from "./metrics.ts";
import { introduction, quotingLead, type TurnPersona, type TurnPersonas } from "./persona.ts";
import type { Retrieval, Retriever, Source } from "./retriever.ts";
import { type Stages, timed } from "./stages.ts";
import type { RollingSummary } from "./summary.ts";
import { acknowledgement, type FactAnswer, type UserFacts } from "./user-facts.ts";

export interface AskInput {
  question: string;
  /** Whose turn it is: memory (history, recall, facts) is read and written for this user only. */
  user: string;
  session: string;
  /** The persona that answers (personas/<persona>.json); absent: PERSONA. */
  persona?: string;
  /** Earlier turns given by the caller (OpenAI API messages); otherwise the session's stored history. */
  history?: PastTurn[];
  maxTokens: number;
  temperature?: number;
  signal?: AbortSignal;
  onText?: (delta: string) => void;
  /** Where the turn's stage durations go (the Server-Timing header). */
  stages?: Stages;
}

export interface SourceRef {
  /** chunk: a passage Lumina read; fact: something the user told Lumina (snippet: their message). */
  kind: "chunk" | "fact";
  id: string;
  title: string;
  url: string;
  revision: number;
  snippet: string;
  /** The sentence the answer rests on, with its offsets in the chunk (chunks only). */
  quote?: Quote;
  /** The exact revision read, with a text fragment on the quoted sentence (chunks only). */
  permalink?: string;
}

export interface ChatAnswer {
  id: string;
  answer: string;
  cite_ids: string[];
  sources: SourceRef[];
  confidence: number;
  session: string;
  /** extractive, or the model id that wrote the answer. */
  model: string;
  finish_reason: "stop" | "length" | "abort";
  /** Milliseconds outside generation (retrieval, memory, prompt, bookkeeping). */
  overhead_ms: number;
  /** Who answered, at which relationship level and in which mood. */
  persona: { key: string; name: string; level: string; mood: string };
}

export interface AnswererSettings {
  maxTokensLimit: number;
  lowConfidence: number;
  trainMinConf: number;
  supportFloor: number;
  supportCeiling: number;
  /** background work yields while a chat request was served within this many ms (0: never) */
  chatQuietMs: number;
  /** How a model's context window is divided (PROMPT_SHARES). */
  shares: PromptShares;
}

/** What a turn starts from: the question's vector, the history, the retrieval, recalled turns. */
interface Gathered {
  vector: number[];
  history: PastTurn[];
  retrieval: Retrieval;
  recalled: Turn[];
  /** The user's facts for a model's prompt. */
  userLines: string[];
  /** The session's rolling summary (stored history only). */
  summary: string | undefined;
  /** An answer from the user's facts, when the question is about them. */
  fromFacts: FactAnswer | undefined;
  persona: TurnPersona;
}

/** The answer as worded by the model or the extractive answerer, and what it cites. */
interface Composed {
  answer: string;
  cited: Source[];
  meanLogprob?: number;
  finishReason: ChatAnswer["finish_reason"];
  generationMs: number;
  fromModel: boolean;
  /** The confidence when it does not come from the sources (an answer from facts, an acknowledgement). */
  confidence?: number;
}

/** The final wording, its confidence, and the topics a weak answer asks Lumina to read about. */
interface Scored {
  answer: string;
  /** The answer without the persona's words about quoting: what the trainer learns from. */
  said: string;
  cited: Source[];
  score: number;
  topics: string[];
  low: boolean;
  /** An answer from what the user told Lumina, or an acknowledgement of it. */
  personal?: boolean;
}

export const EXTRACTIVE = "extractive";
const NOTHING_KNOWN = (topics: string[]) =>
  `I have not read anything that answers this yet${topics.length > 0 ? ` (about ${topics.join(", ")})` : ""}. ` +
  "I have asked to read about it; ask again later.";
/** Questions kept among the interests the planner reads (INTERESTS.questions). */
const QUESTION_INTERESTS = 20;
const UNSURE = "I am not sure; the closest passages I have read say: ";

/**
 * One chat turn end to end: retrieve, recall memory, answer (the LLM under a token budget, or the
 * extractive answerer when no model is configured), cite, score, remember, and turn what it could
 * not answer into gap:req (and low-confidence turns into qa:turn for the trainer).
 */
export class Answerer {
  readonly #hits = new RollingRatio();
  readonly #answered = new RollingRatio();

  constructor(
    private readonly deps: {
      retriever: Retriever;
      memory: ChatMemory;
      userFacts: UserFacts;
      personas: TurnPersonas;
      summary: RollingSummary;
      llm: Llm | undefined;
      publisher: StreamPublisher;
      redis: Redis;
      metrics: RagMetrics;
      activity?: ChatActivity;
    },
    private readonly settings: AnswererSettings,
  ) {}

  get model(): string {
    return this.deps.llm?.modelId ?? EXTRACTIVE;
  }

  /** The personas that may answer; each is also a model name, `lumina:<persona>`. */
  get personas(): string[] {
    return this.deps.personas.keys();
  }

  /**
   * Answers a question. The whole request is chat activity, in one place for both audiences: this
   * process's model refuses background work (ChatActivity), and other services' background work waits
   * while the chat:active key exists (set at the start and again at the end, for CHAT_QUIET_MS).
   */
  ask(input: AskInput): Promise<ChatAnswer> {
    const quietMs = this.settings.chatQuietMs;
    const mark = () => {
      if (quietMs > 0) markChatActive(this.deps.redis, quietMs);
    };
    const run = async () => {
      mark();
      try {
        return await this.#ask(input);
      } finally {
        mark();
      }
    };
    return this.deps.activity ? this.deps.activity.during(run) : run();
  }

  /** gather → compose → score → record, each timed apart from generation. */
  async #ask(input: AskInput): Promise<ChatAnswer> {
    // A model that would refuse this request anyway (queue full, wait too long) refuses it before
    // retrieval: under overload the refusals cost nothing and the CPU goes to accepted requests.
    this.deps.llm?.checkCapacity("chat");
    const started = performance.now();
    const time = <T>(name: string, work: () => Promise<T>) => timed(input.stages, name, work);
    const gathered = await time("gather", () => this.#gather(input));
    const composed = await time("compose", () => this.#compose(input, gathered));
    const scored = this.#score(input, composed, gathered.persona);
    const turn = await time("record", () => this.#record(input, gathered, scored));
    const overhead = performance.now() - started - composed.generationMs;
    this.deps.metrics.overhead.observe(overhead / 1000);
    return {
      id: turn.id,
      answer: scored.answer,
      cite_ids: turn.cite_ids,
      sources: scored.cited.map((s) => sourceRef(s, scored.said)),
      confidence: scored.score,
      session: input.session,
      model: this.model,
      finish_reason: composed.finishReason,
      overhead_ms: Math.round(overhead * 10) / 10,
      persona: {
        key: gathered.persona.key,
        name: gathered.persona.compiled.name,
        level: gathered.persona.compiled.level,
        mood: gathered.persona.compiled.mood,
      },
    };
  }

  /**
   * The question's vector, the history, the retrieved sources and notes, recalled turns, and what the
   * user told Lumina: all read at once (recall starts as soon as the vector and the history are there).
   */
  async #gather(input: AskInput): Promise<Gathered> {
    const { retriever, memory, llm, metrics, userFacts } = this.deps;
    const stopRetrieval = metrics.retrievalLatency.startTimer();
    const scope = memoryScope(input.user, input.session);
    const time = <T>(name: string, work: Promise<T>) => timed(input.stages, name, work);
    // The BM25 half of retrieval needs no vector: it runs while the question is embedded.
    const embedding = time("embed", retriever.embed(input.question));
    const history = time("history", memory.history(scope));
    // Memory only feeds a model's prompt: the extractive answerer quotes sources and skips recall.
    const recall = llm
      ? Promise.all([embedding, history]).then(([vector, stored]) => memory.recall(scope, vector, stored.ids))
      : Promise.resolve([]);
    const persona = time("persona", this.deps.personas.forTurn({ ...input, withModel: llm !== undefined }));
    const [retrieval, stored, recalled, userLines, fromFacts, turnPersona, summary] = await Promise.all([
      // Lumina's reflections, like recall, only feed a model's prompt.
      time("retrieve", retriever.retrieve(input.question, embedding, llm ? {} : { notes: 0 }, input.stages)),
      history,
      recall,
      llm
        ? Promise.all([embedding, persona]).then(([vector, p]) =>
            userFacts.promptLines(input.user, vector, p.emotion.emotion),
          )
        : Promise.resolve([]),
      llm ? Promise.resolve(undefined) : time("facts", userFacts.answer(input.user, input.question)),
      persona,
      llm && !input.history ? this.deps.summary.read(scope) : Promise.resolve(undefined),
    ]);
    stopRetrieval();
    metrics.memoryHits.inc(recalled.length);
    metrics.retrievalHitRatio.set(this.#hits.push((retrieval.topDense ?? -1) >= this.settings.supportFloor));
    return {
      vector: retrieval.vector,
      history: input.history ?? stored.turns,
      retrieval,
      recalled,
      userLines,
      fromFacts,
      persona: turnPersona,
      summary,
    };
  }

  /**
   * The answer's words and what they cite: the model's under a token budget when there is a model and
   * something to ground it in, else the extractive answerer's.
   */
  async #compose(input: AskInput, g: Gathered): Promise<Composed> {
    const { llm } = this.deps;
    const personal = llm ? undefined : this.#personal(input, g);
    if (personal) return personal;
    // A model speaks when it has something to ground its words in: sources, or what the user told it.
    if (!llm || (g.retrieval.sources.length === 0 && g.userLines.length === 0)) {
      const extracted = extractAnswer(input.question, g.retrieval.sources);
      const cited = extracted.citeIds.map((id) => g.retrieval.sources.find((s) => s.id === id) as Source);
      return { answer: extracted.answer, cited, finishReason: "stop", generationMs: 0, fromModel: false };
    }
    // The answer's share of the window at most, so that the other parts keep theirs.
    const { shares } = this.settings;
    const answerTokens = Math.min(input.maxTokens, Math.floor(llm.contextSize * shares.response));
    const prompt = fitPrompt(
      {
        question: input.question,
        persona: g.persona.compiled.prompt,
        ...(g.persona.emotionBlock ? { emotion: g.persona.emotionBlock } : {}),
        shares,
        sources: g.retrieval.sources,
        memory: [
          ...g.userLines,
          ...g.retrieval.notes,
          ...g.recalled.map((t) => `Earlier you were asked "${t.user}" and answered "${t.assistant}"`),
        ],
        history: g.history,
        ...(g.summary ? { summary: g.summary } : {}),
        contextSize: llm.contextSize,
        answerTokens,
        countTokens: (t) => llm.countTokens(t),
      },
      (messages) => llm.promptTokens(messages),
    );
    const genStart = performance.now();
    const out = await llm.generate({
      messages: prompt.messages,
      maxTokens: answerTokens,
      priority: "chat" satisfies Priority,
      ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onText ? { onText: input.onText } : {}),
    });
    this.deps.metrics.tokens.inc({ priority: "chat" }, out.tokens);
    const answer = out.text.trim();
    return {
      answer,
      cited: citedSources(answer, g.retrieval.sources.slice(0, prompt.used.sources)),
      ...(out.meanLogprob !== undefined ? { meanLogprob: out.meanLogprob } : {}),
      finishReason: out.finishReason,
      generationMs: performance.now() - genStart,
      fromModel: true,
    };
  }

  /**
   * Without a model, what the user said about themselves comes first: a question about them is
   * answered from their facts (citing each and the message it came from), and a statement about them
   * is acknowledged in their language rather than answered with a quoted article.
   */
  #personal(input: AskInput, g: Gathered): Composed | undefined {
    const base = { finishReason: "stop" as const, generationMs: 0, fromModel: false };
    const intro = introduction(g.persona, input.question);
    if (intro) return { ...base, answer: intro, cited: [], confidence: 1 };
    if (g.fromFacts) {
      const cited = g.fromFacts.facts.map((f) =>
        factSource(f, g.fromFacts?.quotes.get(f.source_message_id) ?? ""),
      );
      return { ...base, answer: g.fromFacts.answer, cited, confidence: g.fromFacts.confidence };
    }
    const ack = acknowledgement(input.question);
    return ack ? { ...base, answer: ack.answer, cited: [], confidence: ack.confidence } : undefined;
  }

  /**
   * The confidence, and the final wording: a model's words were streamed as it wrote them and stand as
   * written (an uncited one scores at most 0.15); otherwise Lumina says what it does not know, or how
   * unsure it is.
   */
  #score(input: AskInput, c: Composed, persona: TurnPersona): Scored {
    const { cited } = c;
    if (c.confidence !== undefined) {
      input.onText?.(c.answer);
      return {
        answer: c.answer,
        said: c.answer,
        cited,
        score: c.confidence,
        topics: [],
        low: c.confidence < this.settings.lowConfidence,
        personal: true,
      };
    }
    const citedText = cited.map((s) => s.text).join(" ");
    const score = confidence({
      topDense: cited.length > 0 ? Math.max(...cited.map((s) => s.dense)) : undefined,
      coverage: cited.length > 0 ? termCoverage(input.question, citedText) : 0,
      specifics: specificsFound(input.question, cited),
      ...(c.meanLogprob !== undefined ? { meanLogprob: c.meanLogprob } : {}),
      cited: cited.length > 0,
      floor: this.settings.supportFloor,
      ceiling: this.settings.supportCeiling,
    });
    const topics = topicsOf(input.question);
    let answer = c.answer;
    let said = c.answer;
    if (!c.fromModel) {
      if (cited.length === 0) answer = said = NOTHING_KNOWN(topics);
      else if (score < this.settings.lowConfidence) answer = said = UNSURE + answer;
      else answer = `${quotingLead(persona)} ${answer}`;
      input.onText?.(answer);
    }
    return { answer, said, cited, score, topics, low: score < this.settings.lowConfidence };
  }

  /** Remembers the turn, notes the question as an interest, asks for gaps and training samples. */
  async #record(input: AskInput, g: Gathered, s: Scored): Promise<Turn> {
    const { metrics, memory } = this.deps;
    metrics.gapHitRate.set(this.#answered.push(!s.low));
    metrics.confidence.observe(s.score);
    const turn: Turn = {
      id: ulid(),
      session: memoryScope(input.user, input.session),
      ts: Date.now(),
      user: input.question,
      assistant: s.answer,
      confidence: s.score,
      cite_ids: s.cited.map((c) => c.id),
      embedding: g.vector,
    };
    const reason = s.cited.length > 0 ? "low_confidence" : "unknown";
    // Independent writes, issued together: their Redis commands share one round trip.
    await Promise.all([
      memory.remember(turn),
      this.deps.summary.add(turn.session, { user: turn.user, assistant: turn.assistant }),
      this.#publishChatTurn(turn, input, g.persona.key),
      // What the user says about themselves is not something for Lumina to read about.
      s.personal ? undefined : this.#noteInterest(turn),
      s.low ? this.#publishGaps(s.topics, reason, s.score, input.question) : undefined,
      s.score < this.settings.trainMinConf
        ? this.#publishQaTurn({ ...turn, assistant: s.said }, input.session)
        : undefined,
    ]);
    return turn;
  }

  /**
   * The question among Lumina's interests (INTERESTS.questions, the latest 20): the planner reads next
   * what is close to what people ask.
   */
  async #noteInterest(turn: Turn) {
    const entry = JSON.stringify({ text: turn.user.slice(0, 500), at: turn.ts });
    await this.deps.redis
      .multi()
      .lpush(INTERESTS.questions, entry)
      .ltrim(INTERESTS.questions, 0, QUESTION_INTERESTS - 1)
      .exec();
  }

  /** chat:turn: every turn, for the memory service to learn about the user from. */
  async #publishChatTurn(turn: Turn, input: AskInput, persona: string) {
    await this.deps.publisher.publish(ChatTurn, {
      turn_id: turn.id,
      user: input.user,
      session: input.session,
      query: turn.user.slice(0, 8192),
      answer: turn.assistant.slice(0, 32_768),
      confidence: turn.confidence,
      persona,
      ts: new Date(turn.ts).toISOString(),
    });
  }

  /** qa:turn: a turn the trainer may learn from (confidence under TRAIN_MIN_CONF). */
  async #publishQaTurn(turn: Turn, session: string) {
    await this.deps.publisher.publish(QaTurn, {
      turn_id: turn.id,
      session,
      query: turn.user.slice(0, 8192),
      answer: turn.assistant.slice(0, 32_768),
      confidence: turn.confidence,
      cite_ids: turn.cite_ids,
      ts: new Date(turn.ts).toISOString(),
    });
    this.deps.metrics.qaTurns.inc();
  }

  /** gap:req for each topic, at most once per topic per 10 minutes (a repeated question asks once). */
  async #publishGaps(topics: string[], reason: "low_confidence" | "unknown", score: number, query: string) {
    for (const topic of topics) {
      const fresh = await this.deps.redis.set(`rag:gap:${topic.toLowerCase()}`, "1", "EX", 600, "NX");
      if (fresh === null) continue;
      await this.deps.publisher.publish(GapRequest, {
        topic,
        reason,
        score: Math.round((1 - score) * 1000) / 1000,
        source: "rag-worker",
        query: query.slice(0, 4096),
      });
      this.deps.metrics.gaps.inc({ reason });
    }
  }
}

/** A cited source as the API shows it: a chunk with the sentence it rests on and its permalink. */
function sourceRef(s: Source, answer: string): SourceRef {
  const ref: SourceRef = {
    kind: s.kind ?? "chunk",
    id: s.id,
    title: s.title,
    url: s.url,
    revision: s.revision,
    snippet: s.text.slice(0, 300),
  };
  if (ref.kind !== "chunk") return ref;
  const quote = quoteOf(s.text, answer);
  const link = permalink(s.url, s.title, s.revision, quote);
  return { ...ref, ...(quote ? { quote } : {}), ...(link ? { permalink: link } : {}) };
}

/** A user's fact as a cited source: its message's words as the text. */
const factSource = (f: Fact, quote: string): Source => ({
  id: f.id,
  title: "What you told Lumina",
  url: "",
  revision: 0,
  section: "user memory",
  kind: "fact",
  text: quote,
  dense: 1,
  score: 1,
});

/**
 * Where a user's session lives in chat memory: `<user>::<session>`. User ids cannot hold ':', so two
 * users' sessions never share a history or recall, whatever the sessions are called.
 */
export const memoryScope = (user: string, session: string): string => `${user}::${session}`;

/**
 * The sources a model answer relies on: those it cites as [n]; when it cites none, those sharing at
 * least two content words with the answer (so a model that ignores the citation format is still
 * grounded, and an answer unrelated to every source cites nothing).
 */
export function citedSources(answer: string, sources: Source[]): Source[] {
  const numbers = new Set([...answer.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1])));
  const marked = [...numbers]
    .filter((n) => n >= 1 && n <= sources.length)
    .map((n) => sources[n - 1] as Source);
  if (marked.length > 0) return marked;
  const said = new Set(terms(answer));
  return sources.filter((s) => {
    const have = new Set(terms(s.text));
    return [...said].filter((w) => have.has(w)).length >= 2;
  });
}
