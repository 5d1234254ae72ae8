#!/usr/bin/env bash
# Container health check of the vitals image: healthy when the admin server's /readyz answers 200.
# Plain bash (/dev/tcp): the JRE image has no curl or wget.
#   VITALS_ADMIN_PORT          admin port (default 8888), as in the configuration
#   VITALS_ADMIN_AUTH_BEARERTOKEN  sent as a bearer token when set (admin.auth.bearerToken)
# Not usable with admin.tls (HTTPS); disable the health check there.
set -euo pipefail

port="${VITALS_ADMIN_PORT:-8888}"
auth=""
if [ -n "${VITALS_ADMIN_AUTH_BEARERTOKEN:-}" ]; then
  auth="Authorization: Bearer ${VITALS_ADMIN_AUTH_BEARERTOKEN}"$'\r\n'
fi

exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /readyz HTTP/1.1\r\nHost: localhost\r\n%sConnection: close\r\n\r\n' "$auth" >&3
IFS= read -r -t 4 status <&3
# Read the rest of the answer before closing: closing early makes the server log a reset.
while IFS= read -r -t 4 _ <&3; do :; done
exec 3<&-
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "readyz: ${status:-no answer}" >&2; exit 1 ;;
esac
