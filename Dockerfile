# One image for the gateway, every service and the web console, built from the uv lock; the command picks the program:
#   docker run IMAGE kkb-registry serve
# Multi-stage: dependencies are resolved in a builder, the runtime image holds only the virtual environment.
FROM python:3.11-slim AS builder
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY shared shared
COPY gateway gateway
COPY services services
COPY web web
# Editable installs: each program finds its alembic.ini and migrations beside its sources.
RUN uv sync --frozen --no-dev

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 kkb
WORKDIR /app
COPY --from=builder /app /app
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1
USER kkb
EXPOSE 8000 8001 8002 8003 8004 8005
CMD ["kkb-gateway", "serve"]
