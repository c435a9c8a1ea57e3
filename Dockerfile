# syntax=docker/dockerfile:1
# One image for every Pilotage process. Its default command is the web server (gunicorn);
# docker-compose.yml runs the Celery worker, beat and the migrations from the same image with
# another command.

# ------------------------------------------------------------------------------
# Dependencies: exactly the committed lock, without the dev group, into /opt/venv
# ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS dependencies

ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

# The same uv as the Makefile's UV_VERSION, so that the lock reads the same here and there.
RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.8

WORKDIR /app
# Only the lock and its manifest: this layer is rebuilt when the dependencies change, not the code.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# ------------------------------------------------------------------------------
# Runtime: web, worker and beat
# ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

# Pango, HarfBuzz and a font for WeasyPrint's PDFs; gettext's msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# gunicorn keeps its control socket under the home directory: the user needs one.
RUN groupadd --gid 1000 pilotage \
    && useradd --uid 1000 --gid pilotage --create-home --home-dir /home/pilotage \
        --shell /usr/sbin/nologin pilotage

ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=pmo.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    PILOTAGE_VAR_DIR=/data/var

COPY --from=dependencies /opt/venv /opt/venv

WORKDIR /app
COPY . .

# Build output made here, not committed. The settings refuse to load without SECRET_KEY, so
# these two commands get a throwaway one; it lives only on this line, never in the image.
RUN SECRET_KEY=build-only-not-a-secret PILOTAGE_VAR_DIR=/tmp/pilotage-build \
        python manage.py compilemessages -v 0 \
    && SECRET_KEY=build-only-not-a-secret PILOTAGE_VAR_DIR=/tmp/pilotage-build \
        python manage.py collectstatic --noinput -v 0 \
    && rm -rf /tmp/pilotage-build

# The code stays owned by root and read-only to the app; only the data folders are its own.
RUN mkdir -p /data/media /data/var && chown -R pilotage:pilotage /data

USER pilotage

EXPOSE 8000

CMD ["gunicorn", "pmo.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
