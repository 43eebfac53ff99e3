# NATS with JetStream for the event tests: Debian's nats-server, a temp store dir, 127.0.0.1:42229.
CHARTER_NATS_PORT=${CHARTER_NATS_PORT:-42229}
export CHARTER_TEST_NATS_URL=${CHARTER_TEST_NATS_URL:-nats://127.0.0.1:$CHARTER_NATS_PORT}
if (exec 3<>"/dev/tcp/127.0.0.1/$CHARTER_NATS_PORT") 2>/dev/null; then
  echo "nats: reusing the server on 127.0.0.1:$CHARTER_NATS_PORT"
else
  command -v nats-server >/dev/null || apt_install nats-server
  CHARTER_NATS_DIR=$(mktemp -d /tmp/charter-nats.XXXXXX)
  nohup nats-server -js -sd "$CHARTER_NATS_DIR" -a 127.0.0.1 -p "$CHARTER_NATS_PORT" \
    >"$CHARTER_NATS_DIR/log" 2>&1 &
  wait_port 127.0.0.1 "$CHARTER_NATS_PORT" 30
  echo "nats: started $(nats-server --version) on 127.0.0.1:$CHARTER_NATS_PORT ($CHARTER_NATS_DIR)"
fi
