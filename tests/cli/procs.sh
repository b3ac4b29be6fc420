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
# 'hung' when it did not exit in time. A hung PID gets TERM (a `timeout`
# passes it on to the program it runs), then KILL after 5 s: nothing is left.
wait_exit() {
    if poll_until "$2" pid_gone "$1"; then
        wait "$1"
        EXIT_STATUS=$?
    else
        kill -TERM "$1" 2>/dev/null
        poll_until 5 pid_gone "$1" || kill -9 "$1" 2>/dev/null
        wait "$1" 2>/dev/null
        EXIT_STATUS=hung
    fi
    untrack "$1"
}

# stop_pid PID [SIGNAL]: signals PID (TERM by default), waits up to 10 s for
# it (then as wait_exit does) and reaps it; EXIT_STATUS is its status.
stop_pid() {
    kill -"${2:-TERM}" "$1" 2>/dev/null
    wait_exit "$1" 10
}

# Milliseconds since the epoch (for the durations a test reports).
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The python3 the peers run under.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

# free_port [v6]: a port that was free a moment ago for UDP and TCP on
# 127.0.0.1 (and on ::1 with v6), for the peers that cannot bind port 0 and
# report it. Someone else may take it before we do: callers retry.
free_port() {
    "$PY" - "${1:-}" <<'PYEOF'
import socket, sys
v6 = sys.argv[1] == "v6"
for _ in range(50):
    socks = []
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        socks.append(u)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        plan = [(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1")]
        if v6:
            plan += [(socket.AF_INET6, t, "::1") for t in (socket.SOCK_DGRAM, socket.SOCK_STREAM)]
        for fam, typ, addr in plan:
            s = socket.socket(fam, typ)
            socks.append(s)
            s.bind((addr, port))
        print(port)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
PYEOF
}

# 1 when this machine can bind ::1 (IPv6 loopback is up), else 0.
HAVE_V6=0
"$PY" -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' \
    2>/dev/null && HAVE_V6=1

# True once FILE has a port line, or PID has exited.
port_line_or_gone() { grep -sqE '^[0-9]+$' "$1" || pid_gone "$2"; }

# start_peer NAME CMD...: starts a peer that prints its kernel-picked port as
# its first line; sets PEER_PID and PEER_PORT (empty when none came in 10 s).
start_peer() {
    local name=$1
    shift
    "$@" </dev/null >"$NB_TMP/$name.pout" 2>"$NB_TMP/$name.perr" &
    PEER_PID=$!
    track "$PEER_PID"
    PEER_PORT=
    poll_until 10 port_line_or_gone "$NB_TMP/$name.pout" "$PEER_PID"
    if grep -sqE '^[0-9]+$' "$NB_TMP/$name.pout"; then
        PEER_PORT=$(head -n 1 "$NB_TMP/$name.pout")
    else
        nb_fail "$name: the peer printed its port" "$(cat "$NB_TMP/$name.perr")"
        stop_pid "$PEER_PID" KILL
        return 1
    fi
}

# --- netbasics listen in the background ------------------------------------

listening_line() { grep -sqE '^Listening on .*:[0-9]+$' "$LOUT" "$LERR"; }
listening_or_gone() { listening_line || pid_gone "$LPID"; }

# start_listen NAME [ARGS...]: starts `netbasics listen ARGS` in the background,
# stdin from $LISTEN_STDIN (default /dev/null), stdout in $NB_TMP/NAME.out and
# stderr in $NB_TMP/NAME.err (LOUT, LERR); sets LPID, and LPORT from its
# 'Listening on ADDR:PORT' line (stdout or stderr). Returns 1 if no such line
# came within 10 s.
start_listen() {
    local name=$1
    shift
    LOUT=$NB_TMP/$name.out
    LERR=$NB_TMP/$name.err
    "$NB" listen "$@" <"${LISTEN_STDIN:-/dev/null}" >"$LOUT" 2>"$LERR" &
    LPID=$!
    track "$LPID"
    LPORT=
    poll_until 10 listening_or_gone
    if ! listening_line; then
        nb_fail "$name: listen printed 'Listening on ADDR:PORT' within 10 s" \
            "stdout: $(nb_show "$(cat "$LOUT")")" "stderr: $(nb_show "$(cat "$LERR")")"
        stop_pid "$LPID" KILL
        return 1
    fi
    LPORT=$(sed -n -E 's/^Listening on .*:([0-9]+)$/\1/p' "$LOUT" "$LERR" | head -n 1)
}

# client NAME CMD...: runs a client with a 20 s limit; CLIENT_OUT/ERR/STATUS.
client() {
    local name=$1
    shift
    timeout 20 "$@" >"$NB_TMP/$name.cout" 2>"$NB_TMP/$name.cerr"
    CLIENT_STATUS=$?
    CLIENT_OUT=$(cat "$NB_TMP/$name.cout")
    CLIENT_ERR=$(cat "$NB_TMP/$name.cerr")
    check_sanitizer "$name" "$NB_TMP/$name.cout" "$NB_TMP/$name.cerr"
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
