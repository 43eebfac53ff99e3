# Headless Chromium and Graphviz for the docs-site tests (cli/tests/site_browser.rs): Debian's
# chromium and graphviz, and playwright-core from npm (it drives the installed Chromium; it never
# downloads a browser). Exports CHARTER_CHROMIUM (the browser) and CHARTER_PLAYWRIGHT (the
# node_modules directory holding playwright-core).
command -v chromium >/dev/null || apt_install chromium
command -v dot >/dev/null || apt_install graphviz
export CHARTER_CHROMIUM=${CHARTER_CHROMIUM:-/usr/bin/chromium}
CHARTER_SITE_BROWSER_DIR="$(pwd)/tests/site-browser"
if [ ! -d "$CHARTER_SITE_BROWSER_DIR/node_modules/playwright-core" ]; then
  command -v npm >/dev/null || apt_install npm
  (cd "$CHARTER_SITE_BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
export CHARTER_PLAYWRIGHT=${CHARTER_PLAYWRIGHT:-$CHARTER_SITE_BROWSER_DIR/node_modules}
echo "chromium: $("$CHARTER_CHROMIUM" --version 2>/dev/null | head -1), $(dot -V 2>&1 | head -1), playwright-core $(node -p "require('$CHARTER_PLAYWRIGHT/playwright-core/package.json').version")"
