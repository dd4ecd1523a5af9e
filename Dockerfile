# studybot's image. Build: docker build -t studybot .   Run: see compose.yaml and the README.
#
# Two stages: the first installs the dependencies (a layer that changes only with
# pyproject.toml), then the bot, into a virtual environment, and checks the knowledge packs;
# the second copies that environment alone into a slim image that runs as an unprivileged
# user, with its data on a volume.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/studybot/bin:$PATH
RUN python -m venv /opt/studybot
WORKDIR /src
# Dependencies first, read from pyproject.toml alone: editing the code reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -r requirements.txt
COPY README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY adapters ./adapters
# The bot itself, then its packs checked: a bad pack fails the build, not the first start.
# pip and setuptools are not needed to run it: they stay behind.
RUN pip install --no-deps . \
    && cd / && studybot kb validate \
    && python -m pip uninstall --yes pip setuptools

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/studybot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STUDYBOT_DATA_DIR=/data \
    STUDYBOT_CACHE_DIR=/data/cache \
    STUDYBOT_HTTP_PORT=3000 \
    MPLCONFIGDIR=/tmp/matplotlib
# uid 10001: a bind-mounted data folder must belong to it (chown -R 10001 on the host)
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home studybot \
    && mkdir /data && chown studybot:studybot /data
COPY --from=build /opt/studybot /opt/studybot
USER studybot
WORKDIR /data
VOLUME ["/data"]
# /healthz and /metrics on every platform; Slack's /slack/events in HTTP mode
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["studybot", "health"]
# docker stop sends SIGTERM: the bot finishes the work under way, then exits
STOPSIGNAL SIGTERM
ENTRYPOINT ["studybot"]
CMD ["run"]
