#!/usr/bin/env bash
# test_listen.sh - `netbasics listen` from the outside, against real clients on
# loopback: the lesson's own client (python3), nc, socat and scripted peers.
# Every port is picked by the kernel, every wait is a bounded poll, every
# background process is stopped by its PID.
# Usage: test_listen.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
ESC=$'\033'
T_START=$(date +%s)

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"

# wait_listen_exit NAME: waits up to 15 s for the listen started last to exit
# by itself, and asserts exit status 0 and no sanitizer report.
wait_listen_exit() {
    wait_exit "$LPID" 15
    assert_eq "$1: listen exits 0 by itself" 0 "$EXIT_STATUS"
    check_sanitizer "$1" "$LOUT" "$LERR"
}


SCRIPT_CLIENT=("$PY" "$PEERS/script_client.py")

# Lines of FILE matching the ERE.
lines_matching() { grep -caE -- "$2" "$1"; }

# -----------------------------------------------------------------------------
section "usage errors: exit 2, one line on stderr"
run timeout 10 "$NB" listen --raw --sink 127.0.0.1:0
assert_status "--raw --sink: exit 2" 2
assert_eq "--raw --sink: one line on stderr" 1 "$(count_lines "$ERR")"
assert_contains "--raw --sink: says they do not go together" "$ERR" "cannot use --raw with --sink"
run timeout 10 "$NB" listen 127.0.0.1:0 127.0.0.1:0
assert_status "two addresses: exit 2" 2
assert_eq "two addresses: one line on stderr" 1 "$(count_lines "$ERR")"
run timeout 10 "$NB" listen 70000
assert_status "port 70000: exit 2" 2
assert_contains "port 70000: says out of range" "$ERR" "out of range"
run timeout 10 "$NB" listen 127.0.0.1:70000
assert_status "127.0.0.1:70000: exit 2" 2
assert_eq "127.0.0.1:70000: nothing on stdout" "" "$OUT"
run timeout 10 "$NB" listen --help
assert_status "--help: exit 0" 0
assert_contains "--help: shows the usage" "$OUT" "usage: netbasics listen"

# -----------------------------------------------------------------------------
section "the lesson's conversation with nc as the client; port 0"
if start_listen conv 127.0.0.1:0; then
    assert_match "port 0: the real port is printed" "$LPORT" '^[1-9][0-9]{0,4}$'
    assert_eq "first two lines" "Starting server.
Listening on 127.0.0.1:$LPORT" "$(head -n 2 "$LOUT")"
    client nc_conv sh -c "printf 'hello\nbye\n' | nc -N 127.0.0.1 $LPORT"
    assert_eq "nc: exit 0" 0 "$CLIENT_STATUS"
    assert_eq "nc: gets the replies" "You said hello
You said bye" "$CLIENT_OUT"
    wait_listen_exit conv
    out=$(cat "$LOUT")
    assert_match "Connected with 127.0.0.1:PORT" "$(sed -n 3p "$LOUT")" '^Connected with 127\.0\.0\.1:[1-9][0-9]*$'
    assert_eq "the lines it got" "I got hello
I got bye" "$(sed -n 4,5p "$LOUT")"
    assert_match "the client said bye" "$(sed -n 6p "$LOUT")" '^127\.0\.0\.1:[0-9]+ said bye$'
    assert_eq "last line: Stopping server." "Stopping server." "$(tail -n 1 "$LOUT")"
    assert_eq "seven lines in all" 7 "$(count_lines "$out")"
    assert_eq "nothing on stderr" "" "$(cat "$LERR")"

    # SO_REUSEADDR: the lesson's server cannot restart on its port at once.
    old_port=$LPORT
    if start_listen restart "127.0.0.1:$old_port"; then
        assert_eq "restart on the same port at once (SO_REUSEADDR)" "$old_port" "$LPORT"
        stop_pid "$LPID"
        assert_eq "restart: SIGTERM, exit 0" 0 "$EXIT_STATUS"
    fi
fi

# -----------------------------------------------------------------------------
section "the lesson's own client (netcat() in Python 3 bytes)"
if start_listen lesson 127.0.0.1:0; then
    client lesson "$PY" "$PEERS/lesson_client.py" 127.0.0.1 "$LPORT" $'Hello server\nbye\n'
    assert_eq "lesson client: exit 0" 0 "$CLIENT_STATUS"
    assert_eq "lesson client: last line Connection closed." "Connection closed." \
        "$(printf '%s\n' "$CLIENT_OUT" | tail -n 1)"
    joined=$(printf '%s\n' "$CLIENT_OUT" | "$PY" -c '
import ast, sys
print(b"".join(ast.literal_eval(l[len("Received: "):].strip())
               for l in sys.stdin if l.startswith("Received: ")).decode(), end="")')
    assert_eq "lesson client: received the replies" "You said Hello server
You said bye" "$joined"
    wait_listen_exit lesson
    assert_eq "lesson: I got lines" "I got Hello server
I got bye" "$(grep -a '^I got' "$LOUT")"
    assert_eq "lesson: Stopping server." "Stopping server." "$(tail -n 1 "$LOUT")"
fi

# -----------------------------------------------------------------------------
section "socat as the client"
if start_listen socat 127.0.0.1:0; then
    client socat sh -c "printf 'via socat\nbye\n' | socat -t 5 - TCP:127.0.0.1:$LPORT"
    assert_eq "socat: exit 0" 0 "$CLIENT_STATUS"
    assert_eq "socat: the replies" "You said via socat
You said bye" "$CLIENT_OUT"
    wait_listen_exit socat
    assert_contains "socat: I got via socat" "$(cat "$LOUT")" "I got via socat"
fi

# -----------------------------------------------------------------------------
section "framing: 'bye' in two writes, a byte at a time, goodbye, CRLF"
if start_listen split 127.0.0.1:0; then
    client split "${SCRIPT_CLIENT[@]}" 127.0.0.1 "$LPORT" 'send:hello\n' 'expect:You said hello\n' \
        'send:b' 'sleep:0.3' 'send:ye\n' 'expect:You said bye\n' eof
    assert_eq "b + ye: the client saw 'You said bye' and the close" "ok" "$CLIENT_OUT$CLIENT_ERR"
    wait_listen_exit split
    assert_eq "b + ye: framed as one line" "I got hello
I got bye" "$(grep -a '^I got' "$LOUT")"
    assert_contains "b + ye: the client said bye" "$(cat "$LOUT")" " said bye"
fi
if start_listen bytes 127.0.0.1:0; then
    client bytes "${SCRIPT_CLIENT[@]}" 127.0.0.1 "$LPORT" 'bytewise:one byte at a time\n' \
        'expect:You said one byte at a time\n' 'bytewise:bye\n' 'expect:You said bye\n' eof
    assert_eq "a byte at a time: replies whole lines" "ok" "$CLIENT_OUT$CLIENT_ERR"
    wait_listen_exit bytes
    assert_eq "a byte at a time: two lines" "I got one byte at a time
I got bye" "$(grep -a '^I got' "$LOUT")"
fi
if start_listen goodbye 127.0.0.1:0; then
    client goodbye "${SCRIPT_CLIENT[@]}" 127.0.0.1 "$LPORT" 'send:goodbye\n' 'expect:You said goodbye\n' \
        'sleep:0.3' 'send:byebye\nbye now\n' 'expect:You said byebye\n' 'expect:You said bye now\n' \
        'send:bye\n' 'expect:You said bye\n' eof
    assert_eq "goodbye, byebye, 'bye now' do not end the client; bye does" "ok" "$CLIENT_OUT$CLIENT_ERR"
    wait_listen_exit goodbye
    assert_eq "goodbye: four lines" "I got goodbye
I got byebye
I got bye now
I got bye" "$(grep -a '^I got' "$LOUT")"
fi
if start_listen crlf 127.0.0.1:0; then
    client crlf "${SCRIPT_CLIENT[@]}" 127.0.0.1 "$LPORT" 'send:hello crlf\r\n' 'expect:You said hello crlf\n' \
        'send:bye\r\n' 'expect:You said bye\n' eof
    assert_eq "CRLF: replies without the CR, and bye\\r\\n is bye" "ok" "$CLIENT_OUT$CLIENT_ERR"
    wait_listen_exit crlf
    assert_eq "CRLF: I got lines without the CR" "I got hello crlf
I got bye" "$(grep -a '^I got' "$LOUT")"
fi

# -----------------------------------------------------------------------------
section "a client that leaves without bye"
if start_listen nobye 127.0.0.1:0; then
    client nobye sh -c "printf 'just this\n' | nc -N 127.0.0.1 $LPORT"
    assert_eq "no bye: the client got its reply" "You said just this" "$CLIENT_OUT"
    wait_listen_exit nobye
    out=$(cat "$LOUT")
    assert_match "no bye: says the client closed without bye" "$out" \
        "^127\.0\.0\.1:[0-9]+ closed the connection without 'bye'$"
    assert_eq "no bye: I got the line once (no spinning)" 1 "$(lines_matching "$LOUT" '^I got')"
    assert_eq "no bye: Stopping server." "Stopping server." "$(tail -n 1 "$LOUT")"
fi

# -----------------------------------------------------------------------------
section "--keep-open: a slow client, a client that resets, SIGINT"
if start_listen keep -k 127.0.0.1:0; then
    # The slow client sends half a line and holds it for 4 s.
    "$PY" "$PEERS/script_client.py" 127.0.0.1 "$LPORT" 'send:no newline yet' 'sleep:4' \
        'send:, now\n' 'expect:You said no newline yet, now\n' 'send:bye\n' \
        'expect:You said bye\n' eof >"$NB_TMP/slow.cout" 2>"$NB_TMP/slow.cerr" &
    slow_pid=$!
    track "$slow_pid"
    poll_until 10 grep -sq '(client 1)' "$LOUT"
    t0=$(date +%s%N)
    client quick "${SCRIPT_CLIENT[@]}" 127.0.0.1 "$LPORT" 'send:quick\n' 'expect:You said quick\n' \
        'send:bye\n' 'expect:You said bye\n' eof
    t1=$(date +%s%N)
    assert_eq "quick client served while the slow one holds half a line" "ok" "$CLIENT_OUT$CLIENT_ERR"
    assert_true "quick client done in under 2 s ($(((t1 - t0) / 1000000)) ms)" \
        test $(((t1 - t0) / 1000000)) -lt 2000
    assert_true "the slow client is still connected then" kill -0 "$slow_pid"
    wait_exit "$slow_pid" 15
    assert_eq "slow client: its line, whole, after 4 s" "ok" "$(cat "$NB_TMP/slow.cout" "$NB_TMP/slow.cerr")"
    assert_contains "slow client: I got the whole line" "$(cat "$LOUT")" "I got no newline yet, now"

    client reset "$PY" "$PEERS/reset_client.py" 127.0.0.1 "$LPORT"
    assert_eq "reset client: sent its RST" "reset sent" "$CLIENT_OUT$CLIENT_ERR"
    poll_until 10 grep -sq 'reset the connection' "$LOUT"
    assert_match "reset: reported as a reset" "$(cat "$LOUT")" '^127\.0\.0\.1:[0-9]+ reset the connection$'
    assert_true "reset: the server is still running" kill -0 "$LPID"
    client after_reset sh -c "printf 'after the reset\nbye\n' | nc -N 127.0.0.1 $LPORT"
    assert_eq "reset: the next client is served" "You said after the reset
You said bye" "$CLIENT_OUT"

    stop_pid "$LPID" INT
    assert_eq "SIGINT: exit 0" 0 "$EXIT_STATUS"
    check_sanitizer "keep-open" "$LOUT" "$LERR"
    err=$(cat "$LERR")
    assert_eq "SIGINT: one line on stderr" 1 "$(count_lines "$err")"
    assert_match "SIGINT: the summary" "$err" \
        '^netbasics listen: stopped by a signal: served 4 clients, [0-9]+ bytes in, [0-9]+ bytes out$'
    assert_eq "SIGINT: Stopping server." "Stopping server." "$(tail -n 1 "$LOUT")"
fi

section "SIGTERM with a client still connected"
if start_listen term -k 127.0.0.1:0; then
    "$PY" "$PEERS/script_client.py" 127.0.0.1 "$LPORT" 'send:still here\n' 'sleep:30' \
        >/dev/null 2>&1 &
    hold_pid=$!
    track "$hold_pid"
    poll_until 10 grep -sq 'I got still here' "$LOUT"
    stop_pid "$LPID" TERM
    assert_eq "SIGTERM: exit 0" 0 "$EXIT_STATUS"
    check_sanitizer "SIGTERM" "$LOUT" "$LERR"
    assert_match "SIGTERM: the connected client is let go" "$(cat "$LOUT")" \
        'was disconnected: the server is stopping'
    err=$(cat "$LERR")
    assert_eq "SIGTERM: one line on stderr" 1 "$(count_lines "$err")"
    assert_match "SIGTERM: the summary" "$err" \
        '^netbasics listen: stopped by a signal: served 1 client, 11 bytes in, 20 bytes out$'
    stop_pid "$hold_pid"
fi

# -----------------------------------------------------------------------------
section "--line-timeout: a line left unfinished too long closes its client"
if start_listen linet -k --line-timeout 0.5 127.0.0.1:0; then
    t0=$(now_ms)
    client linet "${SCRIPT_CLIENT[@]}" 127.0.0.1 "$LPORT" 'send:ok\n' 'expect:You said ok\n' \
        'send:half a line' eof
    took=$(($(now_ms) - t0))
    assert_eq "line timeout: the server closed the client" "ok" "$CLIENT_OUT$CLIENT_ERR"
    assert_true "line timeout: after 0.5 s or more (took $took ms)" test "$took" -ge 500
    assert_true "line timeout: within 3 s (took $took ms)" test "$took" -lt 3000
    poll_until 5 grep -sq 'unfinished too long' "$LOUT"
    assert_match "line timeout: says why" "$(cat "$LOUT")" \
        "^127\.0\.0\.1:[0-9]+ left a line unfinished too long \(--line-timeout\)$"
    stop_pid "$LPID" TERM
    assert_eq "line timeout: SIGTERM, exit 0" 0 "$EXIT_STATUS"
    check_sanitizer "line timeout" "$LOUT" "$LERR"
    assert_match "line timeout: the summary counts the drop" "$(cat "$LERR")" \
        '^netbasics listen: dropped 1 client whose line stayed unfinished: 1 past --line-timeout \(0\.5 s\), 0 to make room for new clients$'
fi
run timeout 10 "$NB" listen --line-timeout 0 127.0.0.1:0
assert_status "--line-timeout 0: exit 2" 2
assert_contains "--line-timeout 0: names the option" "$ERR" "--line-timeout"

# -----------------------------------------------------------------------------
section "--keep-open with 1,000 clients at once"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null
fi
if [ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4096 ]; then
    if start_listen many -k 127.0.0.1:0; then
        client many "$PY" "$PEERS/many_clients.py" 127.0.0.1 "$LPORT" 1000
        assert_eq "1,000 clients: each got its own reply, then bye" "1000 clients ok" \
            "$CLIENT_OUT$CLIENT_ERR"
        poll_until 10 test "$(lines_matching "$LOUT" ' said bye$')" -ge 1000
        assert_eq "1,000 clients: 1,000 'Connected with'" 1000 "$(lines_matching "$LOUT" '^Connected with ')"
        assert_eq "1,000 clients: 1,000 said bye" 1000 "$(lines_matching "$LOUT" ' said bye$')"
        assert_eq "1,000 clients: 2,000 I got lines" 2000 "$(lines_matching "$LOUT" ': I got ')"
        stop_pid "$LPID" TERM
        assert_eq "1,000 clients: SIGTERM, exit 0" 0 "$EXIT_STATUS"
        check_sanitizer "1,000 clients" "$LOUT" "$LERR"
        assert_match "1,000 clients: the summary counts them" "$(cat "$LERR")" 'served 1000 clients'
    fi
else
    echo "# skipped: cannot raise ulimit -n to 4096 (hard limit $(ulimit -Hn))"
fi

# -----------------------------------------------------------------------------
section "100 MB without a newline: answered in pieces, memory bounded"
LOUT=$NB_TMP/big.out
LERR=$NB_TMP/big.err
LCOUNT=$NB_TMP/big.count
# The 100 MB of 'I got' are counted by awk, which writes only at the end (a
# fresh machine's mawk reads its input in blocks); the narration goes to LOUT
# at once through grep --line-buffered.
"$NB" listen -k 127.0.0.1:0 </dev/null 2>"$LERR" > >(
    tee >(grep --line-buffered -v ' I got ' >"$LOUT") | awk '
    / I got a+ \(part of a longer line\)$/ { pieces++ }
    / I got a+$/ { whole++ }
    / I got / { total++; if (length($0) > max) max = length($0) }
    END { print "pieces " pieces + 0; print "whole " whole + 0; print "total " total + 0;
          print "longest " max + 0; print "end" }' >"$LCOUNT") &
LPID=$!
track "$LPID"
poll_until 10 listening_or_gone
if listening_line; then
    LPORT=$(sed -n -E 's/^Listening on .*:([0-9]+)$/\1/p' "$LOUT")
    client big sh -c "head -c 100000000 /dev/zero | tr '\\0' a | nc -N 127.0.0.1 $LPORT | wc -c"
    # 24,414 pieces of 4,096 bytes and the last 256: each 'You said ' + piece + newline.
    assert_eq "100 MB: every byte answered, in 24,415 replies" 100244150 "$(echo $CLIENT_OUT)"
    poll_until 10 grep -sq "closed the connection without 'bye'" "$LOUT"
    assert_true "100 MB: the server survives" kill -0 "$LPID"
    hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$LPID/status" 2>/dev/null)
    if is_asan_build "$NB"; then
        echo "# ASan build: peak memory ${hwm_kb} kB not checked against 64 MB (shadow memory)"
    else
        assert_true "100 MB: peak memory ${hwm_kb} kB is under 64 MB" test "${hwm_kb:-999999}" -lt 65536
    fi
    client big_after sh -c "printf 'still answering\nbye\n' | nc -N 127.0.0.1 $LPORT"
    assert_eq "100 MB: still answers the next client" "You said still answering
You said bye" "$CLIENT_OUT"
    stop_pid "$LPID" TERM
    assert_eq "100 MB: SIGTERM, exit 0" 0 "$EXIT_STATUS"
    poll_until 10 grep -sq '^end$' "$LCOUNT"
    check_sanitizer "100 MB" "$LERR"
    assert_eq "100 MB: 24,414 'I got' pieces marked as part of a longer line" "pieces 24414" \
        "$(grep '^pieces ' "$LCOUNT")"
    assert_eq "100 MB: the last 256 bytes as a line of their own" "whole 1" "$(grep '^whole ' "$LCOUNT")"
    assert_match "100 MB: no printed line longer than the limit and its prefix" \
        "$(grep '^longest ' "$LCOUNT")" '^longest 4[0-9]{3}$'
    # 100,000,000 bytes and the 20 of the next client
    assert_contains "100 MB: the summary counts every byte in" "$(cat "$LERR")" \
        "served 2 clients, 100000020 bytes in"
else
    nb_fail "100 MB: listen printed its port" "$(cat "$LOUT" "$LERR")"
    stop_pid "$LPID" KILL
fi

# -----------------------------------------------------------------------------
section "--sink reports the bytes"
if start_listen sink --sink 127.0.0.1:0; then
    assert_eq "--sink: the Listening line is on stderr, stdout stays empty" "" "$(cat "$LOUT")"
    client sink sh -c "head -c 1000000 /dev/zero | nc -N 127.0.0.1 $LPORT"
    assert_eq "--sink: client exit 0" 0 "$CLIENT_STATUS"
    wait_listen_exit sink
    assert_eq "--sink: nothing on stdout" "" "$(cat "$LOUT")"
    assert_match "--sink: reports 1,000,000 bytes and a rate" "$(cat "$LERR")" \
        '^127\.0\.0\.1:[0-9]+ closed the connection: received 1000000 bytes in [0-9.]+ s \([0-9.]+ MiB/s\)$'
fi

# -----------------------------------------------------------------------------
section "--raw: bytes both ways, unchanged"
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64 + b"\x1b]0;raw\x07\r\n\0end")' \
    >"$NB_TMP/raw_from_client"
"$PY" -c 'import sys; sys.stdout.buffer.write(b"from the server\n" + bytes(range(255, -1, -1)) * 16)' \
    >"$NB_TMP/raw_from_server"
LISTEN_STDIN=$NB_TMP/raw_from_server
if start_listen raw --raw 127.0.0.1:0; then
    unset LISTEN_STDIN
    assert_eq "--raw: stdout empty before a client" "" "$(cat "$LOUT")"
    timeout 20 socat -t 5 - "TCP:127.0.0.1:$LPORT" <"$NB_TMP/raw_from_client" >"$NB_TMP/raw_got" \
        2>"$NB_TMP/raw.cerr"
    assert_eq "--raw: socat client exit 0" 0 "$?"
    wait_listen_exit raw
    assert_true "--raw: listen's stdout is exactly the client's bytes" \
        cmp -s "$NB_TMP/raw_from_client" "$LOUT"
    assert_true "--raw: the client got exactly listen's stdin" \
        cmp -s "$NB_TMP/raw_from_server" "$NB_TMP/raw_got"
    assert_match "--raw: Listening on stderr" "$(cat "$LERR")" '^Listening on 127\.0\.0\.1:[0-9]+$'
    assert_match "--raw: Connection from on stderr" "$(cat "$LERR")" '^Connection from 127\.0\.0\.1:[0-9]+$'
fi
unset LISTEN_STDIN

# -----------------------------------------------------------------------------
section "cannot listen: port in use, privileged port"
if start_listen busy 127.0.0.1:0; then
    run timeout 10 "$NB" listen "127.0.0.1:$LPORT"
    assert_status "port in use: exit 6" 6
    assert_eq "port in use: one line on stderr" 1 "$(count_lines "$ERR")"
    assert_contains "port in use: says 'in use'" "$ERR" "in use"
    assert_contains "port in use: names the port" "$ERR" "$LPORT"
    stop_pid "$LPID"
    assert_eq "port in use: the first listen stops on SIGTERM, exit 0" 0 "$EXIT_STATUS"
fi
unpriv_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)
if [ "$unpriv_start" -le 1023 ]; then
    echo "# skipped: ip_unprivileged_port_start is $unpriv_start, so low ports need no privilege"
elif [ "$(id -u)" -eq 0 ]; then
    if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
        run timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB" listen 127.0.0.1:1023
        assert_status "port 1023 as nobody: exit 6" 6
        assert_eq "port 1023 as nobody: one line on stderr" 1 "$(count_lines "$ERR")"
        assert_contains "port 1023 as nobody: names the privilege" "$ERR" "CAP_NET_BIND_SERVICE"
        assert_contains "port 1023 as nobody: says below 1024" "$ERR" "below 1024"
    else
        echo "# skipped: setpriv cannot switch to nobody here"
    fi
elif grep -qE '^CapEff:[[:space:]]*0+$' /proc/self/status; then
    run timeout 10 "$NB" listen 127.0.0.1:1023
    assert_status "port 1023 without privilege: exit 6" 6
    assert_contains "port 1023 without privilege: names the privilege" "$ERR" "CAP_NET_BIND_SERVICE"
else
    echo "# skipped: not root, and this user holds capabilities"
fi

# -----------------------------------------------------------------------------
section "-x/--explain narrates the socket calls in order"
if start_listen explain -x 127.0.0.1:0; then
    client explain sh -c "printf 'bye\n' | nc -N 127.0.0.1 $LPORT"
    wait_listen_exit explain
    order=$(grep -naoE '(socket|bind|listen|accept)\(' "$LERR" | awk -F: '{ print $2 }' | uniq |
        paste -sd' ')
    assert_eq "-x: socket(), bind(), listen(), accept() in that order" \
        "socket( bind( listen( accept(" "$order"
    assert_contains "-x: the kernel's port narrated" "$(cat "$LERR")" "getsockname"
    assert_eq "-x: stdout still has the conversation" "Stopping server." "$(tail -n 1 "$LOUT")"
fi

# -----------------------------------------------------------------------------
section "IPv6: -6 on [::1]:0"
if "$PY" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
    if start_listen six -6 '[::1]:0'; then
        assert_eq "-6: Listening on [::1]:PORT" "Listening on [::1]:$LPORT" "$(sed -n 2p "$LOUT")"
        client six "${SCRIPT_CLIENT[@]}" ::1 "$LPORT" 'send:over six\n' 'expect:You said over six\n' \
            'send:bye\n' 'expect:You said bye\n' eof
        assert_eq "-6: the conversation over ::1" "ok" "$CLIENT_OUT$CLIENT_ERR"
        wait_listen_exit six
        assert_match "-6: Connected with [::1]:PORT" "$(cat "$LOUT")" '^Connected with \[::1\]:[0-9]+$'
    fi
else
    echo "# skipped: IPv6 loopback does not work here"
fi

# -----------------------------------------------------------------------------
section "escaping: a peer's escape sequences never reach the terminal raw"
if start_listen hostile 127.0.0.1:0; then
    client hostile "$PY" "$PEERS/hostile_peer.py" client 127.0.0.1 "$LPORT"
    assert_eq "hostile client: exit 0" 0 "$CLIENT_STATUS"
    wait_listen_exit hostile
    assert_eq "hostile: no ESC byte in listen's output" 0 "$(grep -c "$ESC" "$LOUT" "$LERR" | awk -F: '{ s += $2 } END { print s }')"
    assert_eq "hostile: no BEL byte in listen's output" 0 "$(LC_ALL=C grep -c $'\a' "$LOUT")"
    assert_eq "hostile: no raw C1 CSI (0x9b) byte" 0 "$(LC_ALL=C grep -c $'\x9b' "$LOUT")"
    got=$(grep -a '^I got' "$LOUT" | head -n 1)
    assert_contains "hostile: the OSC shown escaped" "$got" ']0;pwned'
    assert_contains "hostile: the text after it still shown" "$got" 'cleared'
    assert_eq "hostile: then bye" "I got bye" "$(grep -a '^I got' "$LOUT" | tail -n 1)"
fi

# -----------------------------------------------------------------------------
section "one-shot: when the client leaves without bye, say that -k keeps listening"
HINT="netbasics listen: the server served its one client and stopped, as the lesson's does; -k keeps it listening for more"
if start_listen oneshot 127.0.0.1:0; then
    client oneshot sh -c "printf 'first\n' | nc -N 127.0.0.1 $LPORT"
    assert_eq "one-shot: the first client got its reply" "You said first" "$CLIENT_OUT"
    wait_listen_exit oneshot
    assert_eq "one-shot, no bye: one line on stderr names the one client and -k" "$HINT" "$(cat "$LERR")"
    assert_eq "one-shot, no bye: stdout still ends with Stopping server." "Stopping server." \
        "$(tail -n 1 "$LOUT")"
    # what the learner meets next: the second client is refused
    client oneshot2 "$NB" send 127.0.0.1 "$LPORT" second
    assert_eq "one-shot: a second send is refused (exit 4)" 4 "$CLIENT_STATUS"
fi
if start_listen oneshotq -q 127.0.0.1:0; then
    client oneshotq sh -c "printf 'first\n' | nc -N 127.0.0.1 $LPORT"
    wait_listen_exit oneshotq
    assert_eq "one-shot -q, no bye: quiet" "" "$(cat "$LERR")"
fi
if start_listen oneshotbye 127.0.0.1:0; then
    client oneshotbye sh -c "printf 'first\nbye\n' | nc -N 127.0.0.1 $LPORT"
    wait_listen_exit oneshotbye
    assert_eq "one-shot, bye: the client ended it as the lesson says, no hint" "" "$(cat "$LERR")"
fi
if start_listen keepbye -k 127.0.0.1:0; then
    client keepbye sh -c "printf 'first\n' | nc -N 127.0.0.1 $LPORT"
    kill -TERM "$LPID"
    wait_exit "$LPID" 15
    assert_not_contains "-k, no bye: no one-client hint" "$(cat "$LERR")" "its one client"
fi

echo "# test_listen.sh ran in $(($(date +%s) - T_START)) s"
finish
