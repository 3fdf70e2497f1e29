# newswatch — the two commands a new user needs: `make demo` and `make test`.
.PHONY: demo test install es-start es-stop es-status lint clean-cache

demo:  ## install, start local Elasticsearch, run the pipeline on the demo feeds, show a search
	scripts/demo.sh

test:  ## install, start local Elasticsearch, run every test, stop Elasticsearch
	scripts/test.sh

install:
	scripts/install.sh

es-start:
	scripts/elasticsearch.sh start

es-stop:
	scripts/elasticsearch.sh stop

es-status:
	scripts/elasticsearch.sh status

lint:
	.venv/bin/ruff check ingest extract dags tests bench
	.venv/bin/mypy ingest extract

clean-cache:
	scripts/elasticsearch.sh stop; rm -rf .cache
