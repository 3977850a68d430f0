# The daemon as a container, like the old kit: it drives the host's Docker Engine
# through the mounted socket.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DO_NOT_TRACK=1

WORKDIR /opt/clarus-daemon
COPY pyproject.toml README.md ./
COPY clarus_daemon ./clarus_daemon
RUN pip install --no-cache-dir . && mkdir -p /etc/clarus-daemon /var/lib/clarus-daemon/models

EXPOSE 8081
STOPSIGNAL SIGTERM
# ready: the daemon answers and reaches the Docker Engine (a 503 fails the check)
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/api/health/ready', timeout=4)"
ENTRYPOINT ["clarus-daemon"]
CMD ["serve", "--config", "/etc/clarus-daemon/clarus-daemon.toml"]
