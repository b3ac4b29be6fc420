#!/usr/bin/env bash
# test_hostile.sh - no byte from argv, stdin, a file or a peer reaches stdout or
# stderr unescaped. A table of hostile texts (ESC sequences, BEL, DEL, a raw
# 0x9b, U+009B, U+202E, U+2066, invalid UTF-8, CR, NUL where it can go) is
# driven through every command's arguments, option values, standard input, the
# hosts file, resolv.conf and a peer's bytes (a DNS server, a TCP server, a TCP
# client, an HTTP server); after each run, stdout and stderr may hold only tab,
# newline and printable ASCII. The data channels (send's stdout, listen
# --raw/--sink, fetch -o -) carry a peer's bytes exactly, as nc and curl do, and
# are not text: they are not checked here. Every wait is bounded, every peer is
# stopped by its PID, and no name is looked up outside loopback.
# Usage: test_hostile.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
W=$NB_TMP

# The hostile texts: NAME|TEXT (argv cannot hold a NUL; stdin, files and peers get one below).
VECTORS=(
    "ESC CSI|a"$'\e[31m'"b"
    "OSC title|"$'\e]0;pwned\a'"x"
    "BEL|a"$'\a'"b"
    "DEL|a"$'\x7f'"b"
    "raw 0x9b|a"$'\x9b'"31mb"
    "U+009B|a"$'\xc2\x9b'"31mb"
    "U+202E|a"$'\xe2\x80\xae'"b"
    "U+2066|a"$'\xe2\x81\xa6'"b"
    "invalid UTF-8|a"$'\xff\xc3('"b"
    "CR|a"$'\r'"b"
)
# Every class in one text, for the runs that take one input.
ALL=$'a\e[31mb\ac\x7fd\x9be\xc2\x9bf\xe2\x80\xaeg\xe2\x81\xa6h\xffi\rj'

# What a run may not write: a C0 control byte other than tab and newline, DEL,
# invalid UTF-8 (a raw 0x9b, 0xff, a cut sequence), a C1 control as UTF-8
# (U+0080-U+009F) or a bidi control (U+202A-U+202E, U+2066-U+2069). Valid
# printable UTF-8 may pass (the narration has an em dash). Prints what it found.
C1_OR_BIDI=$'\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]'
raw_found() {
    local n
    n=$(LC_ALL=C tr -d '\t\n\040-\176\200-\377' <"$1" | wc -c)
    [ "$n" -eq 0 ] || echo "$n control bytes"
    iconv -f UTF-8 -t UTF-8 <"$1" >/dev/null 2>&1 || echo "invalid UTF-8"
    ! LC_ALL=C grep -aqE "$C1_OR_BIDI" "$1" || echo "a C1 or bidi control"
}

# assert_clean NAME: stdout and stderr of the last run hold no raw byte.
assert_clean() {
    local f found bad=
    for f in "$OUT_FILE" "$ERR_FILE"; do
        found=$(raw_found "$f")
        [ -z "$found" ] || bad+="$(basename "$f"): $found: $(od -An -c "$f" | head -c 600) "
    done
    if [ -z "$bad" ]; then
        nb_pass "$1: nothing raw on stdout or stderr"
    else
        nb_fail "$1: nothing raw on stdout or stderr" "$bad"
    fi
}

# A closed loopback port: a forgotten -s fails fast, and on loopback.
DEAD=$(free_port)
printf 'nameserver 127.0.0.1#%s\noptions timeout:1 attempts:1\n' "$DEAD" >"$W/resolv.conf"
export NB_RESOLV_CONF=$W/resolv.conf
{
    printf '127.0.0.1 localhost\n'
    printf '10.9.8.7 a\xc2\x9bb c\xe2\x80\xaed e\x9bf\n'
    printf '10.9.8.6 g\xe2\x81\xa6h \x1b[31m\n'
    printf '10.9.8.5 n\x00ul\x07bel\x7fdel\n'
    printf '10.9.8.4 in\xffvalid x\r\n'
} >"$W/hosts"
export NB_HOSTS=$W/hosts

# nb ARGS...: the binary under test, never longer than 20 s.
nb() { timeout -k 2 20 "$NB" "$@"; }

section "argv and option values: every class through every command"
# @ in a row is replaced by the hostile text; each row runs with stdin closed.
ARGV_ROWS=(
    "octets @" "octets --json @" "octets -x @" "octets @/24" "octets 1.2.3.4/@"
    "octets --quiz --seed @" "octets --quiz --count @" "octets --color @ 1.2.3.4" "octets --@"
    "checksock @" "checksock 1.2.3.4:@" "checksock [::1%@]:80" "checksock --json @"
    "checksock --lenient @" "checksock --lenient 1.2.3.4:@" "checksock -x @"
    "checksock -c -w @ 1.2.3.4:80" "checksock --color @ 1.2.3.4:80"
    "resolve @" "resolve -x @" "resolve --short @" "resolve --json @" "resolve -s @ x.test"
    "resolve -s 127.0.0.1:@ x.test" "resolve -t @ x.test" "resolve --timeout @ x.test"
    "resolve --retries @ x.test" "resolve --hosts $W/no@ localhost" "resolve --resolv-conf $W/no@ x.test"
    "send @ 80" "send 127.0.0.1 @" "send 127.0.0.1:@" "send -w @ 127.0.0.1 $DEAD"
    "send -x 127.0.0.1 $DEAD @"
    "listen @" "listen 127.0.0.1:@" "listen --idle-timeout @ 127.0.0.1:0"
    "fetch @" "fetch http://@/" "fetch http://127.0.0.1:$DEAD/@" "fetch --timeout @ http://127.0.0.1:$DEAD/"
    "fetch -H @ http://127.0.0.1:$DEAD/" "fetch -o $W/@ http://127.0.0.1:$DEAD/"
    "ports @" "ports -@" "ports --@" "tour @" "@" "help @"
)
for row in "${ARGV_ROWS[@]}"; do
    for v in "${VECTORS[@]}"; do
        vname=${v%%|*}
        text=${v#*|}
        read -r -a words <<<"$row"
        args=()
        for w in "${words[@]}"; do
            args+=("${w//@/$text}")
        done
        run nb "${args[@]}" </dev/null
        assert_clean "$row ($vname)"
    done
done

section "standard input: every class, with NUL, through every line reader"
# Each class on its own line, then all of them in one line with a NUL.
{
    for v in "${VECTORS[@]}"; do printf '%s\n' "${v#*|}"; done
    printf '1.2.3.4:\x1b[31m80\x00x\n'
    printf ' %s \r\n' "$ALL"
} >"$W/stdin.txt"
STDIN_ROWS=(
    "octets" "octets --json" "octets -x" "octets --quiz --seed 1 --count 20"
    "checksock" "checksock --json" "checksock --lenient" "checksock -x" "checksock --ask"
    "checksock --ask --lenient" "checksock --lenient --filter"
    "resolve --dns-only -s 127.0.0.1:$DEAD --timeout 1" "resolve -x -s 127.0.0.1:$DEAD --timeout 1"
    "resolve --short" "resolve --json"
)
for row in "${STDIN_ROWS[@]}"; do
    read -r -a args <<<"$row"
    run nb "${args[@]}" <"$W/stdin.txt"
    assert_clean "stdin: $row"
done
run nb checksock <"$W/stdin.txt"
assert_status "stdin: checksock refuses them all" 1
assert_match "stdin: checksock shows a refused line escaped" "$OUT" '^a\\x1b\[31mb is not valid'

section "files: a hosts file and a resolv.conf with hostile names"
HOSTS_ROWS=(
    "10.9.8.7" "10.9.8.6" "10.9.8.5" "10.9.8.4" "--short 10.9.8.7" "--short 10.9.8.6"
    "--short 10.9.8.5" "--json 10.9.8.7" "-x 10.9.8.7" "-x --short 10.9.8.6"
    "-t PTR 7.8.9.10.in-addr.arpa"
)
for row in "${HOSTS_ROWS[@]}"; do
    read -r -a args <<<"$row"
    run nb resolve -s 127.0.0.1:"$DEAD" --timeout 1 "${args[@]}" </dev/null
    assert_clean "hosts file: resolve $row"
done
run nb resolve -s 127.0.0.1:"$DEAD" 10.9.8.7 </dev/null
assert_status "hosts file: the reverse view answers" 0
assert_contains "hosts file: the name is shown escaped" "$OUT" 'name = a\xc2\x9bb.'
run nb resolve -s 127.0.0.1:"$DEAD" --short 10.9.8.7 </dev/null
assert_eq "hosts file: --short shows U+009B escaped" 'a\xc2\x9bb.' "$OUT"
run nb resolve -s 127.0.0.1:"$DEAD" --short 10.9.8.6 </dev/null
assert_eq "hosts file: --short shows U+2066 escaped" 'g\xe2\x81\xa6h.' "$OUT"
# a hosts file and a resolv.conf whose path is hostile too
HPATH=$W/$'h\e[31m\xe2\x80\xae'
cp "$W/hosts" "$HPATH"
run env NB_HOSTS="$HPATH" "$NB" resolve -s 127.0.0.1:"$DEAD" 10.9.8.7 </dev/null
assert_clean "hosts file with a hostile path"
assert_contains "hosts file with a hostile path: named escaped" "$OUT" 'h\x1b[31m\xe2\x80\xae'
for v in "${VECTORS[@]}"; do
    printf 'nameserver 127.0.0.1#%s\nsearch %s.test\nnameserver %s\noptions %s\n' "$DEAD" \
        "${v#*|}" "${v#*|}" "${v#*|}" >"$W/bad.conf"
    run env NB_RESOLV_CONF="$W/bad.conf" "$NB" resolve -x --timeout 1 x </dev/null
    assert_clean "resolv.conf with hostile lines (${v%%|*})"
done

section "peers: a DNS server, a TCP server, a TCP client and an HTTP server"
start_peer dns "$PY" "$PEERS/dns_hostile.py" esc 40 60
if [ -n "$PEER_PORT" ]; then
    for row in "esc.test" "--short esc.test" "--json esc.test" "-t TXT esc.test" \
        "--short -t TXT esc.test" "-x esc.test" "-x -t TXT esc.test"; do
        read -r -a args <<<"$row"
        run nb resolve -s 127.0.0.1:"$PEER_PORT" --timeout 2 "${args[@]}" </dev/null
        assert_clean "DNS peer with ESC in names and TXT: resolve $row"
    done
    stop_pid "$PEER_PID"
fi

# A TCP server that sends every class, a NUL among them, and closes.
PAYLOAD_PY='b"\x1b]0;pwned\x07\x1b[31mred\x7f\x9b31m\xc2\x9b31m\xe2\x80\xae\xe2\x81\xa6\xff\xc3(\x00\r\n"'
SERVER_PY='import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
s.settimeout(20); c, _ = s.accept(); c.settimeout(20)
c.sendall('"$PAYLOAD_PY"'); c.shutdown(socket.SHUT_WR)
try:
    while c.recv(65536): pass
except OSError: pass'
start_peer tcp "$PY" -c "$SERVER_PY"
if [ -n "$PEER_PORT" ]; then
    run nb send --repr -x 127.0.0.1 "$PEER_PORT" "$ALL"
    assert_clean "TCP peer: send --repr -x"
    assert_contains "TCP peer: send --repr shows the bytes as Python's repr" "$OUT" \
        "Received: '\\x1b]0;pwned\\x07"
    wait_exit "$PEER_PID" 10
fi

# A client that sends every class, a NUL among them, as lines to listen.
"$NB" listen 127.0.0.1:0 </dev/null >"$W/listen.out" 2>"$W/listen.err" &
LPID=$!
track "$LPID"
poll_until 10 grep -sq 'Listening on' "$W/listen.out"
LPORT=$(sed -n 's/.*Listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/listen.out" | head -n 1)
if [ -n "$LPORT" ]; then
    "$PY" -c 'import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
c.sendall('"$PAYLOAD_PY"' + b"\xe2\x80\xaeline two\x1b[2J\n" + b"bye\n")
c.shutdown(socket.SHUT_WR)
while c.recv(65536): pass' "$LPORT" >/dev/null 2>&1
    wait_exit "$LPID" 10
    cp "$W/listen.out" "$OUT_FILE"
    cp "$W/listen.err" "$ERR_FILE"
    assert_clean "TCP client: listen's conversation and narration"
    assert_contains "TCP client: listen answered the lines, escaped" "$(cat "$OUT_FILE")" "I got \\xe2\\x80\\xaeline two\\x1b[2J"
else
    nb_fail "listen printed its port" "$(cat "$W/listen.err")"
    stop_pid "$LPID" KILL
fi

# An HTTP server whose status line, headers and redirect are hostile.
HTTP_PY='import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
s.settimeout(20)
mode = sys.argv[1]
for _ in range(int(sys.argv[2])):
    c, _ = s.accept(); c.settimeout(20)
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d: break
        head += d
    bad = b"\x1b[31m\x07\x7f\x9b\xc2\x9b\xe2\x80\xae\xe2\x81\xa6\xff"
    if mode == "reason":
        c.sendall(b"HTTP/1.1 404 Not " + bad + b"Found\r\nContent-Length: 0\r\nX-Evil: " + bad + b"\r\n\r\n")
    elif mode == "redirect":
        if b"GET /next" in head:
            c.sendall(b"HTTP/1.1 200 OK " + bad + b"\r\nContent-Length: 3\r\n\r\nok\n")
        else:
            c.sendall(b"HTTP/1.1 302 Found " + bad + b"\r\nLocation: /next" + bad + b"\r\nContent-Length: 0\r\n\r\n")
    c.close()'
start_peer http "$PY" -c "$HTTP_PY" reason 3
if [ -n "$PEER_PORT" ]; then
    run nb fetch -x -o "$W/out.html" "http://127.0.0.1:$PEER_PORT/"
    assert_clean "HTTP peer: a hostile reason phrase and header"
    run nb fetch --json -o "$W/out2.html" "http://127.0.0.1:$PEER_PORT/"
    assert_clean "HTTP peer: a hostile reason phrase, --json"
    stop_pid "$PEER_PID"
fi
start_peer http2 "$PY" -c "$HTTP_PY" redirect 2
if [ -n "$PEER_PORT" ]; then
    run nb fetch -x -o "$W/"$'s\e[31m\xe2\x80\xaeaved' "http://127.0.0.1:$PEER_PORT/"
    assert_clean "HTTP peer: a hostile Location, saved under a hostile name"
    stop_pid "$PEER_PID"
fi

section "the data channel is data: send's stdout carries the peer's bytes exactly"
start_peer tcp2 "$PY" -c "$SERVER_PY"
if [ -n "$PEER_PORT" ]; then
    nb send -q 127.0.0.1 "$PEER_PORT" hi >"$W/data.out" 2>"$W/data.err"
    assert_eq "send: stdout is the peer's bytes, unchanged" \
        "$("$PY" -c 'import sys; sys.stdout.write('"$PAYLOAD_PY"'.hex())')" \
        "$(od -An -v -tx1 "$W/data.out" | tr -d ' \n')"
    assert_eq "send -q: nothing on stderr" "" "$(cat "$W/data.err")"
    wait_exit "$PEER_PID" 10
fi

finish
