import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MemoryStore } from "../src/index.ts";
import type { Episode, StoredMessage } from "../src/records.ts";

/*
 * The MemoryStore contract (libs/memory/src/port.ts), run against every adapter: sqlite.test.ts and
 * postgres.test.ts open a fresh store each and call this.
 */

export const message = (
  id: string,
  user: string,
  content: string,
  over: Partial<StoredMessage> = {},
): StoredMessage => ({
  id,
  user_id: user,
  session_id: "s1",
  agent_id: "",
  role: "user",
  content,
  ts: 1_700_000_000_000,
  infer: true,
  sentiment: "neutral",
  importance: 0.5,
  metadata: {},
  ...over,
});

const episode = (id: string, user: string): Episode => ({
  id,
  user_id: user,
  session_id: "s1",
  type: "milestone",
  title: "Graduated",
  summary: "I graduated today!",
  importance: 8,
  sentiment: "very_positive",
  tags: ["school"],
  context_messages: ["m1"],
  timestamp: 1_700_000_000_000,
  temporal_decay: 365,
  related_facts: [],
  related_episodes: [],
  metadata: { source: "test" },
});

const observation = (user: string, value: string, source: string, ts = 1_700_000_000_000) => ({
  user_id: user,
  session_id: "s1",
  category: "personal_info",
  key: "name",
  value,
  confidence: 0.8,
  source_message_id: source,
  ts,
});

export function memoryStoreContract(
  name: string,
  open: () => Promise<MemoryStore>,
  cleanUp?: () => Promise<void>,
) {
  describe(`MemoryStore contract: ${name}`, () => {
    let store: MemoryStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
      await cleanUp?.();
    });

    it("stores a message once and reads it back, by user, session and id", async () => {
      const m = message("m1", "ana", "Me llamo Ana", { metadata: { channel: "web" } });
      expect(await store.addMessage(m)).toBe(true);
      expect(await store.addMessage({ ...m, content: "changed" })).toBe(false);
      expect(await store.messages("ana")).toEqual([m]);
      expect(await store.messages("ana", { ids: ["m1", "nope"] })).toEqual([m]);
      expect(await store.messages("ana", { session: "other" })).toEqual([]);
      expect(await store.messageById("m1")).toEqual(m);
      expect(await store.messages("bob")).toEqual([]);
    });

    it("adds a fact, counts a repeated mention once per message, and keeps an old value in history", async () => {
      const first = await store.observeFact(observation("ana", "Ana", "m1"));
      expect(first.event).toBe("ADD");
      expect(first.fact).toMatchObject({ key: "name", value: "Ana", mention_count: 1, is_active: true });
      expect((await store.observeFact(observation("ana", "Ana", "m1"))).event).toBe("NONE");
      const again = await store.observeFact(observation("ana", "Ana", "m2", 1_700_000_100_000));
      expect(again.event).toBe("MENTION");
      expect(again.fact.mention_count).toBe(2);
      expect(again.fact.confidence).toBeGreaterThan(0.8);
      const changed = await store.observeFact(observation("ana", "Anita", "m3", 1_700_000_200_000));
      expect(changed.event).toBe("UPDATE");
      expect(changed.fact).toMatchObject({
        id: first.fact.id,
        value: "Anita",
        mention_count: 3,
        source_message_id: "m3",
      });
      const history = await store.factHistory(first.fact.id);
      expect(history.map((h) => [h.event, h.old_value, h.new_value])).toEqual([
        ["ADD", null, "Ana"],
        ["MENTION", "Ana", "Ana"],
        ["UPDATE", "Ana", "Anita"],
      ]);
      expect(await store.facts("ana")).toHaveLength(1);
      expect(await store.facts("bob")).toEqual([]);
    });

    it("merges concurrent observations of one key into one fact", async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.observeFact({ ...observation("cy", "Cy", `c${i}`), key: "nickname" }),
        ),
      );
      expect(new Set(results.map((r) => r.fact.id)).size).toBe(1);
      const [fact] = await store.facts("cy");
      expect(fact?.mention_count).toBe(8);
    });

    it("deletes a fact (inactive, in history) and brings it back when mentioned again", async () => {
      const { fact } = await store.observeFact({ ...observation("dee", "Paris", "d1"), key: "location" });
      expect(await store.deleteFact(fact.id)).toBe(true);
      expect(await store.deleteFact(fact.id)).toBe(false);
      expect(await store.facts("dee")).toEqual([]);
      expect(await store.facts("dee", { includeInactive: true })).toHaveLength(1);
      const back = await store.observeFact({ ...observation("dee", "Paris", "d2"), key: "location" });
      expect(back.event).toBe("UPDATE");
      expect((await store.facts("dee"))[0]?.is_active).toBe(true);
      const hand = await store.setFactValue(fact.id, "Lyon", { by: "hand" });
      expect(hand).toMatchObject({ value: "Lyon", metadata: { by: "hand" } });
      expect((await store.factHistory(fact.id)).map((h) => h.event)).toEqual([
        "ADD",
        "DELETE",
        "UPDATE",
        "UPDATE",
      ]);
    });

    it("stores an episode once, newest first, and updates or deletes it", async () => {
      const e = episode("e1", "ana");
      expect(await store.addEpisode(e)).toBe(true);
      expect(await store.addEpisode({ ...e, summary: "other" })).toBe(false);
      expect(await store.episodes("ana")).toEqual([e]);
      expect(await store.episodes("bob")).toEqual([]);
      expect(await store.updateEpisode("e1", "I graduated in physics")).toBe(true);
      expect((await store.episodeById("e1"))?.summary).toBe("I graduated in physics");
    });

    it("exports a user's memory, forgets it, and imports it back as it was", async () => {
      const before = await store.exportUser("ana");
      expect(before).toMatchObject({ format: "lumina.memory.v1", user_id: "ana" });
      expect(before.messages).toHaveLength(1);
      expect(before.facts).toHaveLength(1);
      expect(before.fact_history).toHaveLength(3);
      expect(before.episodes).toHaveLength(1);
      expect(before.affinity).toEqual([]);
      expect(await store.forgetUser("ana")).toEqual({ messages: 1, facts: 1, episodes: 1 });
      expect((await store.exportUser("ana")).facts).toEqual([]);
      const progress: number[] = [];
      const counts = await store.importSnapshot(before, (done) => progress.push(done));
      expect(counts).toEqual({ messages: 1, facts: 1, episodes: 1 });
      expect(progress.at(-1)).toBe(6);
      const after = await store.exportUser("ana");
      expect({ ...after, exported_at: "" }).toEqual({ ...before, exported_at: "" });
      expect(await store.importSnapshot(before)).toEqual({ messages: 0, facts: 0, episodes: 0 });
    });

    it("moves an affinity once per message within 0–100, names its level, and keeps session moods", async () => {
      const levelOf = (p: number) => (p <= 20 ? "stranger" : p <= 40 ? "acquaintance" : "friend");
      const hit = (id: string, delta: number, ts = 1_700_000_000_000) =>
        store.recordInteraction(
          {
            user_id: "eve",
            personality_name: "lumina",
            message_id: id,
            delta,
            polarity: Math.sign(delta) as -1 | 0 | 1,
            ts,
          },
          levelOf,
        );
      let last = await hit("e1", 15);
      expect(last).toMatchObject({ applied: true, previous_level: "stranger" });
      expect(last.affinity).toMatchObject({
        affinity_points: 15,
        current_level: "stranger",
        total_messages: 1,
      });
      expect((await hit("e1", 15)).applied).toBe(false); // the same message again: counted once
      last = await hit("e2", 10);
      expect(last.affinity).toMatchObject({ affinity_points: 25, current_level: "acquaintance" });
      expect(last).toMatchObject({ previous_level: "stranger", level: "acquaintance" });
      // Redelivered, it moves nothing and reports the level change it made the first time.
      expect(await hit("e2", 10)).toMatchObject({
        applied: false,
        previous_level: "stranger",
        level: "acquaintance",
      });
      last = await hit("e3", -40);
      expect(last.affinity).toMatchObject({
        affinity_points: 0,
        total_messages: 3,
        positive_interactions: 2,
        negative_interactions: 1,
      });
      await store.recordInteraction(
        { user_id: "eve", personality_name: "sakura", message_id: "e1", delta: 1, polarity: 0, ts: 1 },
        levelOf,
        30,
      );
      expect((await store.affinity("eve")).map((a) => [a.personality_name, a.affinity_points])).toEqual([
        ["lumina", 0],
        ["sakura", 31],
      ]);
      expect(await store.affinity("ana")).toEqual([]); // never another user's

      await store.setMood({ user_id: "eve", session_id: "s1", mood: "sad", intensity: 0.8, ts: 10 });
      await store.setMood({ user_id: "eve", session_id: "s1", mood: "sad", intensity: 0.6, ts: 20 });
      const mood = await store.setMood({
        user_id: "eve",
        session_id: "s1",
        mood: "happy",
        intensity: 0.7,
        ts: 30,
      });
      expect(mood).toMatchObject({ current_mood: "happy", mood_intensity: 0.7, mood_started_at: 30 });
      expect(mood.mood_history.map((m) => m.mood)).toEqual(["sad", "happy"]);
      // An older message delivered again does not bring its mood back.
      expect(
        await store.setMood({ user_id: "eve", session_id: "s1", mood: "sad", intensity: 0.8, ts: 10 }),
      ).toEqual(mood);
      expect(await store.moods("eve", "s1")).toEqual([mood]);
      expect(await store.moods("eve", "other")).toEqual([]);

      const snapshot = await store.exportUser("eve");
      expect(snapshot.affinity).toHaveLength(2);
      expect(snapshot.moods).toHaveLength(1);
      await store.forgetUser("eve");
      expect(await store.affinity("eve")).toEqual([]);
      expect(await store.moods("eve")).toEqual([]);
      await store.importSnapshot(snapshot);
      const back = await store.exportUser("eve");
      expect({ ...back, exported_at: "" }).toEqual({ ...snapshot, exported_at: "" });
      // A snapshot carries the points, not the ids of the messages counted: the next one adds to them.
      expect((await hit("e9", 5)).affinity.affinity_points).toBe(5);
    });

    it("lists users with their counts", async () => {
      const users = await store.users();
      expect(users.find((u) => u.user_id === "ana")).toMatchObject({ facts: 1, episodes: 1, messages: 1 });
      expect(users.find((u) => u.user_id === "dee")).toMatchObject({ facts: 1, messages: 0 });
    });
  });
}
