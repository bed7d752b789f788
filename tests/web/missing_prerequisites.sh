#!/bin/sh
# Stands in for a web test whose prerequisites were missing when the build was configured: it
# fails, naming what is missing and how to install it. A test that could not run never passes.
# Usage: missing_prerequisites.sh TEST_NAME WHAT...   (registered by tests/CMakeLists.txt)
name=$1
shift
echo "FAIL $name did not run: missing at configure time:" >&2
for what in "$@"; do echo "  - $what" >&2; done
echo "Install what the tests need with: scripts/install-deps.sh --test" >&2
echo "then reconfigure and build (scripts/build.sh -DSUBSIDY_BUILD_TESTS=ON) so that the real test is registered." >&2
exit 1
