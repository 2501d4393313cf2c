#!/usr/bin/env bash
# Builds deploy/Dockerfile and checks that the image does what the deployment guide says: it serves
# as a non-root user, its health check passes, mail sent to its SMTP port becomes a ticket that the
# API lists, the desk survives the container's replacement (data in the /data volume), and the same
# image serves against PostgreSQL when DATABASE_URL names one.
#
#   deploy/check-image.sh                  # docker, or podman when no docker daemon answers
#   CONTAINER_TOOL=podman deploy/check-image.sh
#   CHECK_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres deploy/check-image.sh
#
# Needs curl on the host (it speaks both HTTP and SMTP). Run from the repository root.
set -euo pipefail

tool=${CONTAINER_TOOL:-}
if [[ -z $tool ]]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then tool=docker; else tool=podman; fi
fi
image=${TEND_IMAGE:-localhost/tend:check}
run_id=$$
web_port=${CHECK_WEB_PORT:-18080}
smtp_port=${CHECK_SMTP_PORT:-12525}
volume=tend-check-data-$run_id
container=tend-check-$run_id
base_url=http://127.0.0.1:$web_port
support=support@check.example

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
  # One at a time: Podman removes none of several names when one of them does not exist.
  for name in "$container" "$container-pg"; do "$tool" rm -f "$name" >/dev/null 2>&1 || true; done
  "$tool" volume rm -f "$volume" >/dev/null 2>&1 || true
  if [[ -n ${CHECK_POSTGRES_URL:-} ]]; then
    psql "$CHECK_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS tend_image_check_$run_id WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# Waits up to $2 seconds for $1 to answer 200.
wait_for() {
  for _ in $(seq 1 "$2"); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  return 1
}

health_interval=()
[[ $tool == docker ]] && health_interval=(--health-interval 1s)
start_sqlite_container() {
  "$tool" run -d --name "$container" \
    -p "127.0.0.1:$web_port:8080" -p "127.0.0.1:$smtp_port:2525" \
    -e TEND_SUPPORT_ADDRESSES=$support -v "$volume:/data" "${health_interval[@]}" "$image" >/dev/null
  wait_for "$base_url/healthz" 60 || { "$tool" logs "$container" | tail -20; fail "no /healthz within 60 s"; }
}

step "build ($tool)"
started=$(date +%s)
# Podman's default (OCI) format has no HEALTHCHECK; Docker's format keeps it.
build_format=()
[[ $tool == podman ]] && build_format=(--format docker)
"$tool" build "${build_format[@]}" -f deploy/Dockerfile -t "$image" .
echo "built in $(($(date +%s) - started)) s; size $("$tool" image inspect "$image" --format '{{.Size}}') bytes"

step "serve on SQLite in the /data volume"
"$tool" volume create "$volume" >/dev/null
start_sqlite_container
uid=$("$tool" exec "$container" id -u)
[[ $uid != 0 ]] || fail "the server runs as root"
echo "serving as uid $uid"
# The image's own HEALTHCHECK, run by the runtime: Podman runs it on demand; Docker on its interval,
# shortened for the check to the first second.
if [[ $tool == podman ]]; then
  podman healthcheck run "$container" || fail "the image's health check fails"
else
  for _ in $(seq 1 30); do
    [[ $(docker inspect "$container" --format '{{.State.Health.Status}}') == healthy ]] && break
    sleep 1
  done
  [[ $(docker inspect "$container" --format '{{.State.Health.Status}}') == healthy ]] || fail "the image's health check fails"
fi
echo "health check passes"

step "mail to the SMTP port becomes a ticket"
"$tool" exec "$container" node bin/tend.js admin create --email admin@check.example --name "Image Check" \
  --password "check-image-$run_id-password" >/dev/null
token=$("$tool" exec "$container" node bin/tend.js token create --email admin@check.example --scopes read | tail -1)
mail=$(mktemp)
printf 'From: Dana Customer <dana@customer.example>\r\nTo: %s\r\nSubject: Image check %s\r\nMessage-ID: <image-check-%s@customer.example>\r\n\r\nThe export fails since Monday.\r\n' \
  "$support" "$run_id" "$run_id" >"$mail"
curl -sS --url "smtp://127.0.0.1:$smtp_port" --mail-from dana@customer.example --mail-rcpt "$support" --upload-file "$mail"
rm -f "$mail"
tickets() { curl -fsS -H "Authorization: Bearer $token" "$base_url/api/v1/tickets?limit=5"; }
for _ in $(seq 1 30); do
  if tickets | grep -q "Image check $run_id"; then break; fi
  sleep 1
done
tickets | grep -q "Image check $run_id" || fail "the mail did not become a ticket within 30 s"
echo "ticket listed by GET /api/v1/tickets"

step "the desk survives replacing the container"
"$tool" rm -f "$container" >/dev/null
start_sqlite_container
tickets | grep -q "Image check $run_id" || fail "the ticket is gone after the container was replaced"
echo "ticket still listed"
"$tool" rm -f "$container" >/dev/null

if [[ -n ${CHECK_POSTGRES_URL:-} ]]; then
  step "serve on PostgreSQL"
  database=tend_image_check_$run_id
  psql "$CHECK_POSTGRES_URL" -qc "CREATE DATABASE $database"
  url="${CHECK_POSTGRES_URL%/*}/$database"
  # Host networking: the server listens where the host's PostgreSQL is 127.0.0.1.
  "$tool" run -d --name "$container-pg" --network host -e PORT="$web_port" -e TEND_SMTP_PORT="$smtp_port" \
    -e DATABASE_URL="$url" -e TEND_SUPPORT_ADDRESSES=$support "$image" >/dev/null
  wait_for "$base_url/readyz" 60 || { "$tool" logs "$container-pg" | tail -20; fail "no /readyz on PostgreSQL within 60 s"; }
  migrated=$(psql "$url" -Atc "SELECT count(*) FROM kysely_migration")
  echo "ready on PostgreSQL; $migrated migrations applied"
fi

printf '\nimage check passed\n'
