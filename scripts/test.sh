#!/usr/bin/env bash
# scripts/test.sh - the one test command: installs what the tests need (as root,
# on Debian), checks the design rules grep can check and the formatting
# (scripts/check_rules.sh), builds with warnings as errors under AddressSanitizer and UBSan,
# runs ctest, builds with clang and runs every libFuzzer target for a bounded
# time, and checks the plain build for leaks with valgrind.
# Environment: FUZZ_SECONDS (per fuzz target, default 20), JOBS (default nproc).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Debian packages the tests use: the build, cmocka, the fuzzer runtime, and the
# real peers the integration tests start on loopback; netbase for /etc/services
# (service names where a port goes), which a minimal Debian 12 image lacks.
PKGS=(cmake make gcc clang libclang-rt-14-dev libcmocka-dev valgrind python3
      netcat-openbsd socat ncat dnsmasq-base nginx-light curl bind9-dnsutils
      busybox iproute2 man-db openssl libssl3 tinyproxy net-tools lintian netbase clang-format)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]]; then
        echo "test.sh: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "test.sh: missing packages (run as root to install): ${missing[*]}" >&2
    fi
fi

step() { printf '\n== %s\n' "$*"; }

step "the design's rules that grep can check, and the formatting"
bash scripts/check_rules.sh

step "sanitizer build (gcc, -Werror, ASan+UBSan) and ctest"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc -DNB_SANITIZE=ON \
    -DNB_REQUIRE_TESTS=ON >/dev/null
cmake --build build-asan -j "$JOBS"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$JOBS")

step "clang build (-Werror, ASan+UBSan, libFuzzer targets)"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DNB_SANITIZE=ON \
    -DNB_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$JOBS"
for fz in build-fuzz/tests/fuzz_*; do
    [[ -x $fz ]] || continue
    name=$(basename "$fz")
    corpus=$(mktemp -d)
    for seeds in "tests/fuzz/corpus/$name" "tests/fuzz/corpus/${name#fuzz_}"; do
        [[ -d $seeds ]] && cp -r "$seeds"/. "$corpus"/
    done
    echo "fuzz: $name for ${FUZZ_SECONDS}s"
    "$fz" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix="$corpus.crash-" -print_final_stats=0 "$corpus" 2>"$corpus.log" || {
        tail -n 40 "$corpus.log"; echo "fuzz: $name FAILED"; exit 1; }
    grep -E '^(#[0-9]+ +DONE|Done)' "$corpus.log" | tail -n 1 || true
    rm -rf "$corpus" "$corpus.log"
done

step "plain build under valgrind (no leaks, no errors)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNB_TESTS=OFF >/dev/null
cmake --build build -j "$JOBS"
vg() { valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --error-exitcode=99 "$@"; }
vg_ok() { # a command's status may be 0 or 1 (a negative answer); 99 is valgrind's
    local rc=0
    vg "$@" >/dev/null 2>&1 </dev/null || rc=$?
    if ((rc == 99 || rc > 2)); then echo "valgrind: '$*' failed ($rc)"; vg "$@" </dev/null >/dev/null; exit 1; fi
}
vg_ok build/netbasics octets 185.172.165.184 10.0.0.0/8 2001:db8::1/48 256.1.1.1 3115099576
vg_ok build/netbasics octets --json 185.172.165.184 ::ffff:1.2.3.4
vg_ok build/netbasics checksock 127.0.0.1:80 '[::1]:8080' 1.2.3.4:70000 ::1:80
vg_ok build/netbasics checksock --lenient 127.1:80 010.0.0.1:5
# https: a TLS server with a certificate of its own, trusted with --cacert;
# the loader's records of the dlopen'ed OpenSSL are suppressed (named file)
VGT=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$VGT/key.pem" -out "$VGT/cert.pem" -days 2 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
VGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -quiet -www -accept "127.0.0.1:$VGPORT" -cert "$VGT/cert.pem" -key "$VGT/key.pem" \
    </dev/null >/dev/null 2>&1 &
VGPID=$!
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$VGPORT") 2>/dev/null && break
    sleep 0.05
done
vg_tls() { vg --suppressions=tests/valgrind/dlopen-openssl.supp "$@"; }
for args in "--cacert $VGT/cert.pem" "-k" ""; do # verified, unverified, refused (9)
    rc=0
    # shellcheck disable=SC2086
    vg_tls build/netbasics fetch -q -o - $args "https://localhost:$VGPORT/" >/dev/null 2>"$VGT/err" </dev/null || rc=$?
    if ((rc == 99)); then echo "valgrind: https fetch $args failed"; cat "$VGT/err"; exit 1; fi
done
kill "$VGPID"; wait "$VGPID" 2>/dev/null || true; rm -rf "$VGT"
printf '1.2.3.4:80\nbad\n' | vg build/netbasics checksock --filter >/dev/null || [[ $? == 1 ]]
printf '255\n10111001\n' | vg build/netbasics octets --quiz --seed 1 --count 2 >/dev/null || [[ $? == 1 ]]
echo "valgrind: clean"

step "done: all tests passed"
