#!/usr/bin/env bash
# Start the action server, then the Rasa server (`serve.sh run`) or the terminal
# chat (`serve.sh shell`), on the embedded defaults: SQLite tracker store, REST
# and socket.io channels. Ports: RASA_PORT (5005), ACTIONS_PORT (5055), and
# WEB_PORT (8080) for the demo clinic page with the chat widget (`run` only).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
LOG_DIR=${LOG_DIR:-logs}
WEB_PORT=${WEB_PORT:-8080}
# Browsers may talk to the assistant only from these pages (rasa_extensions/channels/web.py reads it; --cors below).
export CORS_ORIGINS=${CORS_ORIGINS:-http://localhost:${WEB_PORT}}
mkdir -p "$LOG_DIR" build
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1

# Production settings are chosen by files: RASA_ENDPOINTS (endpoints.production.yml:
# PostgreSQL and Redis) and RASA_CREDENTIALS (credentials.production.yml: messaging apps).
endpoints=${RASA_ENDPOINTS:-endpoints.yml}
credentials=${RASA_CREDENTIALS:-credentials.yml}
# With the embedded defaults, the action server's address follows ACTIONS_PORT.
if [ "$endpoints" = "endpoints.yml" ] && [ "$ACTIONS_PORT" != "5055" ]; then
  sed "s#localhost:5055#localhost:${ACTIONS_PORT}#" endpoints.yml > build/endpoints.yml
  endpoints=build/endpoints.yml
fi
# Rasa's HTTP API stays off unless a token protects it.
api_args=()
if [ -n "${RASA_API_TOKEN:-}" ]; then
  # One argument with "=": a token starting with "-" is then never read as an option.
  api_args=(--enable-api "--auth-token=$RASA_API_TOKEN")
elif [ "${RASA_ENABLE_API:-false}" = "true" ]; then
  echo "RASA_ENABLE_API=true needs RASA_API_TOKEN: the HTTP API is never open without a token." >&2
  exit 1
fi

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" >"$LOG_DIR/actions.log" 2>&1 &
actions_pid=$!
web_pid=
trap 'kill "$actions_pid" $web_pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  curl -fsS "http://localhost:${ACTIONS_PORT}/health" >/dev/null 2>&1 && break
  kill -0 "$actions_pid" 2>/dev/null || { echo "The action server failed to start; see $LOG_DIR/actions.log" >&2; exit 1; }
  sleep 0.5
done

if [ "$mode" = "shell" ]; then
  .venv/bin/rasa shell --model models --endpoints "$endpoints" --port "$RASA_PORT"
else
  # The demo clinic page with the widget, pointed at this Rasa server (scripts/web_server.py).
  [ -f web/vendor/socket.io.min.js ] || scripts/web_setup.sh
  WEB_PORT="$WEB_PORT" RASA_URL="${RASA_URL:-http://localhost:${RASA_PORT}}" \
    .venv/bin/python scripts/web_server.py >"$LOG_DIR/web.log" 2>&1 &
  web_pid=$!
  echo "Demo clinic page with the chat widget on http://localhost:${WEB_PORT}"
  echo "Rasa server on http://localhost:${RASA_PORT} (REST: /webhooks/rest/webhook, socket.io), actions on :${ACTIONS_PORT}"
  read -ra cors_origins <<<"${CORS_ORIGINS//,/ }"
  .venv/bin/rasa run --model models --endpoints "$endpoints" --credentials "$credentials" --port "$RASA_PORT" \
    --cors "${cors_origins[@]}" "${api_args[@]}"
fi
