# Helpers for integration tests (sourced).
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
# A scratch folder outside the repository, removed at exit.
scratch() {
  local d
  d=$(mktemp -d /tmp/kiln-test.XXXXXX)
  trap "rm -rf '$d'" EXIT
  echo "$d"
}
