# Helpers for integration tests (sourced).
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
# A scratch folder outside the repository, removed when the test exits.
W=$(mktemp -d /tmp/kiln-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
