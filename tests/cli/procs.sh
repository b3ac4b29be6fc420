# procs.sh - background processes for the command-line tests: track them by
# PID, wait with a limit, stop them, and fail on sanitizer reports. Sourced
# after lib.sh; the caller's EXIT trap is nb_cleanup.

# --- processes in the background, waits with a limit ----------------------

BG_PIDS=()

# Stops every background process still running (by PID) and removes NB_TMP.
nb_cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${BG_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$NB_TMP"
}
trap nb_cleanup EXIT

track() { BG_PIDS+=("$1"); }
untrack() {
    local p keep=()
    for p in "${BG_PIDS[@]}"; do
        [ "$p" != "$1" ] && keep+=("$p")
    done
    BG_PIDS=("${keep[@]}")
}

# poll_until SECONDS CMD...: runs CMD every 0.05 s until it succeeds; 1 when
# it has not within SECONDS (an integer).
poll_until() {
    local steps=$(($1 * 20)) i
    shift
    for ((i = 0; i < steps; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    "$@"
}

# True once PID has exited (gone, or a zombie not yet reaped).
pid_gone() {
    ! kill -0 "$1" 2>/dev/null || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# wait_exit PID SECONDS: waits for PID to exit; EXIT_STATUS is its status, or
# 'hung' (then it is killed) when it did not exit in time.
wait_exit() {
    if poll_until "$2" pid_gone "$1"; then
        wait "$1"
        EXIT_STATUS=$?
    else
        kill -9 "$1" 2>/dev/null
        wait "$1" 2>/dev/null
        EXIT_STATUS=hung
    fi
    untrack "$1"
}

# stop_pid PID [SIGNAL]: signals PID (TERM by default) and reaps it.
stop_pid() {
    kill -"${2:-TERM}" "$1" 2>/dev/null
    wait_exit "$1" 10
}

# A sanitizer report in any of the files fails the test.
check_sanitizer() {
    local name=$1 f
    shift
    for f in "$@"; do
        if grep -qaE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f" 2>/dev/null; then
            nb_fail "$name: no sanitizer report" "$(head -c 2000 "$f")"
            return
        fi
    done
}
