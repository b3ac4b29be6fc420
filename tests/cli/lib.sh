# lib.sh - a tiny assertion library for the command-line tests (bash only).
#
# A test script sources this file, then:
#   run CMD [ARG...]            runs CMD; sets OUT, ERR (trailing newlines cut),
#                               STATUS, and OUT_FILE / ERR_FILE (the exact bytes)
#   run_in INPUT CMD [ARG...]   the same with INPUT (exact bytes) on stdin
#   assert_eq NAME EXPECTED ACTUAL
#   assert_contains NAME HAYSTACK NEEDLE     assert_not_contains NAME HAYSTACK NEEDLE
#   assert_match NAME TEXT ERE               (some line of TEXT matches the ERE)
#   assert_status NAME EXPECTED              (compares with $STATUS of the last run)
#   assert_true NAME CMD [ARG...]            (CMD exits 0)
#   count_lines TEXT, json_lines_ok TEXT, jget JSON_LINES PYTHON_EXPR (helpers)
#   section TITLE                            finish (the summary; exits 1 if any failed)
# Every assertion prints 'ok - NAME' or 'FAIL - NAME' with what differed. A
# sanitizer report on the stderr of any run counts as one more failure.

NB_PASS=0
NB_FAIL=0
NB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nbcli.XXXXXX") || exit 2
trap 'rm -rf "$NB_TMP"' EXIT
OUT_FILE=$NB_TMP/out
ERR_FILE=$NB_TMP/err

# A sanitizer that finds something exits 86, never 1 (which means "invalid input").
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86:print_stacktrace=1"
export LC_ALL=C.UTF-8

# The binary under test: the first argument of the test script.
nb_need_binary() {
    if [ -z "${1:-}" ] || [ ! -x "$1" ]; then
        echo "usage: $0 PATH/TO/netbasics" >&2
        exit 2
    fi
    NB=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
}

# Shows a value for a failure message: escaped, cut to 600 characters.
nb_show() {
    local s
    s=$(printf '%q' "$1")
    [ ${#s} -gt 600 ] && s="${s:0:600}... (${#1} bytes)"
    printf '%s' "$s"
}

nb_pass() {
    NB_PASS=$((NB_PASS + 1))
    printf 'ok - %s\n' "$1"
}

# nb_fail NAME [DETAIL...]
nb_fail() {
    NB_FAIL=$((NB_FAIL + 1))
    printf 'FAIL - %s\n' "$1"
    shift
    local line
    for line in "$@"; do
        printf '       %s\n' "$line"
    done
}

section() {
    printf '\n# %s\n' "$*"
}

nb_check_sanitizer() {
    if cat "$ERR_FILE" "$OUT_FILE" 2>/dev/null | grep -qaE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' ; then
        nb_fail "no sanitizer report from: $(nb_show "$*")" "$(head -c 2000 "$ERR_FILE")"
    fi
}

run() {
    "$@" >"$OUT_FILE" 2>"$ERR_FILE"
    STATUS=$?
    OUT=$(cat "$OUT_FILE")
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer "$@"
}

run_in() {
    local input=$1
    shift
    printf '%s' "$input" >"$NB_TMP/in"
    "$@" <"$NB_TMP/in" >"$OUT_FILE" 2>"$ERR_FILE"
    STATUS=$?
    OUT=$(cat "$OUT_FILE")
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer "$@"
}

assert_eq() {
    if [ "$2" == "$3" ]; then
        nb_pass "$1"
    else
        nb_fail "$1" "expected: $(nb_show "$2")" "actual:   $(nb_show "$3")"
    fi
}

assert_contains() {
    if [[ "$2" == *"$3"* ]]; then
        nb_pass "$1"
    else
        nb_fail "$1" "expected to contain: $(nb_show "$3")" "actual: $(nb_show "$2")"
    fi
}

assert_not_contains() {
    if [[ "$2" != *"$3"* ]]; then
        nb_pass "$1"
    else
        nb_fail "$1" "expected NOT to contain: $(nb_show "$3")" "actual: $(nb_show "$2")"
    fi
}

assert_match() {
    if printf '%s\n' "$2" | grep -qE -- "$3"; then
        nb_pass "$1"
    else
        nb_fail "$1" "expected a line matching: $3" "actual: $(nb_show "$2")"
    fi
}

assert_status() {
    if [ "$STATUS" == "$2" ]; then
        nb_pass "$1"
    else
        nb_fail "$1" "expected exit status $2, got $STATUS" "stderr: $(nb_show "$ERR")"
    fi
}

assert_true() {
    local name=$1
    shift
    if "$@"; then
        nb_pass "$name"
    else
        nb_fail "$name" "command failed: $(nb_show "$*")"
    fi
}

# The number of lines in TEXT: 0 when it is empty.
count_lines() {
    if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi
}

# Valid JSON, one object per line: prints nothing and returns 0, or the error.
json_lines_ok() {
    printf '%s\n' "$1" | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    if not isinstance(json.loads(l), dict):
        raise SystemExit("not an object: " + l)'
}

# jget JSON_LINES EXPR: evaluates a Python expression over j, the list of the
# decoded lines (j[0] is the first object), and prints the result (JSON for
# non-strings), e.g. jget "$OUT" 'j[0]["kind"]'. Prints <error: ...> on failure.
jget() {
    printf '%s\n' "$1" | /usr/bin/python3 -c '
import json, sys
try:
    j = [json.loads(l) for l in sys.stdin if l.strip()]
    v = eval(sys.argv[1])
    print(v if isinstance(v, str) else json.dumps(v))
except Exception as e:
    print("<error: %r>" % e)' "$2"
}

# True when the binary was built with AddressSanitizer.
is_asan_build() {
    nm -an "$1" 2>/dev/null | grep -q __asan_init
}

# Runs a command line under a pseudo-terminal (so isatty(1) is true); the
# output is in OUT. Returns 1 when script(1) is not available.
run_tty() {
    command -v script >/dev/null 2>&1 || return 1
    local cmd=$1
    script -qec "$cmd" /dev/null </dev/null >"$OUT_FILE" 2>"$ERR_FILE"
    STATUS=$?
    OUT=$(cat "$OUT_FILE")
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer "$cmd"
}

finish() {
    echo
    echo "$NB_PASS passed, $NB_FAIL failed"
    [ "$NB_FAIL" -eq 0 ]
    exit $?
}
