# syntax=docker/dockerfile:1
# One image for every caseflow process: `caseflow run intake|screening|consultation|bridge|worker|desk`
# (docker-compose.yml runs each as its own service).

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/caseflow
WORKDIR /src
# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && /opt/caseflow/bin/pip install -r requirements.txt
COPY . .
RUN /opt/caseflow/bin/pip install --no-deps . \
 && /opt/caseflow/bin/caseflow --help > /dev/null

FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /home/caseflow --uid 10001 caseflow
COPY --from=build /opt/caseflow /opt/caseflow
ENV PATH=/opt/caseflow/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CASEFLOW_LOG_JSON=true
USER caseflow
WORKDIR /home/caseflow
CMD ["caseflow", "--help"]
