export { BUNDLED_CORPUS_DIR, Corpus } from "./corpus.ts";
export { type Rendered, renderWikitext } from "./render.ts";
export { startWikiFixture, type WikiFixture, type WikiFixtureOptions } from "./server.ts";
export { syntheticCorpus, syntheticTitle } from "./synthetic.ts";
export { CLUSTERS, type ClusterName, clusteredCorpus, HUBS } from "./clustered.ts";
