/**
 * A generated multi-session conversation set for bench/memory: users who, over weeks of sessions, say
 * things about themselves (facts, plans, events, a move that replaces an earlier fact) among plenty of
 * small talk that reuses the same words, and questions about them — each with the index of the
 * message that holds the answer. Deterministic (seeded), so runs compare.
 */
import { seededRandom as prng } from "../stats.ts";

export interface BenchMessage {
  session: number;
  /** ms since the epoch: sessions are days apart. */
  ts: number;
  content: string;
}

export interface BenchQuestion {
  question: string;
  /** Worded with the words of the message (direct) or with others (paraphrase). */
  style: "direct" | "paraphrase";
  /** Indexes into the user's messages of those that hold the answer. */
  evidence: number[];
}

export interface BenchUser {
  id: string;
  messages: BenchMessage[];
  questions: BenchQuestion[];
}

const NAMES = [
  "Aiko",
  "Bruno",
  "Chiara",
  "Dmitri",
  "Elena",
  "Farid",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Kira",
  "Luca",
];
const CITIES = [
  "Lisbon",
  "Porto",
  "Kyoto",
  "Oslo",
  "Quito",
  "Tunis",
  "Hanoi",
  "Dublin",
  "Cusco",
  "Lyon",
  "Perth",
  "Riga",
];
const COMPANIES = [
  "Siemens",
  "Nokia",
  "Airbus",
  "Philips",
  "Lego",
  "Spotify",
  "Ikea",
  "Bosch",
  "Zeiss",
  "Canon",
];
const PETS = ["Pixel", "Mochi", "Biscuit", "Nimbus", "Pepper", "Tofu", "Ziggy", "Olive"];
const HOBBIES = ["climbing", "pottery", "sailing", "birdwatching", "chess", "baking", "kayaking", "painting"];
const SCHOOLS = ["Delft", "Bologna", "Coimbra", "Uppsala", "Leiden", "Salamanca"];
const TOPICS = [
  "weather",
  "dinner",
  "a film",
  "the news",
  "the traffic",
  "a book",
  "the match",
  "coffee",
  "music",
];

/** Small talk that reuses the facts' words (sister, city, work, trip, cat…) without stating any. */
const SMALL_TALK = [
  (r: Pick_) => `What do you think about ${r.pick(TOPICS)} today?`,
  (r: Pick_) => `My sister called me about ${r.pick(TOPICS)}, nothing special.`,
  (r: Pick_) => `Work was busy again, lots of meetings about ${r.pick(TOPICS)}.`,
  (r: Pick_) => `I watched a documentary about a trip to ${r.pick(CITIES)} in the old days.`,
  (_r: Pick_) => `The cat next door keeps sitting on my car.`,
  (r: Pick_) => `Can you tell me something about ${r.pick(CITIES)}?`,
  (r: Pick_) => `I read that ${r.pick(COMPANIES)} is opening a new office somewhere.`,
  (r: Pick_) => `My friend ${r.pick(NAMES)} likes ${r.pick(HOBBIES)}, I never tried it.`,
  (r: Pick_) => `The city was loud this morning because of ${r.pick(TOPICS)}.`,
  (r: Pick_) => `Do you know a good recipe for ${r.pick(["soup", "bread", "curry", "pie"])}?`,
];
interface Pick_ {
  pick<T>(xs: readonly T[]): T;
}

const DAY = 86_400_000;

/** `users` users, each with `sessions` sessions of `perSession` messages. */
export function generateConversations(
  users: number,
  sessions: number,
  perSession: number,
  seed = 7,
): BenchUser[] {
  const random = prng(seed);
  const r: Pick_ = { pick: (xs) => xs[Math.floor(random() * xs.length)] as (typeof xs)[number] };
  const start = Date.UTC(2026, 0, 5);
  return Array.from({ length: users }, (_, u) => {
    const messages: BenchMessage[] = [];
    for (let s = 0; s < sessions; s++)
      for (let m = 0; m < perSession; m++)
        messages.push({ session: s, ts: start + s * 3 * DAY + m * 60_000, content: r.pick(SMALL_TALK)(r) });
    const questions: BenchQuestion[] = [];
    /** Puts a statement into session `s` (replacing small talk) and returns its index. */
    const say = (s: number, content: string) => {
      const i = Math.min(s, sessions - 1) * perSession + 1 + Math.floor(random() * (perSession - 1));
      (messages[i] as BenchMessage).content = content;
      return i;
    };
    const ask = (evidence: number, direct: string, paraphrase: string) => {
      questions.push({ question: direct, style: "direct", evidence: [evidence] });
      questions.push({ question: paraphrase, style: "paraphrase", evidence: [evidence] });
    };
    const [name, sister, city1, city2] = [r.pick(NAMES), r.pick(NAMES), r.pick(CITIES), r.pick(CITIES)];
    const later = (k: number) => Math.floor((sessions * k) / 10);
    ask(
      say(0, `Hi! My name is ${name}, nice to meet you.`),
      "What is my name?",
      "How should you address me?",
    );
    ask(say(later(1), `My sister's name is ${sister}.`), "What is my sister's name?", "Who is my sibling?");
    say(later(2), `I live in ${city1}, in a small flat.`);
    ask(
      say(later(6), `Big news: I moved to ${city2 === city1 ? "Riga" : city2} last week.`),
      "Where do I live now?",
      "Which town is home for me these days?",
    );
    ask(
      say(later(3), `I work at ${r.pick(COMPANIES)} as an engineer.`),
      "Where do I work?",
      "Who is my employer?",
    );
    ask(
      say(later(4), `Next month I'm flying to ${r.pick(CITIES)} for a conference.`),
      "Where am I flying next month?",
      "What is the destination of my upcoming journey?",
    );
    ask(
      say(later(5), `We adopted a kitten, my cat is called ${r.pick(PETS)}.`),
      "What is my cat's name?",
      "What did we name the new pet?",
    );
    ask(
      say(later(7), `I really love ${r.pick(HOBBIES)} on weekends.`),
      "What do I love doing on weekends?",
      "Which pastime do I enjoy?",
    );
    ask(
      say(later(8), `I graduated from ${r.pick(SCHOOLS)} today, I am so happy!`),
      "Which school did I graduate from?",
      "Where did I finish my studies?",
    );
    ask(
      say(later(9), "My grandfather passed away yesterday, I feel awful and sad."),
      "Who in my family passed away?",
      "What sad loss did I suffer?",
    );
    return { id: `user-${u}`, messages, questions };
  });
}
