#!/usr/bin/env bash
# test_send.sh - `netbasics send` from the outside, against real servers on
# loopback: nc -l, a socat echo, nginx, netbasics listen, and scripted servers
# (one that answers only after the end of input, one that never answers, a
# hostile one). Every port is picked by the kernel (or asked of it just
# before), every wait is a bounded poll, every background process is stopped
# by its PID, and no name outside /etc/hosts is ever looked up.
# Usage: test_send.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
ESC=$'\033'
T_START=$(date +%s)

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"


# True when something listens on TCP PORT (read from /proc, no connection).
port_listening() {
    local hex
    hex=$(printf '%04X' "$1")
    grep -qE "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

listening_or_gone() { port_listening "$1" || pid_gone "$2"; }

# start_fixed_peer NAME PORT CMD...: starts a peer on a port chosen beforehand,
# stdin from $PEER_STDIN (default /dev/null), and waits until that port
# listens; sets PEER_PID.
start_fixed_peer() {
    local name=$1 port=$2
    shift 2
    "$@" <"${PEER_STDIN:-/dev/null}" >"$NB_TMP/$name.pout" 2>"$NB_TMP/$name.perr" &
    PEER_PID=$!
    track "$PEER_PID"
    poll_until 10 listening_or_gone "$port" "$PEER_PID"
    if ! port_listening "$port"; then
        nb_fail "$name: the peer listens on port $port within 10 s" "$(cat "$NB_TMP/$name.perr")"
        stop_pid "$PEER_PID" KILL
        return 1
    fi
}

# send_to NAME INPUT_FILE ARGS...: runs `netbasics send ARGS` (20 s at most)
# with stdin from INPUT_FILE, inside the command in the array SEND_WRAP if set;
# OUT_FILE/OUT, ERR and STATUS as lib.sh's run.
SEND_WRAP=()
send_to() {
    local name=$1 input=$2
    shift 2
    timeout 20 "${SEND_WRAP[@]}" "$NB" send "$@" <"$input" >"$OUT_FILE" 2>"$ERR_FILE"
    # shellcheck disable=SC2034 # read by lib.sh's assert_status
    STATUS=$?
    { OUT=$(cat "$OUT_FILE"); } 2>/dev/null # binary: bash warns of NUL bytes
    ERR=$(cat "$ERR_FILE")
    check_sanitizer "$name" "$OUT_FILE" "$ERR_FILE"
}

# The bytes received: --repr lines put back together (Python literals).
repr_joined() {
    printf '%s\n' "$1" | "$PY" -c '
import ast, sys
print(b"".join(ast.literal_eval("b" + l[len("Received: "):].rstrip("\n"))
               for l in sys.stdin if l.startswith("Received: ")).decode("latin-1"), end="")'
}

# -----------------------------------------------------------------------------
section "usage errors: exit 2"
run timeout 10 "$NB" send
assert_status "no arguments: exit 2" 2
assert_eq "no arguments: one line on stderr" 1 "$(count_lines "$ERR")"
run timeout 10 "$NB" send 127.0.0.1
assert_status "no port: exit 2" 2
run timeout 10 "$NB" send 127.0.0.1 70000 hi
assert_status "port 70000: exit 2" 2
assert_contains "port 70000: says out of range" "$ERR" "out of range"
run timeout 10 "$NB" send 127.0.0.1 0 hi
assert_status "port 0: exit 2" 2
run timeout 10 "$NB" send --help
assert_status "--help: exit 0" 0
assert_contains "--help: shows the usage" "$OUT" "usage: netbasics send"

# -----------------------------------------------------------------------------
section "a server that answers only after the end of input (the half-close)"
if start_peer eof "$PY" "$PEERS/eof_server.py" --prefix 'after EOF: '; then
    P=$PEER_PORT
    send_to half /dev/null 127.0.0.1 "$P" hello world
    assert_status "MESSAGE: exit 0 (it half-closed, then read the answer)" 0
    assert_true "MESSAGE: the words joined by spaces, with a newline" \
        cmp -s <(printf 'after EOF: hello world\n') "$OUT_FILE"
    assert_eq "MESSAGE: Connected to on stderr" "Connected to 127.0.0.1:$P" "$ERR"

    send_to half_n /dev/null -n 127.0.0.1 "$P" no newline
    assert_status "-n: exit 0" 0
    assert_true "-n: no newline after the message" cmp -s <(printf 'after EOF: no newline') "$OUT_FILE"

    printf 'line one\nline two\n' >"$NB_TMP/two_lines"
    send_to half_stdin "$NB_TMP/two_lines" 127.0.0.1 "$P"
    assert_status "stdin: exit 0" 0
    assert_true "stdin: sent as it is" cmp -s <(printf 'after EOF: line one\nline two\n') "$OUT_FILE"

    "$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 257 + b"\r\n\0")' >"$NB_TMP/bin"
    { printf 'after EOF: '; cat "$NB_TMP/bin"; } >"$NB_TMP/bin_expected"
    send_to half_bin "$NB_TMP/bin" -q 127.0.0.1 "$P"
    assert_status "binary: exit 0" 0
    assert_true "binary: stdout is exactly the bytes received" cmp -s "$NB_TMP/bin_expected" "$OUT_FILE"
    assert_eq "-q: nothing on stderr" "" "$ERR"

    send_to half_colon /dev/null "127.0.0.1:$P" colon form
    assert_status "HOST:PORT: exit 0" 0
    assert_true "HOST:PORT: the answer" cmp -s <(printf 'after EOF: colon form\n') "$OUT_FILE"

    send_to half_repr /dev/null --repr 127.0.0.1 "$P" "it's"
    assert_status "--repr: exit 0" 0
    assert_match "--repr: Received: '...' lines" "$(head -n 1 "$OUT_FILE")" "^Received: [\"']after EOF: "
    assert_eq "--repr: every line but the last is Received:" 0 \
        "$(sed '$d' "$OUT_FILE" | grep -cv '^Received: ')"
    assert_eq "--repr: last line Connection closed." "Connection closed." "$(tail -n 1 "$OUT_FILE")"
    assert_eq "--repr: the reprs are the bytes received" "after EOF: it's
" "$(repr_joined "$OUT")
"
    assert_contains "--repr: the newline shown as \\n, as Python's repr" "$OUT" "it's\\n"

    send_to half_x /dev/null -x 127.0.0.1 "$P" explained
    assert_status "-x: exit 0" 0
    order=$(grep -aoE '(socket|connect|shutdown)\(' "$ERR_FILE" | uniq | paste -sd' ')
    assert_eq "-x: socket(), connect(), shutdown() in that order" "socket( connect( shutdown(" "$order"
    assert_contains "-x: the half-close is SHUT_WR" "$ERR" "SHUT_WR"

    stop_pid "$PEER_PID"
fi

# -----------------------------------------------------------------------------
section "nc -l as the server"
P=$(free_port)
printf 'reply from nc\n' >"$NB_TMP/nc_reply"
if PEER_STDIN=$NB_TMP/nc_reply start_fixed_peer ncl "$P" nc -l 127.0.0.1 "$P"; then
    nc_pid=$PEER_PID
    send_to ncl /dev/null 127.0.0.1 "$P" hello from send
    assert_status "nc -l: exit 0" 0
    assert_true "nc -l: stdout is what nc sent" cmp -s "$NB_TMP/nc_reply" "$OUT_FILE"
    wait_exit "$nc_pid" 10
    assert_eq "nc -l: nc ends when send is done" 0 "$EXIT_STATUS"
    assert_true "nc -l: nc got the message and its newline" \
        cmp -s <(printf 'hello from send\n') "$NB_TMP/ncl.pout"
fi

# -----------------------------------------------------------------------------
section "a socat echo server: 100 MB with the same SHA-256"
P=$(free_port)
if start_fixed_peer socat "$P" socat "TCP-LISTEN:$P,bind=127.0.0.1,reuseaddr,fork" EXEC:cat; then
    socat_pid=$PEER_PID
    send_to echo /dev/null 127.0.0.1 "$P" hello echo
    assert_status "echo: exit 0" 0
    assert_true "echo: the message back" cmp -s <(printf 'hello echo\n') "$OUT_FILE"
    send_to echo_bin "$NB_TMP/bin" -q 127.0.0.1 "$P"
    assert_true "echo: binary bytes back unchanged" cmp -s "$NB_TMP/bin" "$OUT_FILE"

    head -c 100000000 /dev/urandom >"$NB_TMP/big"
    want=$(sha256sum <"$NB_TMP/big" | cut -d' ' -f1)
    t0=$(date +%s%N)
    got=$({ timeout 120 "$NB" send -q 127.0.0.1 "$P" <"$NB_TMP/big" 2>"$NB_TMP/big.err"
        echo $? >"$NB_TMP/big.rc"; } | sha256sum | cut -d' ' -f1)
    t1=$(date +%s%N)
    rm -f "$NB_TMP/big"
    assert_eq "100 MB: exit 0" 0 "$(cat "$NB_TMP/big.rc")"
    assert_eq "100 MB: the same SHA-256 back ($(((t1 - t0) / 1000000)) ms)" "$want" "$got"
    assert_eq "100 MB: nothing on stderr with -q" "" "$(cat "$NB_TMP/big.err")"
    stop_pid "$socat_pid"
fi

# -----------------------------------------------------------------------------
section "nginx: an HTTP request from a pipe"
if command -v nginx >/dev/null 2>&1; then
    P=$(free_port)
    NGX=$NB_TMP/nginx
    mkdir -p "$NGX/www"
    printf 'hello from nginx\n' >"$NGX/www/index.html"
    cat >"$NGX/nginx.conf" <<CONF
daemon off;
master_process off;
pid $NGX/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    server {
        listen 127.0.0.1:$P;
        root $NGX/www;
    }
}
CONF
    if start_fixed_peer nginx "$P" nginx -e stderr -c "$NGX/nginx.conf" -p "$NGX"; then
        nginx_pid=$PEER_PID
        printf 'GET / HTTP/1.0\r\n\r\n' >"$NB_TMP/get"
        send_to nginx "$NB_TMP/get" 127.0.0.1 "$P"
        assert_status "nginx: exit 0" 0
        assert_eq "nginx: first line HTTP/1.1 200 OK" "HTTP/1.1 200 OK" "$(head -n 1 "$OUT_FILE" | tr -d '\r')"
        assert_eq "nginx: the page after the headers" "hello from nginx" "$(tail -n 1 "$OUT_FILE")"
        stop_pid "$nginx_pid"
    fi
else
    echo "# skipped: nginx is not installed"
fi

# -----------------------------------------------------------------------------
section "netbasics listen as the server"
"$NB" listen 127.0.0.1:0 </dev/null >"$NB_TMP/listen.out" 2>"$NB_TMP/listen.err" &
lpid=$!
track "$lpid"
listen_ready() { grep -sqE '^Listening on 127\.0\.0\.1:[0-9]+$' "$NB_TMP/listen.out" || pid_gone "$lpid"; }
poll_until 10 listen_ready
if grep -sqE '^Listening on 127\.0\.0\.1:[0-9]+$' "$NB_TMP/listen.out"; then
    P=$(sed -n -E 's/^Listening on .*:([0-9]+)$/\1/p' "$NB_TMP/listen.out")
    printf 'hi there\nbye\n' >"$NB_TMP/to_listen"
    send_to listen "$NB_TMP/to_listen" 127.0.0.1 "$P"
    assert_status "listen: exit 0" 0
    assert_true "listen: the replies" cmp -s <(printf 'You said hi there\nYou said bye\n') "$OUT_FILE"
    wait_exit "$lpid" 10
    assert_eq "listen: it stopped after bye, exit 0" 0 "$EXIT_STATUS"
else
    nb_fail "listen printed its port" "$(cat "$NB_TMP/listen.out" "$NB_TMP/listen.err")"
    stop_pid "$lpid" KILL
fi

# -----------------------------------------------------------------------------
section "errors: refused, unresolvable, timed out"
P=$(free_port)
send_to refused /dev/null 127.0.0.1 "$P" hi
assert_status "refused port: exit 4" 4
assert_eq "refused port: one line on stderr" 1 "$(count_lines "$ERR")"
assert_contains "refused port: says refused" "$ERR" "refused"
assert_contains "refused port: prefixed netbasics send:" "$ERR" "netbasics send: "
assert_eq "refused port: nothing on stdout" "" "$OUT"

# A name that does not resolve: looked up only inside a network namespace
# where nothing but a loopback that is down exists, so no query leaves.
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    run timeout 20 unshare -n "$NB" send nb-test-unresolvable.invalid 80 hi
    assert_status "unresolvable name: exit 3" 3
    assert_eq "unresolvable name: one line on stderr" 1 "$(count_lines "$ERR")"
    assert_contains "unresolvable name: names it" "$ERR" "nb-test-unresolvable.invalid"
else
    echo "# skipped: unresolvable name (needs root and unshare -n, so no DNS query leaves)"
fi

if start_peer silent "$PY" "$PEERS/silent_server.py"; then
    t0=$(date +%s%N)
    send_to silent /dev/null -w 1 127.0.0.1 "$PEER_PORT"
    ms=$((($(date +%s%N) - t0) / 1000000))
    assert_status "-w 1 against a silent server: exit 7" 7
    assert_true "-w 1: gave up after 1 s and within 5 s ($ms ms)" test "$ms" -ge 900 -a "$ms" -lt 5000
    assert_eq "-w 1: one line on stderr after Connected to" 2 "$(count_lines "$ERR")"
    assert_match "-w 1: the error is prefixed" "$ERR" '^netbasics send: '
    stop_pid "$PEER_PID"
fi

# -----------------------------------------------------------------------------
section "localhost: every address tried; [::1]:PORT"
if start_peer local4 "$PY" "$PEERS/eof_server.py" --prefix 'v4: '; then
    P4=$PEER_PORT
    local4_pid=$PEER_PID
    send_to localhost /dev/null localhost "$P4" by name
    assert_status "localhost: exit 0" 0
    assert_true "localhost: the answer" cmp -s <(printf 'v4: by name\n') "$OUT_FILE"
    # A hosts file where localhost is ::1 first, then 127.0.0.1: the listener
    # is on 127.0.0.1 only, so the first address refuses and the second works.
    printf '::1 localhost\n127.0.0.1 localhost\n' >"$NB_TMP/hosts"
    if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
        fallback=(unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh
            "$NB_TMP/hosts")
    elif getent ahosts localhost | awk '{ print $1 }' | uniq | head -n 1 | grep -q '^::1$' &&
        getent ahosts localhost | grep -q '^127\.0\.0\.1 '; then
        fallback=(env)
    else
        fallback=()
        echo "# skipped: localhost fallback (localhost is not ::1 then 127.0.0.1 here, and no root for a hosts file)"
    fi
    if [ ${#fallback[@]} -gt 0 ]; then
        SEND_WRAP=("${fallback[@]}")
        send_to fallback /dev/null -x localhost "$P4" fell back
        SEND_WRAP=()
        assert_status "localhost ::1 then 127.0.0.1: exit 0" 0
        assert_true "localhost fallback: the answer" cmp -s <(printf 'v4: fell back\n') "$OUT_FILE"
        assert_match "localhost fallback: ::1 tried first and refused" "$ERR" \
            "connect\([0-9]+, \[::1\]:$P4\) = refused"
        assert_match "localhost fallback: then connected to 127.0.0.1" "$ERR" \
            "^Connected to 127\.0\.0\.1:$P4$"
    fi
    stop_pid "$local4_pid"
fi
if "$PY" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
    if start_peer local6 "$PY" "$PEERS/eof_server.py" --host ::1 --prefix 'v6: '; then
        send_to v6 /dev/null "[::1]:$PEER_PORT" brackets
        assert_status "[::1]:PORT: exit 0" 0
        assert_true "[::1]:PORT: the answer" cmp -s <(printf 'v6: brackets\n') "$OUT_FILE"
        assert_eq "[::1]:PORT: Connected to [::1]:PORT" "Connected to [::1]:$PEER_PORT" "$ERR"
        send_to v6b /dev/null -6 ::1 "$PEER_PORT" two args
        assert_status "-6 ::1 PORT: exit 0" 0
        assert_true "-6 ::1 PORT: the answer" cmp -s <(printf 'v6: two args\n') "$OUT_FILE"
        stop_pid "$PEER_PID"
    fi
else
    echo "# skipped: IPv6 loopback does not work here"
fi

# -----------------------------------------------------------------------------
section "escaping: a hostile server's escape sequences in --repr"
if start_peer hostile "$PY" "$PEERS/hostile_peer.py" server; then
    send_to hostile /dev/null --repr 127.0.0.1 "$PEER_PORT"
    assert_status "hostile: exit 0" 0
    assert_eq "hostile: no ESC byte in --repr output" 0 "$(LC_ALL=C grep -c "$ESC" "$OUT_FILE")"
    assert_eq "hostile: no BEL byte in --repr output" 0 "$(LC_ALL=C grep -c $'\a' "$OUT_FILE")"
    assert_eq "hostile: no raw C1 CSI (0x9b) byte" 0 "$(LC_ALL=C grep -c $'\x9b' "$OUT_FILE")"
    assert_contains "hostile: shown as Python's repr shows it" "$OUT" '\x1b]0;pwned\x07title\x1b[2Jcleared'
    want=$(PYTHONDONTWRITEBYTECODE=1 "$PY" -c '
import sys
sys.path.insert(0, sys.argv[1])
from hostile_peer import PAYLOAD
print(repr(PAYLOAD + b"\n")[2:-1])' "$PEERS")
    assert_eq "hostile: every byte shown, escaped" "$want" \
        "$(sed '$d' "$OUT_FILE" | sed -E "s/^Received: '(.*)'$/\1/" | tr -d '\n')"
    assert_eq "hostile: Connection closed." "Connection closed." "$(tail -n 1 "$OUT_FILE")"
    wait_exit "$PEER_PID" 10
fi

echo "# test_send.sh ran in $(($(date +%s) - T_START)) s"
finish
