# The AsyncAPI 3.0 JSON Schema from the npm package @asyncapi/specs, for the AsyncAPI export test
# (compiler/tests/asyncapi.rs), which reads `$CHARTER_TEST_ASYNCAPI_SCHEMA` and fails loudly without it.
ASYNCAPI_DIR=${ASYNCAPI_DIR:-/opt/charter-asyncapi}
export CHARTER_TEST_ASYNCAPI_SCHEMA=${CHARTER_TEST_ASYNCAPI_SCHEMA:-$ASYNCAPI_DIR/node_modules/@asyncapi/specs/schemas/3.0.0.json}
if [ ! -f "$CHARTER_TEST_ASYNCAPI_SCHEMA" ]; then
  command -v npm >/dev/null || apt_install npm
  mkdir -p "$ASYNCAPI_DIR"
  npm install --silent --no-audit --no-fund --prefix "$ASYNCAPI_DIR" '@asyncapi/specs@6' >/dev/null
fi
echo "asyncapi: $CHARTER_TEST_ASYNCAPI_SCHEMA"
