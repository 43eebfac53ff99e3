# The SARIF 2.1.0 JSON Schema and validator from the npm package @microsoft/sarif-multitool: its
# Linux build ships `sarif-2.1.0.json` and the `Sarif.Multitool` binary (run directly: the npm shim
# passes its arguments through a shell, which splits `--rule-kind 'Sarif;Gh'`). For the SARIF tests
# of `charter diff --format sarif` and `charter lint --format sarif` (cli/tests/diff_sarif.rs),
# which read `$CHARTER_TEST_SARIF_SCHEMA` and `$CHARTER_TEST_SARIF_MULTITOOL` and fail loudly
# without them. The binary is .NET: without ICU it needs invariant globalization.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
SARIF_DIR=${SARIF_DIR:-/opt/charter-sarif}
export CHARTER_TEST_SARIF_SCHEMA=${CHARTER_TEST_SARIF_SCHEMA:-$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json}
export CHARTER_TEST_SARIF_MULTITOOL=${CHARTER_TEST_SARIF_MULTITOOL:-$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}
if [ ! -f "$CHARTER_TEST_SARIF_SCHEMA" ] || [ ! -x "$CHARTER_TEST_SARIF_MULTITOOL" ]; then
  command -v npm >/dev/null || apt_install npm
  mkdir -p "$SARIF_DIR"
  npm install --silent --no-audit --no-fund --prefix "$SARIF_DIR" '@microsoft/sarif-multitool@5' >/dev/null
fi
echo "sarif: $CHARTER_TEST_SARIF_SCHEMA, $CHARTER_TEST_SARIF_MULTITOOL"
