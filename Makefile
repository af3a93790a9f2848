# Shortcuts. Without Docker, `npm start` and `npm test` are all you need.
COMPOSE ?= docker compose
INFRA := redis qdrant prometheus grafana

.PHONY: start test up dev stop logs ps

start:            ## everything in one process, no Docker (same as npm start)
	npm start

test:             ## lint, typecheck and the test suite (same as npm test)
	npm test

up:               ## the whole stack in Docker, detached
	$(COMPOSE) up -d --build

dev:              ## Redis, Qdrant, Prometheus, Grafana and one live-reloading Lumina container
	$(COMPOSE) --profile dev up --build --watch $(INFRA) lumina-dev

stop:             ## stop and remove the containers (named volumes keep the data)
	$(COMPOSE) --profile dev down

logs:             ## follow the logs of every container
	$(COMPOSE) --profile dev logs -f --tail=100

ps:               ## container states and health
	$(COMPOSE) --profile dev ps
