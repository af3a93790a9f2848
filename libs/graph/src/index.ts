export { type LinkStat, linkStats, summariesOf } from "./link-stats.ts";
