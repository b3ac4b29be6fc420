# shellcheck shell=bash
# lib.sh - shared by the bench_*.sh scripts (sourced, not run).
# Expects HERE (this directory) and ROOT (the repository) to be set.

say() { printf '%s\n' "$*" >&2; }
die() { say "$(basename "$0"): $*"; exit 2; }

# Notes collected for the report ("peer X missing", "check failed", ...).
NOTES=()
note() { NOTES+=("$*"); say "note: $*"; }

have() { command -v "$1" >/dev/null 2>&1; }

# The scripts themselves need these (awk for every summary, timeout for the
# check runs, a C compiler for the runner).
for _t in awk cmp timeout mkfifo "${CC:-cc}"; do
    have "$_t" || die "$_t is needed and not installed"
done
unset _t

# need_uint NAME VALUE MIN MAX: VALUE must be a whole number in [MIN, MAX].
need_uint() {
    if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
        die "$1 must be a whole number from $3 to $4, not '$2'"
    fi
}

# find_nb [PATH]: the netbasics binary from $1, else build/netbasics; sets NB (absolute).
find_nb() {
    NB=${1:-$ROOT/build/netbasics}
    [[ -f $NB && -x $NB ]] || die "no netbasics binary at $NB (build it, or pass its path as the first argument)"
    NB=$(cd "$(dirname "$NB")" && pwd)/$(basename "$NB")
    [[ $NB != *[\'\"\\\$\`\ ]* ]] || die "the path $NB has quotes, spaces or \$: copy the binary somewhere plainer"
}

# The real python3, not a version-manager shim (a shim adds its own start-up).
find_py() {
    PY=${PY:-}
    if [[ -z $PY ]]; then
        if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3
        elif command -v python3 >/dev/null; then PY=$(python3 -c 'import sys; print(sys.executable)')
        fi
    fi
}

# make_dirs PREFIX: WORK on tmpfs (/dev/shm) when there is one, BIN for the
# runner under TMPDIR (tmpfs may be mounted noexec).  Both go at exit.
make_dirs() {
    local t=${TMPROOT:-}
    if [[ -z $t ]]; then
        if [[ -d /dev/shm && -w /dev/shm ]]; then t=/dev/shm; else t=${TMPDIR:-/tmp}; fi
    fi
    WORK=$(mktemp -d "$t/$1.XXXXXX")
    BIN=$(mktemp -d "${TMPDIR:-/tmp}/$1-bin.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # shellcheck disable=SC2034 # used by the scripts' reports
    WORK_FS=$(df -P "$WORK" | awk 'NR == 2 { print $1 " (" $6 ")" }')
}

# Stop the background jobs this script started (by PID: the runner, and any
# PID a script adds to BG_PIDS), then remove the temp dirs.
BG_PIDS=()
RUNNER_PID=""
cleanup() {
    local p
    if [[ -n $RUNNER_PID ]]; then kill "$RUNNER_PID" 2>/dev/null || true; wait "$RUNNER_PID" 2>/dev/null || true; fi
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    if [[ -n ${KEEP_RAW:-} && -d ${WORK:-} ]]; then
        if mkdir -p "$KEEP_RAW"; then cp "$WORK"/*.tsv "$KEEP_RAW"/ 2>/dev/null || true; fi
    fi
    [[ -n ${WORK:-} && -d $WORK ]] && rm -rf -- "$WORK"
    [[ -n ${BIN:-} && -d $BIN ]] && rm -rf -- "$BIN"
    return 0
}

build_runner() {
    "${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$BIN/runner" "$HERE/runner.c" || die "cannot build the runner with ${CC:-cc}"
    RUNNER=$BIN/runner
}

# The tools: parallel arrays of labels (KIND:NAME), shell command lines and
# the file each writes its output to (for the check run).
LABELS=()
CMDS=()
OUTS=()
add() { LABELS+=("$1"); CMDS+=("$2"); OUTS+=("${3:-}"); }
# drop I: remove entry I from the lists
drop() {
    local i=$1
    LABELS=("${LABELS[@]:0:i}" "${LABELS[@]:i+1}")
    CMDS=("${CMDS[@]:0:i}" "${CMDS[@]:i+1}")
    OUTS=("${OUTS[@]:0:i}" "${OUTS[@]:i+1}")
}

# run_bench OUT.tsv ROUNDS: the runner over all LABELS/CMDS.  It runs in the
# background so that a signal to this script is handled at once (bash runs a
# trap only after a foreground child ends); the EXIT trap then stops the
# runner by its PID, and the runner kills the group of the run in progress.
run_bench() {
    local args=() i st=0
    for i in "${!LABELS[@]}"; do args+=("${LABELS[i]}=${CMDS[i]}"); done
    "$RUNNER" -o "$1" -n "$2" -w "${WARM:-1}" -t "${RUN_TIMEOUT:-120}" -T "${TOTAL_TIMEOUT:-900}" \
        -l "$WORK/runs.log" "${args[@]}" &
    RUNNER_PID=$!
    wait "$RUNNER_PID" || st=$?
    RUNNER_PID=""
    ((st == 0)) || die "the runner failed (status $st)"
}

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }

machine_line() {
    local cpu
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    printf '%s cores (%s), %s, %s' "$(nproc)" "${cpu:-unknown CPU}" \
        "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" "$(uname -sr)"
}

nb_line() {
    local rev dirty=""
    rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if ! git -C "$ROOT" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null; then dirty=" + uncommitted changes in src/include"; fi
    printf '%s (%s, built %s); the tree is now at %s%s' "$("$NB" --version 2>&1 | head -1)" "$NB" \
        "$(date -u -r "$NB" '+%Y-%m-%d %H:%M UTC')" "$rev" "$dirty"
}

print_notes() {
    local n
    if ((${#NOTES[@]})); then
        echo
        echo "Notes:"
        for n in "${NOTES[@]}"; do echo "- $n"; done
    fi
}
