#!/usr/bin/env bash
# test_udp.sh - `send -u` and `listen -u` from the outside, against real peers on
# loopback: OpenBSD nc -u, socat UDP, python3 scripts (peers/udp_peer.py). Every
# port is picked by the kernel (or free_port for nc and socat), every wait is a
# bounded poll, every background process is stopped by its PID.
# Usage: test_udp.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
ESC=$'\033'
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
UDP_PEER=("$PY" "$PEERS/udp_peer.py")


hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# -----------------------------------------------------------------------------
section "usage errors"
run timeout 10 "$NB" send --lines 127.0.0.1 9
assert_status "send --lines without -u: exit 2" 2
assert_contains "send --lines without -u: says so" "$ERR" "cannot use --lines without --udp"
run timeout 10 "$NB" send --no-wait 127.0.0.1 9
assert_status "send --no-wait without -u: exit 2" 2
run timeout 10 "$NB" listen -u --backlog 5 127.0.0.1:0
assert_status "listen -u --backlog: exit 2 (UDP has no queue of connections)" 2
run timeout 10 "$NB" checksock --connect -u 127.0.0.1:53
assert_status "checksock --connect -u: a usage error" 2
assert_contains "checksock -u: says why it stays TCP" "$ERR" \
    "a UDP port cannot be probed reliably"
run timeout 10 "$NB" send -u -4 ::1 9 hi
assert_status "send -u -4 ::1: exit 2" 2

# -----------------------------------------------------------------------------
section "the lesson's conversation over UDP, ended by bye"
if start_listen talk -u 127.0.0.1:0; then
    client talk "$NB" send -u --lines -w 0.5 127.0.0.1 "$LPORT" < <(printf 'Hello, server\nbye\n')
    assert_eq "send -u: each line answered in its own datagram" \
        $'You said Hello, server\nYou said bye' "$CLIENT_OUT"
    assert_eq "send -u: exit 0 after the quiet wait" 0 "$CLIENT_STATUS"
    assert_contains "send -u: counts on stderr" "$CLIENT_ERR" "sent 2 datagrams"
    wait_exit "$LPID" 10
    assert_eq "listen -u: 'bye' ends the one-shot server, exit 0" 0 "$EXIT_STATUS"
    assert_eq "listen -u: the conversation on stdout" \
        "$(printf 'Starting UDP server.\nListening on 127.0.0.1:%s\nDatagram from %s\nI got Hello, server\nI got bye\n%s said bye\nStopping server.' \
            "$LPORT" "$(sed -n 's/^Datagram from //p' "$LOUT")" "$(sed -n 's/^Datagram from //p' "$LOUT")")" \
        "$(cat "$LOUT")"
    check_sanitizer "talk" "$LOUT" "$LERR"
fi

# -----------------------------------------------------------------------------
section "real clients: nc -u and socat UDP into listen -u -k"
if start_listen peers -u -k 127.0.0.1:0; then
    printf 'from nc\n' | timeout 10 nc -u -w1 127.0.0.1 "$LPORT" >"$NB_TMP/nc.out"
    assert_eq "nc -u gets 'You said'" "You said from nc" "$(cat "$NB_TMP/nc.out")"
    echo "from socat" | timeout 10 socat -t 0.5 - "UDP:127.0.0.1:$LPORT" >"$NB_TMP/socat.out"
    assert_eq "socat UDP gets 'You said'" "You said from socat" "$(cat "$NB_TMP/socat.out")"
    client empty "${UDP_PEER[@]}" send 127.0.0.1 "$LPORT" "" 78 "$(hex bye)"
    assert_eq "0-byte, 1-byte and 'bye' datagrams each answered; -k goes on after bye" \
        "$(printf "b'You said \\\\n'\nb'You said x\\\\n'\nb'You said bye\\\\n'")" "$CLIENT_OUT"
    client esc "$NB" send -u -w 0.3 127.0.0.1 "$LPORT" "$(printf '\033[31mred\001')"
    stop_pid "$LPID" INT
    assert_eq "SIGINT: listen -u -k exits 0" 0 "$EXIT_STATUS"
    assert_contains "a 0-byte datagram is a message" "$(cat "$LOUT")" ": I got "
    assert_contains "escape bytes shown escaped" "$(cat "$LOUT")" 'I got \x1b[31mred\x01'
    assert_not_contains "no raw ESC on listen's stdout" "$(cat "$LOUT")" "$ESC"
    assert_contains "summary: stopped by a signal, 4 senders" "$(cat "$LERR")" \
        "stopped by a signal: served 4 senders, 6 datagrams in"
    assert_match "per-sender counts" "$(cat "$LERR")" \
        '\(sender 3\): 3 datagrams in \(4 bytes\), 3 out \(.* bytes\), said bye$'
    check_sanitizer "peers" "$LOUT" "$LERR"
fi

# -----------------------------------------------------------------------------
section "send -u into real servers: nc -ul, socat UDP-LISTEN, python"
P=$(free_port)
timeout 20 nc -ul 127.0.0.1 "$P" </dev/null >"$NB_TMP/ncl.out" 2>&1 &
NCPID=$!
track "$NCPID"
poll_until 5 grep -q ":$(printf '%04X' "$P") " /proc/net/udp
client to_nc "$NB" send -u -w 0.3 127.0.0.1 "$P" "to nc"
poll_until 5 grep -q "to nc" "$NB_TMP/ncl.out"
assert_eq "nc -ul received the datagram" "to nc" "$(cat "$NB_TMP/ncl.out")"
assert_eq "send -u to nc: exit 0" 0 "$CLIENT_STATUS"
stop_pid "$NCPID"
P=$(free_port)
timeout 20 socat "UDP-LISTEN:$P,bind=127.0.0.1" PIPE </dev/null 2>"$NB_TMP/socat.err" &
SOPID=$!
track "$SOPID"
poll_until 5 grep -q ":$(printf '%04X' "$P") " /proc/net/udp
client to_socat "$NB" send -u -w 0.5 127.0.0.1 "$P" "echo me"
assert_eq "socat UDP-LISTEN echoes back to send -u" "echo me" "$CLIENT_OUT"
stop_pid "$SOPID"
if start_peer raw "${UDP_PEER[@]}" server 4 raw; then
    client repr "$NB" send -u --repr -w 0.3 127.0.0.1 "$PEER_PORT" hi
    assert_eq "--repr: the lesson's view, escape bytes escaped" \
        "Received: '\\x1b[31mred\\x07\\x00'" "$CLIENT_OUT"
    assert_not_contains "--repr: no raw ESC" "$CLIENT_OUT$CLIENT_ERR" "$ESC"
    stop_pid "$PEER_PID"
fi

# -----------------------------------------------------------------------------
section "datagram sizes: 65,507 bytes over IPv4, 65,527 over IPv6"
head -c 65507 /dev/zero | tr '\0' 'a' >"$NB_TMP/max4"
if start_peer len4 "${UDP_PEER[@]}" server 4 len; then
    client max4 "$NB" send -u -n -w 0.5 127.0.0.1 "$PEER_PORT" "$(cat "$NB_TMP/max4")"
    assert_eq "a 65,507-byte message arrives whole" "65507" "$CLIENT_OUT"
    client over4 "$NB" send -u -n -w 0.5 127.0.0.1 "$PEER_PORT" "$(cat "$NB_TMP/max4")b"
    assert_eq "65,508 bytes over IPv4: refused, exit 1" 1 "$CLIENT_STATUS"
    assert_contains "65,508 bytes: says the limit" "$CLIENT_ERR" \
        "message 1 is 65508 bytes, but one UDP datagram carries at most 65507 over IPv4"
    client stdin4 "$NB" send -u -w 0.5 127.0.0.1 "$PEER_PORT" <"$NB_TMP/max4"
    assert_eq "stdin: each read one datagram, at most 65,507 bytes" "65507" "$CLIENT_OUT"
    { cat "$NB_TMP/max4"; echo; } >"$NB_TMP/long_line"
    client line4 "$NB" send -u --lines -w 0.5 127.0.0.1 "$PEER_PORT" <"$NB_TMP/long_line"
    assert_eq "--lines: a line too long for a datagram, exit 1" 1 "$CLIENT_STATUS"
    assert_contains "--lines: names the line" "$CLIENT_ERR" "line 1 is longer than 65507 bytes"
    stop_pid "$PEER_PID"
fi
if [ "$HAVE_V6" = 1 ] && start_peer len6 "${UDP_PEER[@]}" server 6 len; then
    client max6 "$NB" send -u -n -w 0.5 ::1 "$PEER_PORT" "$(cat "$NB_TMP/max4")aaaaaaaaaaaaaaaaaaaa"
    assert_eq "a 65,527-byte message arrives whole over IPv6" "65527" "$CLIENT_OUT"
    client over6 "$NB" send -u -n -w 0.5 ::1 "$PEER_PORT" "$(cat "$NB_TMP/max4")aaaaaaaaaaaaaaaaaaaaa"
    assert_eq "65,528 bytes over IPv6: refused, exit 1" 1 "$CLIENT_STATUS"
    stop_pid "$PEER_PID"
fi

# -----------------------------------------------------------------------------
section "a closed port: ICMP port unreachable"
P=$(free_port)
client closed "$NB" send -u 127.0.0.1 "$P" hello
assert_eq "closed port: exit 4" 4 "$CLIENT_STATUS"
assert_contains "closed port: says nothing listens" "$CLIENT_ERR" \
    "netbasics send: nothing listens on UDP port $P on 127.0.0.1"

# -----------------------------------------------------------------------------
section "-k with 100 senders at once"
if start_listen many -u -k 127.0.0.1:0; then
    client many "${UDP_PEER[@]}" many 127.0.0.1 "$LPORT" 100
    assert_eq "all 100 senders answered, each its own reply" 100 "$CLIENT_OUT"
    stop_pid "$LPID" TERM
    assert_eq "SIGTERM: exit 0" 0 "$EXIT_STATUS"
    assert_contains "summary counts 100 senders" "$(cat "$LERR")" "served 100 senders"
    assert_eq "one count line per sender" 100 "$(grep -c '(sender [0-9]*): 1 datagram in' "$LERR")"
    check_sanitizer "many" "$LOUT" "$LERR"
fi

# -----------------------------------------------------------------------------
section "--raw and --sink"
printf 'pong\n' >"$NB_TMP/pong"
if LISTEN_STDIN=$NB_TMP/pong start_listen raw -u --raw 127.0.0.1:0; then
    client rawc "${UDP_PEER[@]}" send 127.0.0.1 "$LPORT" "$(hex $'ping\n')"
    assert_eq "--raw: stdin's line goes to the last sender" "b'pong\\n'" "$CLIENT_OUT"
    stop_pid "$LPID" TERM
    assert_eq "--raw: SIGTERM exits 0" 0 "$EXIT_STATUS"
    assert_eq "--raw: the datagram's bytes on stdout" "ping" "$(cat "$LOUT")"
fi
if start_listen sink -u --sink --idle-timeout 1 127.0.0.1:0; then
    client flood "${UDP_PEER[@]}" flood 127.0.0.1 "$LPORT" 200 100
    wait_exit "$LPID" 10
    assert_eq "--sink: --idle-timeout ends it, exit 0" 0 "$EXIT_STATUS"
    assert_match "--sink: count and rate" "$(cat "$LERR")" \
        'received 200 datagrams \(20000 bytes\) from 1 sender in [0-9.]+ s \([0-9]+ datagrams/s'
    assert_eq "--sink: nothing on stdout" "" "$(cat "$LOUT")"
fi

# -----------------------------------------------------------------------------
section "IPv6"
if [ "$HAVE_V6" = 1 ] && start_listen v6 -u -6 '[::1]:0'; then
    client v6 "$NB" send -u -6 -w 0.3 ::1 "$LPORT" bye
    assert_eq "listen -u -6 answers over ::1" "You said bye" "$CLIENT_OUT"
    wait_exit "$LPID" 10
    assert_eq "IPv6 one-shot ends on bye" 0 "$EXIT_STATUS"
    assert_contains "Listening on [::1]:PORT" "$(cat "$LOUT")" "Listening on [::1]:$LPORT"
fi

# -----------------------------------------------------------------------------
section "-w bounds, --no-wait, signals"
if start_peer late "${UDP_PEER[@]}" server 4 late; then
    client late "$NB" send -u -w 0.5 127.0.0.1 "$PEER_PORT" go
    assert_eq "-w 0.5: replies 0.3 s apart keep it waiting" $'late 0\nlate 1\nlate 2' "$CLIENT_OUT"
    stop_pid "$PEER_PID"
fi
if start_peer silent "${UDP_PEER[@]}" server 4 silent; then
    t0=$(now_ms)
    client quiet "$NB" send -u -w 0.5 127.0.0.1 "$PEER_PORT" hi
    t=$(($(now_ms) - t0))
    assert_eq "silent peer: exit 0 after -w" 0 "$CLIENT_STATUS"
    assert_true "-w 0.5 ends between 0.4 and 2 s (took $t ms)" [ "$t" -ge 400 -a "$t" -lt 2000 ]
    t0=$(now_ms)
    client nowait "$NB" send -u --no-wait 127.0.0.1 "$PEER_PORT" hi
    t=$(($(now_ms) - t0))
    assert_true "--no-wait ends at once (took $t ms)" [ "$t" -lt 400 ]
    mkfifo "$NB_TMP/fifo"
    "$NB" send -u 127.0.0.1 "$PEER_PORT" <"$NB_TMP/fifo" >/dev/null 2>"$NB_TMP/sig.err" &
    SPID=$!
    track "$SPID"
    exec 7>"$NB_TMP/fifo"
    echo hi >&7
    sleep 0.2
    t0=$(now_ms)
    stop_pid "$SPID" TERM
    t=$(($(now_ms) - t0))
    exec 7>&-
    assert_eq "send -u waiting on stdin: SIGTERM ends it (as TCP send)" 143 "$EXIT_STATUS"
    assert_true "within 1 s (took $t ms)" [ "$t" -lt 1000 ]
    stop_pid "$PEER_PID"
fi

# -----------------------------------------------------------------------------
section "--explain teaches the difference"
if start_listen ex -u -x 127.0.0.1:0; then
    client ex "$NB" send -u -x -w 0.3 127.0.0.1 "$LPORT" bye
    wait_exit "$LPID" 10
    for phrase in "no handshake" "only fixed the peer" "no half-close" "one whole datagram" \
        "no end of stream" "lost, duplicated or reordered" "DNS retries"; do
        assert_contains "send -u -x: '$phrase'" "$CLIENT_ERR" "$phrase"
    done
    assert_contains "listen -u -x: no accept()" "$(cat "$LERR")" "no accept(), no connection"
    assert_contains "listen -u -x: each reply names its receiver" "$(cat "$LERR")" \
        "names its receiver"
fi

finish
