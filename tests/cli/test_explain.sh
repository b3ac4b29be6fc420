#!/usr/bin/env bash
# test_explain.sh - -x/--explain from the outside: the narration of listen,
# send, resolve and fetch checked call by call, in order, against real peers
# on loopback (netbasics' own client and server, python, a dnsmasq started
# here, an nginx started here and `listen --raw` with a canned chunked
# reply); and one format across commands: every narration line on stderr
# starts with "* ", a socket call reads "NAME(ARGS) [= RESULT] — words" the
# same way in every command, -x adds narration lines and nothing else, and
# stdout is byte-identical with and without -x.
#
# Loopback only; no DNS but the dnsmasq started here (every resolve names it
# with -s or --resolv-conf; NB_RESOLV_CONF points at a dead loopback port as
# a safety net); kernel-picked ports; every wait bounded; every netbasics call
# under `timeout`; background processes stopped by their PIDs.
# Usage: test_explain.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
SRC=${NB_TEST_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/..
TAB=$'\t'
T_START=$(date +%s)
W=$NB_TMP/w
mkdir -p "$W"
printf 'nameserver 127.0.0.1#1\noptions timeout:1 attempts:1\n' >"$W/safe.conf"
export NB_RESOLV_CONF=$W/safe.conf
printf '127.0.0.1 localhost\n' >"$W/hosts"
export NB_HOSTS=$W/hosts

# --- processes in the background, waits with a limit ----------------------

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"

# fdnorm TEXT: the file descriptors of the narrated calls as FD (a test may
# inherit open descriptors, so the first socket is not always 3):
# "* bind(3, ..." -> "* bind(FD, ...", "= 3 — " -> "= FD — ", "= 4 from" -> "= FD from".
fdnorm() {
    printf '%s\n' "$1" | sed -E 's/^( *\* [a-z_]+)\([0-9]+([,)])/\1(FD\2/; s/^( *\* [a-z_]+\(.*\)) = [0-9]+ (— |from )/\1 = FD \2/'
}

# in_order NAME TEXT NEEDLE...: each NEEDLE is in TEXT after the previous one.
in_order() {
    local name=$1 text=$2 needle rest missing=
    shift 2
    text=$(fdnorm "$text")
    rest=$text
    for needle in "$@"; do
        if [[ "$rest" == *"$needle"* ]]; then
            rest=${rest#*"$needle"}
        else
            missing=$needle
            break
        fi
    done
    if [ -z "$missing" ]; then
        nb_pass "$name"
    else
        nb_fail "$name" "missing (or out of order): $(nb_show "$missing")" "in: $(nb_show "$text")"
    fi
}

# The narration lines and the others.
narration() { printf '%s\n' "$1" | grep '^\* '; }
others() { printf '%s\n' "$1" | grep -v '^\* ' | grep -v '^$'; }
# digits and hex ids vary between two runs (ports, ids, times)
norm() { printf '%s\n' "$1" | sed -E 's/[0-9]+(\.[0-9]+)?/N/g'; }

# same_but_narration NAME ERR_WITHOUT ERR_WITH: -x added "* " lines only: the
# other lines of ERR_WITH are ERR_WITHOUT's (numbers set apart).
same_but_narration() {
    assert_eq "$1: -x adds only '* ' lines to stderr" "$(norm "$(others "$2")")" "$(norm "$(others "$3")")"
}

# The socket call lines of a narration must read "* NAME(ARGS)[ = R] — words".
ALL_CALLS=
check_call_format() { # NAME ERR
    local bad
    bad=$(printf '%s\n' "$2" | grep -E '^\* (socket|bind|listen|accept|connect|shutdown|setsockopt|getsockname|send|recv|sendto|recvfrom)\(' |
        grep -vE '^\* [a-z]+\([^)]*\)( = [^—]+)? — [^ ].*$')
    assert_eq "$1: every socket call line is 'NAME(ARGS) [= RESULT] — words'" "" "$bad"
    ALL_CALLS+=$(printf '%s\n' "$2" | grep -E '^\* socket\(')$'\n'
}

# ==========================================================================
section "listen -x: socket, bind, listen, accept, in order"
listen_run() { # X ("-x" or ""): a lesson server, a python client saying hello and bye
    local x=$1 port pid
    : >"$W/l.out"
    timeout -k 2 30 "$NB" listen $x 127.0.0.1:0 </dev/null >"$W/l.out" 2>"$W/l.err" &
    pid=$!
    track "$pid"
    poll_until 10 grep -q 'Listening on 127\.0\.0\.1:[0-9]' "$W/l.out"
    port=$(sed -nE 's/.*Listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$W/l.out")
    "$PY" - "$port" >"$W/l.client" 2>&1 <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(10)
s.sendall(b"hello\nbye\n")
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
sys.stdout.write(data.decode())
EOF
    wait_exit "$pid" 10
    LSTATUS=$EXIT_STATUS
    LPORT=$port
}
listen_run -x
assert_eq "listen -x: exits 0 after 'bye'" 0 "$LSTATUS"
assert_eq "listen -x: the client got its answers" "You said hello
You said bye" "$(cat "$W/l.client")"
LERR=$(cat "$W/l.err")
LOUT=$(cat "$W/l.out")
in_order "listen -x: the calls in order" "$LERR" \
    "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
    "* setsockopt(FD, SO_REUSEADDR, 1) — " \
    "* bind(FD, 127.0.0.1:0) — own the IP and port" \
    "* getsockname(FD) = 127.0.0.1:$LPORT — the port the kernel picked" \
    "* listen(FD, 50) — start listening" \
    "* accept(FD) = FD from 127.0.0.1:" \
    "* close(FD)"
assert_match "listen -x: accept names the client" "$LERR" '^\* accept\([0-9]+\) = [0-9]+ from 127\.0\.0\.1:[0-9]+ — '
LFD=$(printf '%s\n' "$LERR" | sed -nE 's/^\* socket\(AF_INET, SOCK_STREAM\) = ([0-9]+) — .*/\1/p')
assert_eq "listen -x: setsockopt, bind, getsockname, listen and accept on the socket's fd ($LFD)" \
    "$LFD $LFD $LFD $LFD $LFD" \
    "$(printf '%s\n' "$LERR" | sed -nE 's/^\* (setsockopt|bind|getsockname|listen|accept)\(([0-9]+)[,)].*/\2/p' | xargs)"
CFD=$(printf '%s\n' "$LERR" | sed -nE 's/^\* accept\([0-9]+\) = ([0-9]+) from .*/\1/p')
assert_match "listen -x: the client's fd is closed" "$LERR" "^\\* close\\($CFD\\)"
check_call_format "listen -x" "$LERR"
assert_eq "listen -x: every stderr line a narration" "" "$(others "$LERR")"
listen_run ""
assert_eq "listen: exits 0" 0 "$LSTATUS"
same_but_narration "listen" "$(cat "$W/l.err")" "$LERR"
assert_eq "listen: stdout the same with and without -x (but ports)" \
    "$(sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:P/g' "$W/l.out")" \
    "$(printf '%s\n' "$LOUT" | sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:P/g')"

# ==========================================================================
section "send -x: socket, connect, shutdown, close, in order"
send_run() { # X: send hello and bye to a lesson server (netbasics listen, quiet)
    local x=$1 pid port
    : >"$W/s.srv" # never the last run's port
    timeout -k 2 30 "$NB" listen -q 127.0.0.1:0 </dev/null >"$W/s.srv" 2>&1 &
    pid=$!
    track "$pid"
    poll_until 10 grep -q 'Listening on 127\.0\.0\.1:[0-9]' "$W/s.srv"
    port=$(sed -nE 's/.*Listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$W/s.srv")
    run_in $'hello\nbye\n' timeout -k 2 30 "$NB" send $x 127.0.0.1 "$port"
    wait_exit "$pid" 10
    SPORT=$port
}
send_run -x
assert_status "send -x: exit 0" 0
SOUT=$OUT
SERR=$ERR
SOUT_BYTES=$(od -c "$OUT_FILE")
assert_eq "send -x: stdout is what the server said" "You said hello
You said bye" "$OUT"
in_order "send -x: the calls in order" "$ERR" \
    "* inet_pton(\"127.0.0.1\") = 127.0.0.1 — a numeric address, no DNS lookup needed" \
    "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
    "* connect(FD, 127.0.0.1:$SPORT) — call the server" \
    "* shutdown(FD, SHUT_WR) — tell the peer we are done sending (half-close)" \
    "* close(FD)"
SFD=$(printf '%s\n' "$ERR" | sed -nE 's/^\* socket\(AF_INET, SOCK_STREAM\) = ([0-9]+) — .*/\1/p')
assert_eq "send -x: connect, shutdown and close on the socket's fd ($SFD)" "$SFD $SFD $SFD" \
    "$(printf '%s\n' "$ERR" | sed -nE 's/^\* (connect|shutdown|close)\(([0-9]+)[,)].*/\2/p' | xargs)"
check_call_format "send -x" "$ERR"
send_run ""
assert_status "send: exit 0" 0
assert_eq "send: stdout byte-identical with and without -x" "$SOUT_BYTES" "$(od -c "$OUT_FILE")"
same_but_narration "send" "$ERR" "$SERR"
run timeout 10 "$NB" send --explain 127.0.0.1 "$SPORT" hello
assert_status "send --explain to a closed port: exit 4" 4
in_order "send --explain, refused: socket, then connect refused" "$ERR" \
    "* socket(AF_INET, SOCK_STREAM) = FD — " "* connect(FD, 127.0.0.1:$SPORT) = refused — "

# ==========================================================================
section "resolve -x against a dnsmasq on 127.0.0.1"
dnsmasq_ready() {
    timeout 5 "$NB" resolve --short -t A --timeout 1 --retries 1 -s "127.0.0.1:$1" target.nb.test 2>/dev/null |
        grep -qx 127.0.0.2 || pid_gone "$2"
}
if [ ! -x "$DNSMASQ" ]; then
    nb_fail "dnsmasq is installed (apt-get install dnsmasq-base)"
elif ! start_dnsmasq "$W" dnsmasq_ready --local=/nb.test/ --host-record=target.nb.test,127.0.0.2 \
    --cname=alias.nb.test,target.nb.test; then
    nb_fail "dnsmasq starts on a free port of 127.0.0.1" "$(cat "$W/dnsmasq.err" 2>/dev/null)"
fi
if [ -n "$DP" ]; then
    run timeout 30 "$NB" resolve -x -s "127.0.0.1:$DP" target.nb.test
    assert_status "resolve -x: found, exit 0" 0
    RERR=$ERR
    ROUT_BYTES=$(od -c "$OUT_FILE")
    assert_contains "resolve -x: the answer on stdout" "$OUT" "Address: 127.0.0.2"
    in_order "resolve -x: configuration, question, socket calls, the reply in words" "$ERR" \
        "* configuration: --server, first server 127.0.0.1#$DP" \
        "* asking for target.nb.test A" \
        "* the query (43 bytes, id 0x" \
        "*   the question: target.nb.test. A IN — " \
        "*   RD: recursion desired — " \
        "* socket(AF_INET, SOCK_DGRAM) = FD — a new UDP socket" \
        "* connect(FD, 127.0.0.1:$DP) — " \
        "* send(FD, 43 bytes) — " \
        "* recv(FD) = " \
        "* close(FD)" \
        "* the reply (59 bytes, id 0x" "as in the query): 1 answer, 0 authority, " \
        "*   rcode 0 (NOERROR) — the name exists and here is the answer" \
        "*   AA: authoritative — " \
        "*   answer: target.nb.test. has the IPv4 address 127.0.0.2 (caches may keep it 0 s)" \
        "* asking for target.nb.test AAAA"
    QID=$(printf '%s\n' "$ERR" | sed -nE 's/^\* the (query|reply) \([0-9]+ bytes, id (0x[0-9a-f]{4}).*/\2/p' | head -n 2)
    assert_eq "resolve -x: the reply carries the query's id" 1 "$(count_lines "$(printf '%s\n' "$QID" | sort -u)")"
    assert_eq "resolve -x: two ids told (query, reply)" 2 "$(count_lines "$QID")"
    assert_not_contains "resolve -x: no hex dump at level 1" "$ERR" "*     0000  "
    assert_not_contains "resolve -x: no byte offsets at level 1" "$ERR" "bytes 0-1"
    check_call_format "resolve -x" "$ERR"
    assert_eq "resolve -x: every stderr line a narration" "" "$(others "$ERR")"

    # -xx (or -x -x, or --explain --explain): the words and the annotated packets
    for xx in -xx "-x -x" "--explain --explain"; do
        run timeout 30 "$NB" resolve $xx -t A -s "127.0.0.1:$DP" target.nb.test
        assert_status "resolve $xx: exit 0" 0
        in_order "resolve $xx: the words, then the annotated hex, of the query and of the reply" "$ERR" \
            "* asking for target.nb.test A" \
            "* the query (43 bytes, id 0x" \
            "* the query, 43 bytes:" \
            "*     0000  " \
            "*   bytes 0-1   id 0x" \
            "*   bytes 2-3   flags 0x0100: QR=0 a query" \
            "*   bytes 4-11  counts: 1 question, 0 answer" \
            "*   bytes 12-31 question: target.nb.test. A IN" \
            "* socket(AF_INET, SOCK_DGRAM) = FD — a new UDP socket" \
            "* send(FD, 43 bytes) — " \
            "* close(FD)" \
            "* the reply (59 bytes, id 0x" \
            "*   answer: target.nb.test. has the IPv4 address 127.0.0.2" \
            "* the reply, 59 bytes:" \
            "*   bytes 0-1   id 0x" \
            "*   bytes 2-3   flags 0x8" \
            "rcode 0 (NOERROR)" \
            "answer: target.nb.test. " \
            "A 127.0.0.2"
    done
    QID=$(printf '%s\n' "$ERR" | sed -nE 's/^\*   bytes 0-1   id (0x[0-9a-f]{4}).*/\1/p' | head -n 2 | sort -u)
    assert_eq "resolve -xx: the reply carries the query's id" 1 "$(count_lines "$QID")"
    assert_match "resolve -xx: the id line says why" "$ERR" '^\*   bytes 0-1   id 0x[0-9a-f]{4}: the reply must carry the same number$'
    assert_match "resolve -xx: hex rows of 16 bytes at most, with offsets" "$ERR" '^\*     0000  ([0-9a-f]{2} ){11}[0-9a-f]{2}$'
    check_call_format "resolve -xx" "$ERR"
    assert_eq "resolve -xx: every stderr line a narration" "" "$(others "$ERR")"
    assert_true "resolve -xx: more narration than -x" test "$(count_lines "$ERR")" -gt "$(count_lines "$RERR")"
    run timeout 30 "$NB" resolve -xxx -t A -s "127.0.0.1:$DP" target.nb.test
    assert_status "resolve -xxx: as -xx (two levels), exit 0" 0
    assert_contains "resolve -xxx: the hex too" "$ERR" "*     0000  "

    # a name behind a CNAME: each hop of the chain, in words
    run timeout 30 "$NB" resolve -x -t A -s "127.0.0.1:$DP" alias.nb.test
    assert_status "resolve -x alias: exit 0" 0
    in_order "resolve -x alias: the CNAME hop and where the chain ends" "$ERR" \
        "*   answer: alias.nb.test. is another name (CNAME) for target.nb.test." \
        "*   answer: target.nb.test. has the IPv4 address 127.0.0.2" \
        "*   hop 1 of the chain: alias.nb.test. is an alias; the answer goes on under target.nb.test." \
        "*   the chain ends at target.nb.test., with 1 record of the type asked for"
    run timeout 30 "$NB" resolve -s "127.0.0.1:$DP" target.nb.test
    assert_status "resolve: exit 0" 0
    assert_eq "resolve: stdout byte-identical with and without -x" "$ROUT_BYTES" "$(od -c "$OUT_FILE")"
    same_but_narration "resolve" "$ERR" "$RERR"

    printf 'nameserver 127.0.0.1#%s\noptions timeout:2 attempts:1\n' "$DP" >"$W/dnsmasq.conf"
    run timeout 30 "$NB" resolve --explain --resolv-conf "$W/dnsmasq.conf" -t A target.nb.test
    assert_status "resolve --explain --resolv-conf: exit 0" 0
    assert_match "resolve --explain: the configuration line names the file" "$ERR" \
        "^\\* configuration: $W/dnsmasq\\.conf, first server 127\\.0\\.0\\.1#$DP, timeout 2000 ms, 1 rounds"

    run timeout 30 "$NB" resolve -x -s "127.0.0.1:$DP" -t A nosuch.nb.test
    assert_status "resolve -x nosuch: NXDOMAIN, exit 1" 1
    in_order "resolve -x nosuch: the reply says NXDOMAIN" "$ERR" "* asking for nosuch.nb.test A" \
        "* recv(FD) = " "* the reply (" "*   rcode 3 (NXDOMAIN) — no such name: it does not exist" \
        "netbasics resolve: nosuch.nb.test: not found"

    run timeout 30 "$NB" resolve -x --tcp -s "127.0.0.1:$DP" -t A target.nb.test
    assert_status "resolve -x --tcp: exit 0" 0
    in_order "resolve -x --tcp: socket, connect, send with its length, read, close" "$ERR" \
        "* asking for target.nb.test A" \
        "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
        "* connect(FD, 127.0.0.1:$DP) — " \
        "* send(FD, 2-byte length 43 + the query) — " \
        "* recv(FD" \
        "* close(FD)" \
        "* the reply (59 bytes, "
    check_call_format "resolve -x --tcp" "$ERR"
fi

# ==========================================================================
section "fetch -x against listen --raw with a canned chunked reply"
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n7\r\n, world\r\na\r\n from raw\n\r\n0\r\n\r\n' \
    >"$W/chunked.http"
raw_fetch() { # X OUTPUT: serve chunked.http once with listen --raw, fetch it
    local x=$1 pid port
    : >"$W/raw.err"
    timeout -k 2 30 "$NB" listen --raw 127.0.0.1:0 <"$W/chunked.http" >"$W/raw.out" 2>"$W/raw.err" &
    pid=$!
    track "$pid"
    poll_until 10 grep -q 'Listening on 127\.0\.0\.1:[0-9]' "$W/raw.err"
    port=$(sed -nE 's/.*Listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$W/raw.err")
    run timeout -k 2 30 "$NB" fetch $x -o "$2" "http://127.0.0.1:$port/"
    wait_exit "$pid" 10
    RAWPORT=$port
}
raw_fetch -x -
assert_status "fetch -x (raw): exit 0" 0
FOUT_BYTES=$(od -c "$OUT_FILE")
assert_eq "fetch -x -o -: the body put together from its chunks" "hello, world from raw" "$OUT"
FERR=$ERR
in_order "fetch -x (raw): connect, request, response, chunk sizes, in order" "$ERR" \
    "* inet_pton(\"127.0.0.1\") = 127.0.0.1 — " \
    "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
    "* connect(FD, 127.0.0.1:$RAWPORT) — call the server" \
    "* > GET / HTTP/1.1" \
    "* > Host: 127.0.0.1:$RAWPORT" \
    "* > (an empty line ends the request)" \
    "* < HTTP/1.1 200 OK — the status line: success" \
    "* < Transfer-Encoding: chunked" \
    "* chunk 1: 5 bytes — " \
    "* chunk 2: 7 bytes — " \
    "* chunk 3: 10 bytes — " \
    "* chunk 4: 0 bytes — the last chunk" \
    "* close(FD)"
assert_eq "fetch -x (raw): four chunks, no more" 4 "$(printf '%s\n' "$ERR" | grep -c '^\* chunk [0-9]')"
check_call_format "fetch -x" "$ERR"
assert_not_contains "fetch -x: no raw head at level 1" "$ERR" "* the request as sent"
raw_fetch -xx -
assert_status "fetch -xx (raw): exit 0" 0
in_order "fetch -xx (raw): the request and the response heads byte for byte, then in words" "$ERR" \
    "* connect(FD, 127.0.0.1:$RAWPORT) — call the server" \
    "* the request as sent, " \
    "*   > GET / HTTP/1.1\\r\\n" \
    "*   > Host: 127.0.0.1:$RAWPORT\\r\\n" \
    "*   > \\r\\n" \
    "* > GET / HTTP/1.1" \
    "* the response head as it came, each line ending in \\r\\n:" \
    "*   < HTTP/1.1 200 OK\\r\\n" \
    "*   < Transfer-Encoding: chunked\\r\\n" \
    "*   < Connection: close\\r\\n" \
    "*   < \\r\\n" \
    "* < HTTP/1.1 200 OK — the status line: success" \
    "* chunk 1: 5 bytes — " \
    "* close(FD)"
assert_not_contains "fetch -xx: the body is not part of the head" "$ERR" "*   < 5\\r\\n"
check_call_format "fetch -xx" "$ERR"
raw_fetch "" -
assert_status "fetch (raw): exit 0" 0
assert_eq "fetch -o -: stdout byte-identical with and without -x" "$FOUT_BYTES" "$(od -c "$OUT_FILE")"
same_but_narration "fetch -o -" "$ERR" "$FERR"
raw_fetch -x "$W/saved.txt"
assert_status "fetch -x -o FILE: exit 0" 0
assert_eq "fetch -x -o FILE: the file" "hello, world from raw" "$(cat "$W/saved.txt" 2>/dev/null)"
in_order "fetch -x -o FILE: the narration, then the summary" "$ERR" "* chunk 4: 0 bytes" "* close(FD)" \
    "Saved $W/saved.txt: 22 B" "file://$W/saved.txt"
FERR2=$ERR
rm -f "$W/saved.txt"
raw_fetch "" "$W/saved.txt"
same_but_narration "fetch -o FILE" "$ERR" "$FERR2"

# ==========================================================================
section "fetch -x against nginx: a chunked (SSI) page and a plain file"
NGX=$NB_TMP/nginx
WWW=$NGX/www
mkdir -p "$WWW/ssi"
printf '<html><body>home</body></html>\n' >"$WWW/index.html"
head -c 100000 /dev/urandom | base64 >"$WWW/ssi/part.txt"
printf '<html><!--# set var="who" value="explained" --><!--# echo var="who" -->\n<!--# include file="part.txt" -->\n</html>\n' \
    >"$WWW/ssi/page.html"
if ! command -v nginx >/dev/null 2>&1; then
    echo "# skipped: nginx is not installed"
elif ! start_nginx "$NGX" "$WWW" 'location /ssi/ { ssi on; }'; then
    nb_fail "nginx starts on a free port" "$(tail -n 5 "$NGX/error.log" 2>/dev/null)"
else
    run timeout 30 "$NB" fetch -x -o - "http://127.0.0.1:$NP/ssi/page.html"
    assert_status "nginx SSI -x: exit 0" 0
    NOUT_BYTES=$(od -c "$OUT_FILE" | md5sum)
    { printf '<html>explained\n'; cat "$WWW/ssi/part.txt"; printf '\n</html>\n'; } >"$W/ssi.expected"
    assert_true "nginx SSI -x: the body, put together" cmp -s "$W/ssi.expected" "$OUT_FILE"
    in_order "nginx SSI -x: connect, request, response, chunks, close" "$ERR" \
        "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
        "* connect(FD, 127.0.0.1:$NP) — call the server" \
        "* > GET /ssi/page.html HTTP/1.1" \
        "* > Host: 127.0.0.1:$NP" \
        "* > (an empty line ends the request)" \
        "* < HTTP/1.1 200 OK — " \
        "* < Server: nginx" \
        "* < Transfer-Encoding: chunked" \
        "* chunk 1: " \
        "* chunk 2: " \
        " bytes — the last chunk" \
        "* close(FD)"
    # the chunks nginx really sent, read by python from the raw reply
    REAL=$("$PY" - "$NP" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(10)
s.sendall(b"GET /ssi/page.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    data += d
body = data.split(b"\r\n\r\n", 1)[1]
while True:
    line, body = body.split(b"\r\n", 1)
    n = int(line.split(b";")[0], 16)
    print(n)
    body = body[n + 2:]
    if n == 0:
        break
EOF
)
    NREAL=$(count_lines "$REAL")
    NARR=$(printf '%s\n' "$ERR" | sed -nE 's/^\* chunk ([0-9]+): ([0-9]+) bytes.*/\1 \2/p')
    assert_eq "nginx SSI -x: the chunk sizes as sent, numbered (the first five, then the last)" \
        "$( (printf '%s\n' "$REAL" | head -n $((NREAL - 1)) | head -n 5 | nl -ba -w1 -s' '; echo "$NREAL 0") )" \
        "$NARR"
    assert_true "nginx SSI -x: several chunks" test "$NREAL" -ge 3
    NERR=$ERR
    run timeout 30 "$NB" fetch -o - "http://127.0.0.1:$NP/ssi/page.html"
    assert_status "nginx SSI: exit 0" 0
    assert_eq "nginx SSI: stdout byte-identical with and without -x" "$NOUT_BYTES" "$(od -c "$OUT_FILE" | md5sum)"
    same_but_narration "nginx SSI" "$ERR" "$NERR"

    run timeout 30 "$NB" fetch -x -o - "http://127.0.0.1:$NP/index.html"
    assert_status "nginx plain -x: exit 0" 0
    in_order "nginx plain -x: a length, no chunks" "$ERR" "* > GET /index.html HTTP/1.1" \
        "* < HTTP/1.1 200 OK" "* < Content-Length: 31" "* close(FD)"
    assert_not_contains "nginx plain -x: no chunk lines" "$ERR" "* chunk"
    run timeout 30 "$NB" fetch -x -o - "http://127.0.0.1:$NP/nope"
    assert_status "nginx 404 -x: exit 1" 1
    assert_match "nginx 404 -x: the status line explained" "$ERR" '^\* < HTTP/1\.1 404 Not Found — .'
fi

# ==========================================================================
section "-xx on listen and send: the bytes each send and recv carried"
listen_run -xx
assert_eq "listen -xx: exits 0 after 'bye'" 0 "$LSTATUS"
LERR2=$(cat "$W/l.err")
in_order "listen -xx: the client's words and the replies, byte for byte" "$LERR2" \
    "* accept(FD) = FD from 127.0.0.1:" \
    "* recv(FD) = 10 bytes — the client's first words" \
    "*   < hello\\n" \
    "*   < bye\\n" \
    "* send(FD, " "*   > You said hello\\n" \
    "* close(FD)"
check_call_format "listen -xx" "$LERR2"
assert_eq "listen -xx: every stderr line a narration" "" "$(others "$LERR2")"
assert_not_contains "listen -x: no bytes at level 1" "$LERR" "*   < hello"
# a line of 301 bytes (with a tab and an escape byte) is shown escaped, in
# pieces of 128 bytes, and cut at 256
LONG=$(printf 'x%.0s' $(seq 1 296))
port_pid=
: >"$W/lx.out"
timeout -k 2 30 "$NB" listen -q 127.0.0.1:0 </dev/null >"$W/lx.out" 2>&1 &
port_pid=$!
track "$port_pid"
poll_until 10 grep -q 'Listening on 127\.0\.0\.1:[0-9]' "$W/lx.out"
LXPORT=$(sed -nE 's/.*Listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$W/lx.out")
run_in "$(printf 'a\tb\033c')$LONG"$'\nbye\n' timeout -k 2 30 "$NB" send -xx 127.0.0.1 "$LXPORT"
wait_exit "$port_pid" 10
assert_status "send -xx: exit 0" 0
in_order "send -xx: what was sent and what came back, escaped" "$ERR" \
    "* send(FD, 306 bytes) — the first bytes go to the peer" \
    "*   > a\\tb\\x1bc${LONG:0:123}"$'\n' \
    "*   > ${LONG:0:128}"$'\n' \
    "*   > ... and 50 more bytes, not shown" \
    "* shutdown(FD, SHUT_WR) — " \
    "* recv(FD) = " "*   < You said a\\tb\\x1bc" \
    "* close(FD)"
assert_eq "send -xx: no raw escape byte on stderr" 0 "$(printf '%s' "$ERR" | LC_ALL=C grep -c $'\033')"
check_call_format "send -xx" "$ERR"

# ==========================================================================
section "one format across commands"
run timeout 10 "$NB" octets -x 185.172.165.184
assert_status "octets -x: exit 0" 0
OXOUT=$(od -c "$OUT_FILE")
assert_eq "octets -x: every stderr line a narration" "" "$(others "$ERR")"
assert_match "octets -x: the conversion" "$ERR" '^\* octet 1: 185 to binary'
run timeout 10 "$NB" octets 185.172.165.184
assert_eq "octets: stdout byte-identical with and without -x" "$OXOUT" "$(od -c "$OUT_FILE")"

CLOSED=$(free_port)
run timeout 10 "$NB" checksock -x --connect "127.0.0.1:$CLOSED" 256.0.0.1:80
assert_status "checksock -x --connect: exit 1 (closed, invalid)" 1
CXOUT=$(od -c "$OUT_FILE")
in_order "checksock -x --connect: socket, connect refused, close" "$ERR" \
    "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
    "* connect(FD, 127.0.0.1:$CLOSED) = refused — " "* close(FD)"
check_call_format "checksock -x" "$ERR"
assert_eq "checksock -x: every stderr line a narration" "" "$(others "$ERR")"
run timeout 10 "$NB" checksock --connect "127.0.0.1:$CLOSED" 256.0.0.1:80
assert_eq "checksock --connect: stdout byte-identical with and without -x" "$CXOUT" "$(od -c "$OUT_FILE")"

run timeout 10 "$NB" ports -x -l
assert_eq "ports -x: every stderr line a narration" "" "$(others "$ERR")"
assert_match "ports -x: the ' — ' separator" "$ERR" '^\* read /proc/net/tcp — '

# the same call is told the same way by every command
assert_eq "socket(AF_INET, SOCK_STREAM) reads the same in listen, send, resolve --tcp, fetch, checksock" \
    "* socket(AF_INET, SOCK_STREAM) = FD — a new TCP socket" \
    "$(fdnorm "$ALL_CALLS" | grep 'SOCK_STREAM' | sort -u)"

for c in octets checksock listen send resolve fetch ports tour; do
    run timeout 10 "$NB" "$c" --help
    assert_match "$c --help lists -x, --explain" "$OUT" '^ +-x, --explain '
done

DOCS=$(cat "$SRC"/docs/*.md "$SRC"/docs/netbasics.1 2>/dev/null | sed 's/\\(em/—/g')
assert_contains "docs/: the narration format documented with a socket( example" "$DOCS" \
    "socket(AF_INET, SOCK_STREAM) = 3 — a new TCP socket"

echo "# test_explain.sh ran in $(($(date +%s) - T_START)) s"
finish
