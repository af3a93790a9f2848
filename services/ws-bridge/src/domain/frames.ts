import { decodeEvent, type EventOf, GraphAdd, GapRequest, ThinkNote } from "@lumina/events";

/** What /stream sends: one JSON object per WebSocket message. */
export type Frame =
  | {
      type: "NODE";
      id: string;
      title: string;
      summary: string;
      url: string;
      wikidata?: string;
      categories: string[];
      /** the article's section headings, in order (at most 40, for the page's details panel) */
      sections: string[];
      /** who asked for the article and why (the planner: the linking article, reason and terms) */
      read_because?: NonNullable<EventOf<typeof GraphAdd>["provenance"]>;
    }
  | { type: "GRAPH_ADD"; source: string; target: string; label: "page_link" | "read_because" }
  | { type: "GAP"; topic: string; reason: string }
  | { type: "NOTE"; title: string; round: number; rounds: number; note: string }
  | { type: "EVENT"; stream: string; id: string };

const SUMMARY_CHARS = 600;
const NOTE_CHARS = 400;
const MAX_SECTIONS = 40;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * The frames for one stream entry: an article becomes a NODE frame, a `read_because` GRAPH_ADD frame
 * from the article whose link led to it (when the planner chose it), and one GRAPH_ADD frame per
 * outgoing link; gaps and notes get their own frames; anything else a small EVENT frame. An entry
 * that fails its schema yields no frames (its consumers dead-letter it; the bridge only watches).
 */
export function toFrames(stream: string, id: string, fields: Record<string, string>): Frame[] {
  switch (stream) {
    case GraphAdd.name: {
      const r = decodeEvent(GraphAdd, fields);
      if (!r.ok) return [];
      const a = r.event;
      const node: Frame = {
        type: "NODE",
        id: a.title,
        title: a.title,
        summary: clip(a.summary, SUMMARY_CHARS),
        url: a.url,
        categories: a.categories,
        sections: a.sections
          .map((s) => s.heading)
          .filter((h) => h !== a.title)
          .slice(0, MAX_SECTIONS),
        ...(a.wikidata ? { wikidata: a.wikidata } : {}),
        ...(a.provenance ? { read_because: a.provenance } : {}),
      };
      const parent = a.provenance?.parent;
      return [
        node,
        // The link along which Lumina decided to read this article, drawn apart from the others.
        ...(parent
          ? [{ type: "GRAPH_ADD", source: parent, target: a.title, label: "read_because" } as const]
          : []),
        ...a.links.map((target): Frame => ({
          type: "GRAPH_ADD",
          source: a.title,
          target,
          label: "page_link",
        })),
      ];
    }
    case GapRequest.name: {
      const r = decodeEvent(GapRequest, fields);
      return r.ok ? [{ type: "GAP", topic: r.event.topic, reason: r.event.reason }] : [];
    }
    case ThinkNote.name: {
      const r = decodeEvent(ThinkNote, fields);
      if (!r.ok) return [];
      const { title, round, rounds, note } = r.event;
      return [{ type: "NOTE", title, round, rounds, note: clip(note, NOTE_CHARS) }];
    }
    default:
      return [{ type: "EVENT", stream, id }];
  }
}
