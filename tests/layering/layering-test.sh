#!/bin/bash
# The layering rules of cmake/layers.cmake, shown to fail the build on forged trees: a layer that
# includes a header of a layer above it, and a layer that calls a library it does not declare.
# A clean tree of the same shape builds, so each failure is the rule's and not the setup's.
# usage: layering-test.sh PROJECT_SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# make_tree DIR: two layers, low (no dependencies) and high (links low), like core and crypto.
make_tree() {
  local dir=$1
  mkdir -p "$dir/lib/low" "$dir/lib/high"
  cat >"$dir/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(layering LANGUAGES CXX)
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
include($src/cmake/layers.cmake)
se_attest_layer(low)
se_attest_layer(high PUBLIC seattest_low)
CMAKE
  printf 'int Low();\n' >"$dir/lib/low/low.h"
  printf '#include "low/low.h"\nint Low() { return 1; }\n' >"$dir/lib/low/low.cc"
  printf 'int High();\n' >"$dir/lib/high/high.h"
  printf '#include "high/high.h"\n#include "low/low.h"\nint High() { return Low() + 1; }\n' >"$dir/lib/high/high.cc"
}

# expect NAME ok|fail PATTERN: configures and builds the tree NAME; a failure must print PATTERN.
expect() {
  local name=$1 want=$2 pattern=$3 dir=$work/$1 rc=0
  cmake -S "$dir" -B "$dir/build" >"$dir/log" 2>&1 && cmake --build "$dir/build" >>"$dir/log" 2>&1 || rc=$?
  if [ "$want" = ok ] && [ $rc = 0 ]; then
    echo "ok: $name builds"
  elif [ "$want" = fail ] && [ $rc != 0 ] && grep -qE "$pattern" "$dir/log"; then
    echo "ok: $name fails the build ($(grep -m1 -oE "$pattern" "$dir/log"))"
  else
    echo "FAIL: $name: expected $want${pattern:+ with '$pattern'}, build exit $rc" >&2
    sed 's/^/  | /' "$dir/log" >&2
    failed=1
  fi
}

make_tree "$work/clean"
expect clean ok ''

make_tree "$work/include-up"  # low includes a header of high, the layer above it
printf '#include "high/high.h"\nint Forged() { return High(); }\n' >"$work/include-up/lib/low/forged.cc"
expect include-up fail 'high/high.h: No such file or directory'

make_tree "$work/include-beside"  # high includes a header of a layer it does not link
mkdir -p "$work/include-beside/lib/side"
printf 'int Side();\n' >"$work/include-beside/lib/side/side.h"
printf 'int Side() { return 3; }\n' >"$work/include-beside/lib/side/side.cc"
printf 'se_attest_layer(side)\n' >>"$work/include-beside/CMakeLists.txt"
printf '#include "side/side.h"\nint Forged() { return Side(); }\n' >"$work/include-beside/lib/high/forged.cc"
expect include-beside fail 'side/side.h: No such file or directory'

make_tree "$work/undeclared"  # low calls OpenSSL without declaring it
printf '#include <openssl/evp.h>\nvoid Forged() { EVP_MD_free(nullptr); }\n' >"$work/undeclared/lib/low/forged.cc"
expect undeclared fail "undefined reference to .EVP_MD_free"

make_tree "$work/declared"  # the same call, declared: builds
printf '#include <openssl/evp.h>\nvoid Forged() { EVP_MD_free(nullptr); }\n' >"$work/declared/lib/low/forged.cc"
sed -i 's/^se_attest_layer(low)$/se_attest_layer(low PRIVATE OpenSSL::Crypto)/' "$work/declared/CMakeLists.txt"
expect declared ok ''

exit $failed
