# Python's openapi-spec-validator (PyPI), for the OpenAPI export tests (compiler/tests/openapi.rs).
# The tests run `$CHARTER_TEST_PYTHON -c 'import openapi_spec_validator'` and fail loudly without it.
export CHARTER_TEST_PYTHON=${CHARTER_TEST_PYTHON:-python3}
if ! command -v "$CHARTER_TEST_PYTHON" >/dev/null; then
  apt_install python3 python3-pip
fi
if ! "$CHARTER_TEST_PYTHON" -c 'import openapi_spec_validator' 2>/dev/null; then
  "$CHARTER_TEST_PYTHON" -m pip install --quiet 'openapi-spec-validator>=0.7,<1' \
    || "$CHARTER_TEST_PYTHON" -m pip install --quiet --break-system-packages 'openapi-spec-validator>=0.7,<1'
fi
echo "openapi: $("$CHARTER_TEST_PYTHON" -c 'import importlib.metadata as m; print("openapi-spec-validator", m.version("openapi-spec-validator"))')"
