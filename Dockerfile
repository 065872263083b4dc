# orgpath: the web service (and, with another command, the job worker). See docs/deploy.md.
#   docker build -t orgpath .
#   docker run -p 8000:8000 -v "$PWD/graphs:/srv/graphs:ro" orgpath
FROM python:3.11-slim-bookworm

# Debian's Graphviz draws ladders; cairo (built into pycairo here) writes org chart PDFs;
# curl is for the HEALTHCHECK only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz curl libcairo2-dev pkg-config gcc \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    ORGPATH_GRAPHS=/srv/graphs

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY orgpath ./orgpath
COPY graphs ./graphs
COPY templates ./templates
RUN pip install . && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin orgpath \
    && mkdir -p /srv/graphs /srv/jobs && chown orgpath /srv/jobs

USER orgpath
# The graphs folder (ladders and people files) comes from the host, a volume or a git-sync
# sidecar; the jobs folder holds finished exports when replicas share it.
VOLUME ["/srv/graphs", "/srv/jobs"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz >/dev/null || exit 1

# Listens on all addresses inside the container; put nginx (or an ingress) in front.
CMD ["orgpath", "serve", "--host", "0.0.0.0", "--port", "8000"]
