# The Airflow image for docker-compose: Airflow 3 with newswatch installed from this checkout.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11
COPY --chown=airflow:root pyproject.toml constraints.txt README.md /opt/newswatch/
COPY --chown=airflow:root ingest /opt/newswatch/ingest
COPY --chown=airflow:root extract /opt/newswatch/extract
COPY --chown=airflow:root seeds /opt/newswatch/seeds
RUN pip install --no-cache-dir -c /opt/newswatch/constraints.txt -e /opt/newswatch
ENV NEWSWATCH_SEEDS=/opt/newswatch/seeds
