// Generated, labelled articles for bench:ui: N articles in topics of about 60, each linking to three
// articles of its topic, now and then to another topic, and to two titles nobody reads (ghosts).
// The same N gives the same graph (a seeded generator), as /stream would send it: NODE, then links.
import type { Frame } from "@lumina/ws-bridge";
import { seededRandom } from "../stats.ts";

const FIELDS = [
  "Astronomy",
  "Botany",
  "Cartography",
  "Dance",
  "Ecology",
  "Folklore",
  "Geology",
  "Heraldry",
  "Ichthyology",
  "Jazz",
  "Kinetics",
  "Linguistics",
  "Mycology",
  "Numismatics",
  "Optics",
  "Pottery",
  "Quarrying",
  "Rhetoric",
  "Sculpture",
  "Textiles",
  "Urbanism",
  "Volcanology",
  "Weaving",
  "Zoology",
];

type Article = Extract<Frame, { type: "NODE" }>;
type Link = Extract<Frame, { type: "GRAPH_ADD" }>;

/** "Geology" for topic 6; past the list, "Geology B", "Geology C" and so on. */
function topicName(k: number): string {
  const field = FIELDS[k % FIELDS.length] as string;
  const round = Math.floor(k / FIELDS.length);
  return round === 0 ? field : `${field} ${String.fromCharCode(65 + round)}`;
}

export function generatedFrames(articles: number): (Article | Link)[] {
  const rnd = seededRandom(articles);
  const topics = Math.max(4, Math.round(articles / 60));
  const title = (i: number) => `${topicName(i % topics)} ${Math.floor(i / topics) + 1}`;
  const sameTopic = (i: number) => {
    const j = (i % topics) + topics * Math.floor(rnd() * Math.ceil(articles / topics));
    return j < articles ? j : i % topics;
  };
  const frames: (Article | Link)[] = [];
  for (let i = 0; i < articles; i++) {
    const t = title(i);
    frames.push({
      type: "NODE",
      id: t,
      title: t,
      summary: `${t} is a generated article about ${topicName(i % topics).toLowerCase()}, for bench:ui.`,
      url: `https://en.wikipedia.org/wiki/${encodeURIComponent(t.replaceAll(" ", "_"))}`,
      categories: [topicName(i % topics)],
      sections: ["History", "See also"],
    });
    const targets = new Set([sameTopic(i), sameTopic(i), sameTopic(i)].map(title));
    if (rnd() < 0.3) targets.add(title(Math.floor(rnd() * articles)));
    targets.add(`${t} (unread) a`).add(`${t} (unread) b`);
    targets.delete(t);
    for (const target of targets) frames.push({ type: "GRAPH_ADD", source: t, target, label: "page_link" });
  }
  return frames;
}
