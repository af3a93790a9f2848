import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { WikiSource } from "@lumina/wiki";
import { buildService } from "./app.ts";
import { CrawlerConfig } from "./config.ts";

export const NAME = "crawler";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = CrawlerConfig;
export const METRICS_PORT = 9300;

/** Starts the crawler from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: CrawlerConfig,
      build: (deps) => {
        const wiki = new WikiSource({
          apiUrl: deps.config.WIKI_API_URL,
          contact: deps.config.WIKI_CONTACT,
          // r.reason says what happened: HTTP 429/5xx and maxlag (the wiki busy) or a network error.
          onRetry: (r) =>
            deps.logger.warn(
              r,
              /^HTTP |maxlag/.test(r.reason)
                ? "wiki API busy; waiting before retrying"
                : "wiki API unreachable; waiting before retrying",
            ),
        });
        return buildService({ ...deps, wiki });
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
