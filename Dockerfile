# piiscout in a container, installed from this repository (README: Docker).
#
#   docker build -t piiscout .
#   docker run --rm -v piiscout:/var/lib/piiscout -v /srv/shares:/srv/shares:ro \
#       piiscout scan /srv/shares/finance
#   cat dump.sql | docker run -i --rm -v piiscout:/var/lib/piiscout piiscout scan -
#   docker run --rm -v piiscout:/var/lib/piiscout piiscout report
#
# Debian 12 and its Python 3.11: the platform piiscout's whole test suite
# runs on. Build with --build-arg WITH_CHROMIUM=0 for an image without PDF
# reports (about 300 MB smaller), --build-arg WITH_OCR=0 without Tesseract.
FROM debian:bookworm-slim

ARG WITH_CHROMIUM=1
ARG WITH_OCR=1
ENV DEBIAN_FRONTEND=noninteractive \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

# What pip cannot install: Python itself, libmagic (content types), libarchive
# (7z/RAR members), and optionally Chromium (PDF reports) and Tesseract (OCR).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv libmagic1 libarchive13 ca-certificates \
      $( [ "$WITH_CHROMIUM" = 1 ] && echo chromium ) \
      $( [ "$WITH_OCR" = 1 ] && echo tesseract-ocr tesseract-ocr-eng ) \
 && rm -rf /var/lib/apt/lists/*

# The repository itself (see .dockerignore), installed into a venv; then the
# detectors compiled once, into the machine-wide cache every user reads.
COPY . /opt/piiscout/src
RUN python3 -m venv /opt/piiscout/.venv \
 && /opt/piiscout/.venv/bin/pip install --upgrade pip \
 && /opt/piiscout/.venv/bin/pip install /opt/piiscout/src \
 && ln -s /opt/piiscout/.venv/bin/piiscout /usr/local/bin/piiscout \
 && piiscout warm-cache -q

# An unprivileged user; the inventory, its HMAC key and the user cache in one
# volume (keep it: hashes are comparable only under the same key).
RUN useradd --system --uid 10001 --home-dir /var/lib/piiscout --create-home --shell /usr/sbin/nologin piiscout \
 && chmod 0700 /var/lib/piiscout
USER piiscout
ENV PIISCOUT_INVENTORY=/var/lib/piiscout/inventory \
    XDG_CONFIG_HOME=/var/lib/piiscout/config \
    XDG_CACHE_HOME=/var/lib/piiscout/cache
VOLUME ["/var/lib/piiscout"]
WORKDIR /var/lib/piiscout

ENTRYPOINT ["piiscout"]
CMD ["--help"]
