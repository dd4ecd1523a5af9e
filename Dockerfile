# A first working image: the bot with its knowledge packs; data on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STUDYBOT_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY adapters ./adapters
RUN pip install --no-cache-dir . \
    && useradd --system --home /app studybot \
    && mkdir -p /data && chown studybot /data

USER studybot
VOLUME ["/data"]
# Slack HTTP mode listens here; Discord and Socket Mode need no inbound port.
EXPOSE 3000
# Refuses to start on a bad knowledge pack; validate packs at build time too.
RUN studybot kb validate
ENTRYPOINT ["studybot"]
CMD ["run"]
