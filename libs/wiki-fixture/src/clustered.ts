import { Corpus } from "./corpus.ts";

/**
 * Topical clusters of real article titles (astronomy, cooking, music) and the hubs real Wikipedia
 * articles nearly all link to. Generated text, not Wikipedia's: each article has a lead and two
 * sections that name the articles it links to.
 */
export const CLUSTERS = {
  astronomy: [
    "Nebula",
    "Galaxy",
    "Quasar",
    "Pulsar",
    "Supernova",
    "Comet",
    "Asteroid",
    "Meteor",
    "Planet",
    "Exoplanet",
    "Black hole",
    "Neutron star",
    "White dwarf",
    "Red giant",
    "Star cluster",
    "Milky Way",
    "Andromeda Galaxy",
    "Solar System",
    "Sun",
    "Moon",
    "Mars",
    "Jupiter",
    "Saturn",
    "Telescope",
    "Radio telescope",
    "Cosmic microwave background",
    "Dark matter",
    "Dark energy",
    "Big Bang",
    "Interstellar medium",
    "Solar wind",
    "Orbit",
    "Kuiper belt",
    "Oort cloud",
    "Gravitational wave",
    "Redshift",
    "Light-year",
    "Constellation",
    "Eclipse",
    "Aurora",
    "Nova",
    "Magnetar",
    "Brown dwarf",
    "Protostar",
    "Accretion disk",
    "Event horizon",
    "Spiral galaxy",
    "Elliptical galaxy",
    "Galaxy cluster",
    "Cosmic ray",
    "Solar flare",
    "Sunspot",
    "Space telescope",
    "Parallax",
    "Planetary nebula",
    "Venus",
    "Neptune",
    "Uranus",
    "Pluto",
    "Star formation",
  ],
  cooking: [
    "Bread",
    "Sourdough",
    "Yeast",
    "Flour",
    "Butter",
    "Cheese",
    "Cheddar",
    "Mozzarella",
    "Pasta",
    "Lasagna",
    "Risotto",
    "Soup",
    "Stew",
    "Roasting",
    "Baking",
    "Frying",
    "Grilling",
    "Sauce",
    "Mayonnaise",
    "Vinaigrette",
    "Pastry",
    "Croissant",
    "Pie",
    "Cake",
    "Chocolate",
    "Garlic",
    "Onion",
    "Tomato",
    "Olive oil",
    "Omelette",
  ],
  music: [
    "Violin",
    "Cello",
    "Piano",
    "Guitar",
    "Drum kit",
    "Trumpet",
    "Saxophone",
    "Flute",
    "Clarinet",
    "Orchestra",
    "Symphony",
    "Concerto",
    "Sonata",
    "Opera",
    "Jazz",
    "Blues",
    "Rock music",
    "Melody",
    "Harmony",
    "Rhythm",
    "Chord",
    "Musical scale",
    "Tempo",
    "Composer",
    "Choir",
    "String quartet",
    "Album",
    "Song",
    "Lyrics",
    "Musical notation",
  ],
} as const;

export const HUBS = [
  "United States",
  "ISBN (identifier)",
  "Wayback Machine",
  "1990",
  "List of countries",
  "Doi (identifier)",
] as const;

export type ClusterName = keyof typeof CLUSTERS;

/**
 * A corpus of topical clusters plus hub pages, for the planner's relevance tests and benchmark. In a
 * cluster of n articles, article i links to articles i+1, i+2, i+3 and 2i+1 of its own cluster (mod n),
 * to one article of the next cluster, and to every hub; each hub links to the first article of every
 * cluster. `clusterOf` labels every title with its cluster, or "hub".
 */
export function clusteredCorpus(): { corpus: Corpus; clusterOf: Map<string, ClusterName | "hub"> } {
  const corpus = new Corpus();
  const clusterOf = new Map<string, ClusterName | "hub">();
  const names = Object.keys(CLUSTERS) as ClusterName[];
  names.forEach((name, c) => {
    const titles: readonly string[] = CLUSTERS[name];
    const next: readonly string[] = CLUSTERS[names[(c + 1) % names.length] as ClusterName];
    titles.forEach((title, i) => {
      clusterOf.set(title, name);
      const own = [
        ...new Set([i + 1, i + 2, i + 3, 2 * i + 1].map((j) => titles[j % titles.length] as string)),
      ];
      const across = next[i % next.length] as string;
      corpus.add(
        title,
        clusterArticle(
          title,
          name,
          own.filter((t) => t !== title),
          across,
        ),
      );
    });
  });
  for (const hub of HUBS) {
    clusterOf.set(hub, "hub");
    const firsts = names.map((n) => `[[${CLUSTERS[n][0]}]]`).join(", ");
    corpus.add(
      hub,
      `'''${hub}''' is a page that a great many articles link to, among them ${firsts}.\n\n== Use ==\n` +
        `${hub} is cited across every field. It appears in references, footnotes and infoboxes.`,
    );
  }
  return { corpus, clusterOf };
}

function clusterArticle(title: string, cluster: string, own: string[], across: string): string {
  const links = own.map((t) => `[[${t}]]`);
  const hubs = HUBS.map((h) => `[[${h}]]`);
  return [
    `'''${title}''' is a subject of ${cluster}. It is closely related to ${links.join(", ")}.`,
    "",
    "== Overview ==",
    `Work on ${title} builds on ${links[0]} and ${links.at(-1)}. Much of it was first described in the ` +
      `${hubs[0]}, around ${hubs[3]}; see ${hubs.slice(4).join(" and ")}.`,
    "",
    "== Related topics ==",
    `${title} is sometimes compared with [[${across}]]. References: ${hubs[1]}, ${hubs[2]}, ${hubs[5]}.`,
  ].join("\n");
}
