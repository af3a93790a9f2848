# Shortcuts. Without Docker, `npm start` and `npm test` are all you need.
COMPOSE ?= docker compose
INFRA := redis qdrant prometheus grafana

.PHONY: start test up dev stop logs ps freeze restore seed status doctor

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

freeze:           ## snapshot graphs, vector store, adapters, Redis and config (stop Lumina first)
	ops/freeze.sh

restore:          ## make restore FILE=data/snapshots/lumina-….tar.gz (into an empty DATA_DIR and Redis)
	npx lumina restore $(FILE)

seed:             ## make seed TOPIC=Artificial_intelligence
	npx lumina seed $(TOPIC)

status:           ## queues, streams, dead letters, knowledge, model, service health
	npx lumina status

doctor:           ## test every connection and say how to fix failures
	npx lumina doctor
