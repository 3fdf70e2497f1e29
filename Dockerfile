# The Airflow image for docker-compose: Airflow 3 with newswatch installed as a package (not
# editable: seeds/ ships inside it) and the gazetteer built once here, at image build time,
# instead of in every container on first use.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11
USER root
RUN mkdir -p /opt/newswatch/cache && chown airflow:root /opt/newswatch/cache
USER airflow
COPY --chown=airflow:root pyproject.toml constraints.txt README.md /opt/newswatch/src/
COPY --chown=airflow:root ingest /opt/newswatch/src/ingest
COPY --chown=airflow:root extract /opt/newswatch/src/extract
COPY --chown=airflow:root seeds /opt/newswatch/src/seeds
RUN pip install --no-cache-dir -c /opt/newswatch/src/constraints.txt /opt/newswatch/src
ENV NEWSWATCH_CACHE_DIR=/opt/newswatch/cache
# readable by any AIRFLOW_UID (compose runs as that user, group 0)
RUN python -c "from ingest.config import configure_extract; configure_extract(); \
from extract import gazetteer; gazetteer.get()" \
    && chmod -R a+rX /opt/newswatch/cache
