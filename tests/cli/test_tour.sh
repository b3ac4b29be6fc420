#!/usr/bin/env bash
# test_tour.sh - `netbasics tour` from the outside: the whole lesson runs
# offline and exits 0; its output is checked step by step (header, the
# command a learner types, the lesson's words and Python, the key results,
# the step's verdict); each step alone (`tour N`) exits 0; --list, --dir,
# -x, usage errors; a step that goes wrong is reported (exit 1); and the tour
# cleans up after itself: its temporary directory (TMPDIR points at a fresh
# directory that must be empty afterwards) and its processes (each run is in
# a session of its own, which must be empty when the tour has exited).
#
# Loopback only: the tour runs its own name server on 127.0.0.1 and points
# NB_RESOLV_CONF at it; NB_RESOLV_CONF is set here too, to a dead loopback
# port, as a safety net, and NB_HOSTS to a hosts file written here.
# Usage: test_tour.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
ESC=$'\033'
TAB=$'\t'
T_START=$(date +%s)
W=$NB_TMP/w
mkdir -p "$W"

printf 'nameserver 127.0.0.1#1\noptions timeout:1 attempts:1\n' >"$W/safe.conf"
export NB_RESOLV_CONF=$W/safe.conf
printf '# hosts for test_tour.sh\n127.0.0.1 localhost\n' >"$W/hosts"
export NB_HOSTS=$W/hosts
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# the plain words a step ends with when its check passed (issue 12)
PASSED="   Check: passed, each command did what the lesson says."
HAVE_SETSID=0
setsid --help 2>&1 | grep -q -- '--wait' && HAVE_SETSID=1

# The processes of session SID still alive, "PID COMM" a line (none: nothing).
session_procs() {
    "$PY" - "$1" <<'EOF'
import os, sys
sid = int(sys.argv[1])
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % d) as f:
            stat = f.read()
    except OSError:
        continue
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    if int(fields[3]) == sid:      # state ppid pgrp session ...
        print(d, comm, fields[0])
EOF
}

# tour [ARGS...]: runs `netbasics tour ARGS` (120 s at most) in a fresh
# current directory CWD (CWD2 for the second run: the download's copy stays
# there), with TMPDIR a fresh empty directory TD, in a session of its own (SID), stdout and stderr
# apart (as lib.sh's run: OUT, ERR, STATUS); ALL_FILE/ALL is a second run's
# stdout and stderr together, in the order written, for the step-by-step
# checks. LEFT is what remained in TD after the first run, LEFT_PROCS the
# processes left in its session.
NTOUR=0
tour() {
    NTOUR=$((NTOUR + 1))
    TD=$NB_TMP/tmp$NTOUR
    CWD=$NB_TMP/cwd$NTOUR
    mkdir -p "$TD" "$CWD"
    cd "$CWD" || exit 1
    if [ "$HAVE_SETSID" = 1 ]; then
        TMPDIR=$TD setsid -w bash -c 'echo $$ >"$0"; exec "$@"' "$W/sid" \
            timeout -k 5 120 "$NB" tour "$@" </dev/null >"$OUT_FILE" 2>"$ERR_FILE"
        STATUS=$?
        SID=$(cat "$W/sid")
        # a process of the session still on its way out may take a moment: poll
        # for an empty session, up to 3 s (an empty session can grow no process)
        for _ in $(seq 60); do
            LEFT_PROCS=$(session_procs "$SID")
            [ -z "$LEFT_PROCS" ] && break
            sleep 0.05
        done
    else
        TMPDIR=$TD timeout -k 5 120 "$NB" tour "$@" </dev/null >"$OUT_FILE" 2>"$ERR_FILE"
        STATUS=$?
        LEFT_PROCS=
    fi
    OUT=$(cat "$OUT_FILE")
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer tour "$@"
    LEFT=$(cd "$TD" && LC_ALL=C ls -A)
    ALL_FILE=$NB_TMP/all$NTOUR
    TD2=$NB_TMP/tmp${NTOUR}b
    CWD2=$NB_TMP/cwd${NTOUR}b
    mkdir -p "$TD2" "$CWD2"
    cd "$CWD2" || exit 1
    TMPDIR=$TD2 timeout -k 5 120 "$NB" tour "$@" </dev/null >"$ALL_FILE" 2>&1
    ALL_STATUS=$?
    ALL=$(cat "$ALL_FILE")
    cd "$NB_TMP" || exit 1
}

# step N [TEXT]: the lines of step N of TEXT (default ALL), from its header
# to the next header or the closing words.
step() {
    printf '%s\n' "${2-$ALL}" | awk -v n="$1" '
        /^== Step [0-9]+ of [0-9]+:/ { on = ($3 == n) }
        /^(Your copy of the page|Stopped before|All done:)/ { on = 0 }
        on'
}

# fdnorm TEXT: the file descriptors of the narrated calls as FD (a test may
# inherit open descriptors, so the first socket is not always 3):
# "* bind(3, ..." -> "* bind(FD, ...", "= 3 — " -> "= FD — ", "= 4 from" -> "= FD from".
fdnorm() {
    printf '%s\n' "$1" | sed -E 's/^( *((server|client): )?\* [a-z_]+)\([0-9]+([,)])/\1(FD\4/; s/^( *((server|client): )?\* [a-z_]+\(.*\)) = [0-9]+ (— |from )/\1 = FD \4/'
}

# in_order NAME TEXT NEEDLE...: every NEEDLE is a substring of TEXT, each on a
# line after the previous one's.
in_order() {
    local name=$1 text=$2 needle rest ok=1 missing=
    shift 2
    text=$(fdnorm "$text")
    rest=$text
    for needle in "$@"; do
        if [[ "$rest" == *"$needle"* ]]; then
            rest=${rest#*"$needle"}
        else
            ok=0
            missing=$needle
            break
        fi
    done
    if [ $ok = 1 ]; then
        nb_pass "$name"
    else
        nb_fail "$name" "missing (or out of order): $(nb_show "$missing")" "in: $(nb_show "$text")"
    fi
}

no_leftovers() { # NAME
    assert_eq "$1: the temporary directory (TMPDIR) is left empty" "" "$LEFT"
    if [ "$HAVE_SETSID" = 1 ]; then
        assert_eq "$1: no process of its session is left running" "" "$LEFT_PROCS"
    fi
}

section "the whole tour"
tour
assert_status "tour: exits 0" 0
assert_eq "tour (stdout and stderr together): exits 0" 0 "$ALL_STATUS"
assert_eq "tour: eight step headers, in order" \
    "$(printf '== Step %d of 8\n' 1 2 3 4 5 6 7 8)" \
    "$(printf '%s\n' "$OUT" | grep -oE '^== Step [0-9]+ of [0-9]+')"
assert_eq "tour: eight 'lesson:' lines" 8 "$(printf '%s\n' "$OUT" | grep -c '^   lesson:  .')"
assert_eq "tour: eight 'python:' lines" 8 "$(printf '%s\n' "$OUT" | grep -c '^   python:  .')"
assert_eq "tour: every step ends 'Check: passed' (a plain word)" 8 "$(printf '%s\n' "$OUT" | grep -cxF "$PASSED")"
assert_not_contains "tour: no step went wrong" "$OUT" "went wrong"
assert_contains "tour: the closing line" "$OUT" "All done: every step went as the lesson says."
assert_match "tour: names its own name server on 127.0.0.1" "$OUT" \
    'own name server at 127\.0\.0\.1:[0-9]+ through NB_RESOLV_CONF'
assert_not_contains "tour: no 'netbasics tour:' error on stderr" "$ERR" "netbasics tour:"
assert_not_contains "tour: no raw ESC when stdout is not a terminal" "$OUT$ERR" "$ESC"
assert_not_contains "tour: no pause prompt when stdout is not a terminal" "$OUT" "[Enter:"
assert_not_contains "tour: no '(as the lesson says)' any more" "$OUT" "(as the lesson says)"
DNS_PORT=$(printf '%s\n' "$ALL" | sed -nE 's/.*own name server at 127\.0\.0\.1:([0-9]+).*/\1/p')
no_leftovers "tour"

section "step 1: names: the hosts file"
S=$(step 1)
assert_match "step 1: header" "$S" '^== Step 1 of 8: names: the hosts file$'
assert_match "step 1: the lesson's words" "$S" "^   lesson:  That URL isn't the real address"
assert_contains "step 1: the Python line" "$S" "   python:  socket.getaddrinfo('localhost', None)"
assert_contains "step 1: the command" "$S" "   \$ netbasics resolve localhost"
assert_contains "step 1: answered from the hosts file" "$S" "From the hosts file $W/hosts (no name server asked)"
assert_contains "step 1: Name: localhost" "$S" "Name:${TAB}localhost"
assert_contains "step 1: Address: 127.0.0.1" "$S" "Address: 127.0.0.1"
assert_contains "step 1: Python reads the hosts file first" "$S" "(getaddrinfo) reads the hosts file before asking DNS"
assert_eq "step 1: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 2: names: asking a name server"
S=$(step 2)
assert_match "step 2: header" "$S" '^== Step 2 of 8: names: asking a name server$'
assert_contains "step 2: the lesson's nslookup" "$S" "   lesson:  \$ nslookup"
assert_match "step 2: a python line" "$S" '^   python:  .'
assert_contains "step 2: the lesson's own example" "$S" "   \$ netbasics resolve gnomon.securitystandard.org"
assert_contains "step 2: marked as the tour's stand-in for the real name server" "$S" \
    "comes from the tour's own name server on 127.0.0.1, a STAND-IN"
assert_contains "step 2: the lesson's CNAME" "$S" \
    "gnomon.securitystandard.org${TAB}canonical name = hermes.securitystandard.org."
assert_contains "step 2: the lesson's address, of hermes" "$S" "Name:${TAB}hermes.securitystandard.org"
assert_contains "step 2: 185.172.165.184" "$S" "Address: 185.172.165.184"
in_order "step 2: the example first, then localhost" "$S" "STAND-IN" "canonical name = hermes" \
    "Address: 185.172.165.184" "another name (CNAME) for hermes" "resolve --dns-only localhost" "NXDOMAIN"
assert_contains "step 2: the command" "$S" "   \$ netbasics resolve --dns-only localhost"
assert_contains "step 2: the server, nslookup style" "$S" "Server:${TAB}${TAB}127.0.0.1"
assert_contains "step 2: the tour's own server and port" "$S" "Address:${TAB}127.0.0.1#$DNS_PORT"
assert_contains "step 2: NXDOMAIN from the tour's server" "$S" "localhost: not found: the server says NXDOMAIN"
assert_contains "step 2: why nslookup and Python disagree" "$S" "why nslookup and Python can disagree"
assert_eq "step 2: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 3: octets: the loopback address"
S=$(step 3)
assert_match "step 3: header" "$S" '^== Step 3 of 8: octets: the loopback address$'
assert_contains "step 3: the lesson's words" "$S" "   lesson:  Each of these numbers separated by dots is called an octet."
assert_contains "step 3: the Python line" "$S" "   python:  [format(int(o), '08b') for o in '127.0.0.1'.split('.')]"
assert_contains "step 3: the command" "$S" "   \$ netbasics octets 127.0.0.1"
assert_match "step 3: octet 1 is 127 = 01111111" "$S" '^ +1 +127 +01111111 +7f '
assert_match "step 3: octet 2 is 0" "$S" '^ +2 +0 +00000000 +00 '
assert_match "step 3: octet 4 is 1 = 00000001" "$S" '^ +4 +1 +00000001 +01 '
assert_contains "step 3: the binary form" "$S" "01111111.00000000.00000000.00000001"
assert_contains "step 3: the integer" "$S" "2130706433"
assert_match "step 3: loopback" "$S" 'kind +loopback'
assert_eq "step 3: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 4: octets: the lesson's address in binary, and the quiz"
S=$(step 4)
assert_match "step 4: header" "$S" "^== Step 4 of 8: octets: the lesson's address in binary$"
assert_contains "step 4: the lesson's words" "$S" "   lesson:  Here is how they look in binary."
assert_contains "step 4: the Python line" "$S" "   python:  [format(int(o), '08b') for o in '185.172.165.184'.split('.')]"
assert_contains "step 4: the command" "$S" "   \$ netbasics octets 185.172.165.184"
assert_match "step 4: 185 = 10111001" "$S" '^ +1 +185 +10111001 +b9 +128\+32\+16\+8\+1$'
assert_match "step 4: 172 = 10101100" "$S" '^ +2 +172 +10101100 +ac '
assert_match "step 4: 165 = 10100101" "$S" '^ +3 +165 +10100101 +a5 '
assert_match "step 4: 184 = 10111000" "$S" '^ +4 +184 +10111000 +b8 '
assert_contains "step 4: the binary form" "$S" "10111001.10101100.10100101.10111000"
assert_contains "step 4: the integer" "$S" "3115099576 = 0xb9aca5b8"
assert_contains "step 4: the quiz command" "$S" "   \$ echo 255 | netbasics octets --quiz --count 1"
assert_contains "step 4: the quiz question, answered 255" "$S" "What is the biggest number that fits in an octet? 255"
assert_contains "step 4: the answer is right" "$S" "Right!"
assert_contains "step 4: Score: 1 of 1" "$S" "Score: 1 of 1"
in_order "step 4: table, then quiz" "$S" "10111001" "Quiz yourself" "Score: 1 of 1" "$PASSED"
assert_eq "step 4: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 5: checking ip:port"
S=$(step 5)
assert_match "step 5: header" "$S" '^== Step 5 of 8: checking ip:port$'
assert_contains "step 5: the lesson's words" "$S" "   lesson:  Ask the user for an IP and port number."
assert_contains "step 5: the Python line" "$S" "   python:  isipandport('127.0.0.1:9087')"
assert_contains "step 5: the command" "$S" "   \$ netbasics checksock 127.0.0.1:9087 256.1.1.1:80 1.2.3.4:70000"
assert_contains "step 5: 127.0.0.1:9087 is valid" "$S" "127.0.0.1:9087 is valid: IPv4 loopback address"
assert_contains "step 5: 256.1.1.1:80 is not" "$S" "256.1.1.1:80 is not valid: octet 1 is 256"
assert_contains "step 5: 1.2.3.4:70000 is not" "$S" "1.2.3.4:70000 is not valid: port 70000 is out of range"
assert_contains "step 5: the lenient command" "$S" "   \$ netbasics checksock --lenient 127.1:9087"
assert_contains "step 5: inet_aton reads 127.1 as 127.0.0.1" "$S" \
    "127.1:9087 is accepted by the lesson's rules: inet_aton reads the IP as 127.0.0.1"
assert_eq "step 5: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 6: a server and a client"
S=$(step 6)
assert_match "step 6: header" "$S" '^== Step 6 of 8: a server and a client$'
assert_contains "step 6: the lesson's words" "$S" "   lesson:  Lets write a program to talk between computers."
assert_contains "step 6: the Python line" "$S" "   python:  server.bind(('0.0.0.0', 9087)); netcat('127.0.0.1', 9087, b'hello\\nbye\\n')"
assert_contains "step 6: the server command" "$S" "   \$ netbasics listen 127.0.0.1:0"
LPORT=$(printf '%s\n' "$S" | sed -nE 's/^   Listening on 127\.0\.0\.1:([0-9]+)$/\1/p')
assert_match "step 6: the server listens on a port the kernel picked" "$LPORT" '^[1-9][0-9]*$'
assert_contains "step 6: the client command, to that port" "$S" \
    "   \$ printf 'hello\\nbye\\n' | netbasics send 127.0.0.1 $LPORT"
assert_contains "step 6: You said hello" "$S" "You said hello"
assert_contains "step 6: You said bye" "$S" "You said bye"
in_order "step 6: the client's side in order" "$S" "You said hello" "You said bye"
in_order "step 6: the server's side in order" "$S" "   Starting server." "   Listening on 127.0.0.1:$LPORT" \
    "   Connected with 127.0.0.1:" "   I got hello" "   I got bye" "said bye" "   Stopping server." \
    "$PASSED"
assert_eq "step 6: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 7: ports, the lesson's netstat -an"
S=$(step 7)
assert_match "step 7: header" "$S" '^== Step 7 of 8: ports: the server seen by netstat -an$'
assert_contains "step 7: the lesson's netstat -an" "$S" "   lesson:  \$ netstat -an"
assert_contains "step 7: the server command" "$S" "   \$ netbasics listen 127.0.0.1:0"
PPORT=$(printf '%s\n' "$S" | sed -nE 's/^   Listening on 127\.0\.0\.1:([0-9]+)$/\1/p')
assert_match "step 7: a server on a port the kernel picked" "$PPORT" '^[1-9][0-9]*$'
assert_contains "step 7: the ports command, netstat's letters" "$S" "   \$ netbasics ports -an --port $PPORT"
assert_match "step 7: the server's socket LISTEN, held by netbasics (not 'exe')" "$S" \
    "^tcp +127\\.0\\.0\\.1:$PPORT +0\\.0\\.0\\.0:\\* +LISTEN +[0-9]+/netbasics\$"
assert_contains "step 7: a client says bye" "$S" "   \$ echo bye | netbasics send 127.0.0.1 $PPORT"
in_order "step 7: the table, then bye, then the server stops" "$S" "LISTEN" "You said bye" "   Stopping server."
assert_eq "step 7: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"

section "step 8: downloading a page"
S=$(step 8)
assert_match "step 8: header" "$S" '^== Step 8 of 8: downloading a page$'
assert_contains "step 8: the lesson's words" "$S" "   lesson:  Download the Python web page"
assert_contains "step 8: the Python line" "$S" "urllib.request.urlopen(url).read()"
assert_contains "step 8: the web server command" "$S" "   \$ netbasics listen --raw 127.0.0.1:0"
HPORT=$(printf '%s\n' "$S" | sed -nE 's/^   Listening on 127\.0\.0\.1:([0-9]+)$/\1/p')
assert_contains "step 8: the fetch command, from that server, into the current directory" "$S" \
    "   \$ netbasics fetch -o mycopy.html http://127.0.0.1:$HPORT/"
assert_contains "step 8: the server saw the request" "$S" "   GET / HTTP/1.1"
assert_contains "step 8: Saved mycopy.html" "$S" "Saved mycopy.html: 74 B"
assert_contains "step 8: HTTP 200" "$S" "HTTP 200 OK"
assert_contains "step 8: its file:// URL, in the current directory" "$S" "Open it in a browser: file://$CWD2/mycopy.html"
assert_contains "step 8: says the copy stays" "$S" "stays there after the tour"
assert_eq "step 8: ends as the lesson says" "$PASSED" "$(printf '%s\n' "$S" | tail -n 1)"
assert_contains "tour: says where the copy stays" "$ALL" "Your copy of the page stays in $CWD2/mycopy.html"
assert_eq "tour (second run): its temporary directory is gone too" "" "$(cd "$NB_TMP/tmp${NTOUR}b" && ls -A)"
for d in "$CWD" "$CWD2"; do
    assert_eq "tour: the copy stays in the current directory, the page the tour served" \
        '<!doctype html><title>netbasics tour</title><h1>Hello from 127.0.0.1</h1>' "$(cat "$d/mycopy.html" 2>/dev/null)"
    assert_eq "tour: nothing else is left in the current directory" "mycopy.html" "$(ls -A "$d")"
done

section "each step alone: 'tour N' runs only step N and exits 0"
for n in 1 2 3 4 5 6 7 8; do
    tour "$n"
    assert_status "tour $n: exits 0" 0
    assert_eq "tour $n: only its own header" "== Step $n of 8" \
        "$(printf '%s\n' "$OUT" | grep -oE '^== Step [0-9]+ of [0-9]+')"
    assert_eq "tour $n: one '(as the lesson says)'" 1 "$(printf '%s\n' "$OUT" | grep -cxF "$PASSED")"
    assert_contains "tour $n: all done" "$OUT" "All done: every step went as the lesson says."
    no_leftovers "tour $n"
done
tour 3
assert_contains "tour 3: the octets of 127.0.0.1" "$OUT" "01111111.00000000.00000000.00000001"
assert_not_contains "tour 3: no name lookups" "$OUT$ERR" "localhost"
assert_not_contains "tour 3: no download" "$OUT$ERR" "mycopy.html"

section "tour --list"
run timeout 10 "$NB" tour --list
assert_status "--list: exits 0" 0
assert_eq "--list: eight numbered steps" "1 2 3 4 5 6 7 8" "$(printf '%s\n' "$OUT" | awk '{print $1}' | xargs)"
assert_match "--list: step 1 names the hosts file" "$OUT" '^1 +names: the hosts file$'
assert_match "--list: step 7 is netstat -an" "$OUT" '^7 +ports: the server seen by netstat -an$'
assert_match "--list: step 8 is the download" "$OUT" '^8 +downloading a page$'
assert_not_contains "--list: runs nothing" "$OUT" "== Step"
run timeout 10 "$NB" tour -l
assert_status "-l: exits 0" 0
assert_eq "-l: eight lines" 8 "$(count_lines "$OUT")"

section "usage errors: exit 2, nothing run"
for args in "9" "0" "abc" "1 2" "--bogus" "-z"; do
    mkdir -p "$NB_TMP/usage"
    run env TMPDIR="$NB_TMP/usage" timeout 10 "$NB" tour $args
    assert_status "tour $args: exit 2" 2
    assert_eq "tour $args: nothing on stdout" "" "$OUT"
    assert_match "tour $args: one message on stderr" "$ERR" '^netbasics tour: '
    assert_eq "tour $args: no temporary directory made" "" "$(ls -A "$NB_TMP/usage")"
done
run timeout 10 "$NB" tour 9
assert_contains "tour 9: says the range" "$ERR" "1 to 8"
run timeout 10 "$NB" tour --help
assert_status "--help: exits 0" 0
for o in --list --dir --no-pause --color --explain STEP; do
    assert_contains "--help lists $o" "$OUT" "$o"
done

section "--dir DIR: the copy goes there, and stays"
mkdir -p "$NB_TMP/copies"
tour --dir "$NB_TMP/copies" 8
assert_status "--dir: exits 0" 0
assert_contains "--dir: the fetch command saves into DIR" "$OUT" "fetch -o $NB_TMP/copies/mycopy.html http://127.0.0.1:"
assert_contains "--dir: says where the copy stays" "$OUT" "Your copy of the page stays in $NB_TMP/copies/mycopy.html"
assert_eq "--dir: mycopy.html is the page the tour served" \
    '<!doctype html><title>netbasics tour</title><h1>Hello from 127.0.0.1</h1>' "$(cat "$NB_TMP/copies/mycopy.html" 2>/dev/null)"
assert_true "--dir: the page has its 74 bytes" test "$(wc -c <"$NB_TMP/copies/mycopy.html" 2>/dev/null)" = 74
assert_eq "--dir: nothing in the current directory" "" "$(ls -A "$CWD")"
no_leftovers "--dir"
mkdir -p "$NB_TMP/older"
echo 'an older copy' >"$NB_TMP/older/mycopy.html"
tour -d "$NB_TMP/older" 8
assert_status "-d over an older copy: exits 0" 0
assert_eq "-d: the older copy is kept: no file of the user's is lost" "an older copy" \
    "$(cat "$NB_TMP/older/mycopy.html" 2>/dev/null)"
assert_eq "-d: the new copy takes the next free name" \
    '<!doctype html><title>netbasics tour</title><h1>Hello from 127.0.0.1</h1>' "$(cat "$NB_TMP/older/mycopy-2.html" 2>/dev/null)"
assert_contains "-d: says where the new copy stays" "$OUT" "Your copy of the page stays in $NB_TMP/older/mycopy-2.html"
tour --dir "$NB_TMP/no/such/dir" 8
assert_status "--dir that does not exist: the step goes wrong, exit 1" 1
assert_contains "--dir that does not exist: fetch says why" "$ALL" "$NB_TMP/no/such/dir"
run timeout 10 "$NB" tour --color sometimes
assert_status "--color sometimes: usage error" 2
mkdir -p "$NB_TMP/colour"
(cd "$NB_TMP/colour" && timeout 60 "$NB" tour --color always 3 </dev/null >"$W/colour.out" 2>&1)
assert_contains "--color always: colour even into a file" "$(cat "$W/colour.out")" "${ESC}["

section "tour -x: every step narrates, on stderr"
tour -x
assert_status "-x: exits 0" 0
assert_eq "-x: every step as the lesson says" 8 "$(printf '%s\n' "$OUT" | grep -cxF "$PASSED")"
for call in 'socket(AF_INET, SOCK_STREAM) = ' 'socket(AF_INET, SOCK_DGRAM) = ' 'bind(' 'listen(' \
    'connect(' 'accept(' 'shutdown(' 'close('; do
    assert_match "-x: a '$call' line on stderr" "$ERR" "^(   (server|client): )?\\* ${call//(/\\(}"
done
assert_match "-x: the DNS query in words" "$ERR" '^\* the query \([0-9]+ bytes, id 0x[0-9a-f]{4}: '
assert_not_contains "-x: no annotated hex (that is -xx)" "$ERR" "bytes 0-1   id 0x"
assert_match "-x: the HTTP request" "$ERR" '^   client: \* > GET / HTTP/1\.1$'
assert_match "-x: the HTTP status line" "$ERR" '^   client: \* < HTTP/1\.1 200 OK'
assert_match "-x: the octets conversions" "$ERR" '^\* octet 1: 185 to binary'
assert_eq "-x: every stderr line a narration, but the commands' own messages" "" \
    "$(printf '%s\n' "$ERR" | grep -vE '^(   (server|client): )?\* ' | grep -vE '^(netbasics resolve: localhost: not found|Connected to 127\.0\.0\.1:|Saved |Open it in a browser: )')"
S=$(step 2)
in_order "-x step 2: the query, the socket calls, the reply, in order" "$S" "* asking for localhost A" \
    "* the query (" "* socket(AF_INET, SOCK_DGRAM)" "* connect(FD, 127.0.0.1:$(printf '%s\n' "$ALL" | sed -nE 's/.*own name server at 127\.0\.0\.1:([0-9]+).*/\1/p'))" \
    "* send(FD, " "* recv(FD) = " "* the reply" "rcode 3 (NXDOMAIN)"
S=$(step 6)
in_order "-x step 6: the server's calls in order" "$S" "* socket(AF_INET, SOCK_STREAM)" "* bind(FD, 127.0.0.1:0)" \
    "* listen(FD, " "Listening on"
assert_match "-x step 6: the server accepts, labelled server" "$S" '^   server: \* accept\([0-9]+\) = [0-9]+ from 127\.0\.0\.1:'
assert_match "-x step 6: the client connects, labelled client" "$S" '^   client: \* connect\([0-9]+, 127\.0\.0\.1:[0-9]+\)'
assert_match "-x step 6: the client half-closes, labelled client" "$S" '^   client: \* shutdown\([0-9]+, SHUT_WR\)'
assert_eq "-x step 6: every narration line is labelled server: or client:" "" \
    "$(printf '%s\n' "$S" | grep -E '^ *\* ')"
assert_eq "-x step 6: a close on each side, each labelled" "client server" \
    "$(printf '%s\n' "$S" | sed -nE 's/^   (server|client): \* close\([0-9]+\).*/\1/p' | sort -u | paste -sd' ')"
S=$(step 8)
in_order "-x step 8: the fetch narrates connect, request, response" "$S" "client: * connect(FD, 127.0.0.1:" \
    "client: * > GET / HTTP/1.1" "client: * < HTTP/1.1 200 OK" "Saved "
for n in 1 2 3 4 5 6 7 8; do
    assert_match "-x step $n: narrates something" "$(step $n)" '^ *((server|client): )?\* '
done
no_leftovers "tour -x"

# The stdout of each step's command is the same with -x: the narration is on
# stderr (the ports, the directory name and the web server's relayed output,
# which the tour prints indented, set apart).
norm() {
    printf '%s\n' "$1" | grep -vE '^   ((server|client): )?\* ' |
        sed -E 's/127\.0\.0\.1([:#])[0-9]+/127.0.0.1\1PORT/g; s/netbasics-tour-[A-Za-z0-9]{6}/netbasics-tour-X/g; s|'"$NB_TMP"'/(tmp\|cwd)[0-9]+b?|TMP|g; s/ send 127\.0\.0\.1 [0-9]+$/ send 127.0.0.1 PORT/; s/--port [0-9]+/--port PORT/; s/ [0-9]+\/netbasics$/ PID\/netbasics/'
}
XOUT=$OUT
tour
assert_eq "-x: stdout the same as without -x (but ports and names)" "$(norm "$OUT")" "$(norm "$XOUT")"
tour -xx 2
assert_status "-xx 2: exits 0" 0
in_order "-xx step 2: the query in words, then as annotated hex" "$ERR" "* asking for localhost A" \
    "* the query (" "* the query, " "*   bytes 0-1   id 0x" "* socket(AF_INET, SOCK_DGRAM)"
no_leftovers "tour -xx 2"

section "a step that goes wrong: exit 1, and the step says so"
# a hosts file without localhost: step 1 then asks DNS (the tour's own server),
# which says NXDOMAIN, and the hosts-file answer the step expects never comes
printf '# no localhost here\n192.0.2.1 other.nb.test\n' >"$W/hosts.nolocal"
NB_HOSTS=$W/hosts.nolocal tour 1
assert_status "no localhost in the hosts file: tour 1 exits 1" 1
assert_contains "the step says its check failed, in a plain word" "$OUT" "   Check: FAILED, a command did not do what the lesson says."
assert_not_contains "no 'All done'" "$OUT" "All done"
assert_contains "stderr names the step" "$ERR" "netbasics tour: step 1 did not go as the lesson says"
no_leftovers "a failed step"

echo "# test_tour.sh ran in $(($(date +%s) - T_START)) s"
finish
