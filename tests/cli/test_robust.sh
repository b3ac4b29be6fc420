#!/usr/bin/env bash
# test_robust.sh - listen and send under pressure, from the outside: Ctrl-C
# and SIGTERM while clients keep the server busy, slowloris clients against
# listen -k, commands started with standard descriptors closed, a peer that
# resets, and closed pipes on stdout: send, checksock, octets, fetch -o - from
# nginx, resolve from a hosts file (issue 10: 11, 13, 14, 15, 16).
# Loopback only, kernel-picked ports, every wait bounded, every background
# process stopped by its PID.
# Usage: test_robust.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
unset http_proxy no_proxy

listening_port() { sed -n -E 's/^Listening on .*:([0-9]+)$/\1/p' "$1" 2>/dev/null | head -n 1; }
listening_or_gone() { [ -n "$(listening_port "$1")" ] || pid_gone "$2"; }

# start_server NAME ARGS...: netbasics listen ARGS in the background, its
# output in NAME.out/NAME.err; sets SPID and SPORT (empty if it did not listen).
start_server() {
    local name=$1
    shift
    "$NB" listen "$@" </dev/null >"$NB_TMP/$name.out" 2>"$NB_TMP/$name.err" &
    SPID=$!
    track "$SPID"
    poll_until 10 listening_or_gone "$NB_TMP/$name.err" "$SPID"
    SPORT=$(listening_port "$NB_TMP/$name.err")
    [ -n "$SPORT" ] || SPORT=$(listening_port "$NB_TMP/$name.out")
}

# start_load NAME MODE N SECONDS: load_clients.py against SPORT; sets LDPID;
# returns 1 if its clients did not all connect within 20 s.
start_load() {
    "$PY" "$PEERS/load_clients.py" 127.0.0.1 "$SPORT" "$2" "$3" "$4" >"$NB_TMP/$1.load" 2>&1 &
    LDPID=$!
    track "$LDPID"
    poll_until 20 grep -sq "^connected $3$" "$NB_TMP/$1.load"
}

# signal_time NAME SIGNAL: signals SPID, waits for it (10 s at most); sets
# EXIT_STATUS and TOOK_MS.
signal_time() {
    local t0
    t0=$(now_ms)
    kill -"$2" "$SPID"
    wait_exit "$SPID" 10
    TOOK_MS=$(($(now_ms) - t0))
}

ulimit -n 4096 2>/dev/null

# ---------------------------------------------------------------------------
section "a signal ends listen within half a second whatever the load"
for sig in INT TERM; do
    start_server "busy1$sig" 127.0.0.1:0
    if [ -n "$SPORT" ] && start_load "busy1$sig" busy 1 30; then
        poll_until 5 grep -sq 'I got keep me busy' "$NB_TMP/busy1$sig.out"
        signal_time "busy1$sig" "$sig"
        echo "# one busy client, SIG$sig: listen ended after $TOOK_MS ms"
        assert_eq "one busy client, SIG$sig: listen exits 0" 0 "$EXIT_STATUS"
        assert_true "one busy client, SIG$sig: ended within 2 s (took $TOOK_MS ms; the rule is 0.5 s)" \
            test "$TOOK_MS" -lt 2000
        assert_match "one busy client, SIG$sig: the summary" "$(cat "$NB_TMP/busy1$sig.err")" \
            'stopped by a signal: served 1 client'
        stop_pid "$LDPID"
    else
        nb_fail "one busy client, SIG$sig: the server and its client started" "$(cat "$NB_TMP/busy1$sig.err")"
    fi
done

start_server busy900 -k 127.0.0.1:0
if [ -n "$SPORT" ] && start_load busy900 busy 900 60; then
    # connected is not yet served: wait until the server has taken all 900
    poll_until 20 grep -sq '(client 900)$' "$NB_TMP/busy900.out"
    poll_until 5 grep -sq 'I got keep me busy' "$NB_TMP/busy900.out"
    signal_time busy900 TERM
    echo "# 900 busy clients, SIGTERM: listen -k ended after $TOOK_MS ms"
    assert_eq "900 busy clients, SIGTERM: listen -k exits 0" 0 "$EXIT_STATUS"
    assert_true "900 busy clients: ended within 2 s (took $TOOK_MS ms; the rule is 0.5 s)" \
        test "$TOOK_MS" -lt 2000
    assert_match "900 busy clients: the summary" "$(cat "$NB_TMP/busy900.err")" \
        'stopped by a signal: served 900 clients'
    check_sanitizer "900 busy clients" "$NB_TMP/busy900.err"
    stop_pid "$LDPID"
else
    nb_fail "900 busy clients: the server and its clients started" "$(tail -n 3 "$NB_TMP/busy900.err")"
fi

# ---------------------------------------------------------------------------
section "slowloris: 1,000 clients that never end a line do not lock out a normal one"
start_server slow -k 127.0.0.1:0
if [ -n "$SPORT" ] && start_load slow slowloris 1000 60; then
    t0=$(now_ms)
    out=$(printf 'hello\nbye\n' | timeout 10 nc -N 127.0.0.1 "$SPORT")
    took=$(($(now_ms) - t0))
    echo "# with 1,000 slowloris clients a normal client was answered after $took ms"
    assert_eq "slowloris: the normal client is answered" "You said hello
You said bye" "$out"
    assert_true "slowloris: answered within 3 s (took $took ms; the rule is 1 s)" test "$took" -lt 3000
    signal_time slow TERM
    assert_eq "slowloris: SIGTERM, exit 0" 0 "$EXIT_STATUS"
    assert_match "slowloris: the summary says clients were dropped to make room" \
        "$(cat "$NB_TMP/slow.err")" 'dropped [0-9]+ clients? whose line'
    stop_pid "$LDPID"
else
    nb_fail "slowloris: the server and its clients started" "$(tail -n 3 "$NB_TMP/slow.err")"
fi

# ---------------------------------------------------------------------------
section "closed standard descriptors: the socket never becomes stdin or stderr"
# a peer that records what it receives and says 'ping' first
record_peer() {
    "$PY" -c '
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept(); c.settimeout(5)
c.sendall(b"ping\n")
got = b""
try:
    while True:
        b = c.recv(4096)
        if not b: break
        got += b
except OSError:
    pass
open(sys.argv[1], "wb").write(got)' "$1" >"$1.port" &
    RPID=$!
    track "$RPID"
    poll_until 10 grep -sqE '^[0-9]+$' "$1.port"
    RPORT=$(cat "$1.port")
}
record_peer "$NB_TMP/closed0"
timeout 10 "$NB" send 127.0.0.1 "$RPORT" hello <&- 2>&- >"$NB_TMP/closed0.out"
assert_eq "send with stdin and stderr closed: exit 0" 0 "$?"
wait_exit "$RPID" 10
assert_eq "send with stdin and stderr closed: the peer got only the message" "hello" \
    "$(cat "$NB_TMP/closed0" 2>/dev/null)"
assert_eq "send with stdin and stderr closed: stdout has the peer's bytes" "ping" \
    "$(cat "$NB_TMP/closed0.out")"
record_peer "$NB_TMP/closed1"
timeout 10 "$NB" send 127.0.0.1 "$RPORT" <&- 2>&- >"$NB_TMP/closed1.out"
wait_exit "$RPID" 10
assert_eq "send with stdin closed and no message: nothing is sent back" "" \
    "$(cat "$NB_TMP/closed1" 2>/dev/null)"

# ---------------------------------------------------------------------------
section "a peer that resets the connection"
"$PY" -c '
import socket, struct, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
time.sleep(0.3)
c.close()' >"$NB_TMP/reset.port" &
RPID=$!
track "$RPID"
poll_until 10 grep -sqE '^[0-9]+$' "$NB_TMP/reset.port"
(sleep 1; printf 'late\n') | timeout 10 "$NB" send 127.0.0.1 "$(cat "$NB_TMP/reset.port")" \
    >"$NB_TMP/reset.out" 2>"$NB_TMP/reset.err"
st=$?
wait_exit "$RPID" 10
assert_eq "reset: exit 4 (connection failed)" 4 "$st"
assert_match "reset: says the peer reset the connection" "$(cat "$NB_TMP/reset.err")" \
    'reset the connection'
assert_not_contains "reset: no 'Transport endpoint is not connected'" "$(cat "$NB_TMP/reset.err")" \
    'Transport endpoint'

# ---------------------------------------------------------------------------
section "a closed pipe on stdout ends the command quietly"
"$PY" -c '
import socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
try:
    for _ in range(100):
        c.sendall(b"line of text\n" * 4096)
except OSError:
    pass' >"$NB_TMP/flood.port" &
RPID=$!
track "$RPID"
poll_until 10 grep -sqE '^[0-9]+$' "$NB_TMP/flood.port"
(timeout 10 "$NB" send -q --repr 127.0.0.1 "$(cat "$NB_TMP/flood.port")" </dev/null 2>"$NB_TMP/pipe2.err"
    echo $? >"$NB_TMP/pipe2.st") | head -n 1 >/dev/null
assert_eq "send --repr | head -n1: exit 0" 0 "$(cat "$NB_TMP/pipe2.st")"
assert_eq "send --repr | head -n1: nothing on stderr" "" "$(cat "$NB_TMP/pipe2.err")"
wait_exit "$RPID" 10
printf '127.0.0.1 localhost\n' >"$NB_TMP/hosts"
for i in $(seq 1 2000); do echo "127.0.0.$((i % 200 + 1)):80"; done >"$NB_TMP/socks"
(timeout 10 "$NB" checksock <"$NB_TMP/socks" 2>"$NB_TMP/cs.err"; echo $? >"$NB_TMP/cs.st") | head -n 1 >/dev/null
assert_eq "checksock | head -n1: exit 0" 0 "$(cat "$NB_TMP/cs.st")"
assert_eq "checksock | head -n1: nothing on stderr" "" "$(cat "$NB_TMP/cs.err")"
(NB_HOSTS=$NB_TMP/hosts timeout 10 "$NB" octets $(seq 1 3000) 2>"$NB_TMP/oc.err"; echo $? >"$NB_TMP/oc.st") | head -n 1 >/dev/null
assert_eq "octets | head -n1: exit 0" 0 "$(cat "$NB_TMP/oc.st")"
assert_eq "octets | head -n1: nothing on stderr" "" "$(cat "$NB_TMP/oc.err")"

# fetch -o - into a reader that leaves after one byte: nginx serves 10 MB
mkdir -p "$NB_TMP/www" "$NB_TMP/nginx"
head -c 10485760 /dev/zero >"$NB_TMP/www/big.bin"
if start_nginx "$NB_TMP/nginx" "$NB_TMP/www"; then
    (timeout 20 "$NB" fetch -o - "http://127.0.0.1:$NP/big.bin" 2>"$NB_TMP/fe.err"
        echo $? >"$NB_TMP/fe.st") | head -c 1 >/dev/null
    assert_eq "fetch -o - | head -c1: exit 0" 0 "$(cat "$NB_TMP/fe.st")"
    assert_eq "fetch -o - | head -c1: nothing on stderr" "" "$(cat "$NB_TMP/fe.err")"
    stop_pid "$NGINX_PID"
else
    nb_fail "fetch -o - | head -c1: nginx started" "$(cat "$NB_TMP/nginx/error.log" 2>/dev/null)"
fi

# resolve | head -n1, with its last name failing after stdout has closed:
# the status is resolve's own (3), not a write error. 1,000 names from a hosts
# file fill the pipe; the last one goes to a name server on a closed port.
for i in $(seq 1 1000); do echo "10.0.$((i / 250)).$((i % 250 + 1)) host$i.nb.test"; done >>"$NB_TMP/hosts"
printf 'nameserver 127.0.0.1#%s\noptions timeout:1 attempts:1\n' "$(free_port)" >"$NB_TMP/dead.conf"
(seq -f 'host%g.nb.test' 1 1000; echo missing.nb.test) >"$NB_TMP/names"
(NB_HOSTS=$NB_TMP/hosts NB_RESOLV_CONF=$NB_TMP/dead.conf timeout 20 "$NB" resolve <"$NB_TMP/names" \
    2>"$NB_TMP/re.err"; echo $? >"$NB_TMP/re.st") | head -n 1 >/dev/null
assert_eq "resolve | head -n1, last name failing: its own status (3)" 3 "$(cat "$NB_TMP/re.st")"
assert_match "resolve | head -n1: the lookup's error" "$(cat "$NB_TMP/re.err")" "missing.nb.test"
assert_not_contains "resolve | head -n1: no write error" "$(cat "$NB_TMP/re.err")" "standard output"

finish
