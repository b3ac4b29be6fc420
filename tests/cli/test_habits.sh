#!/usr/bin/env bash
# test_habits.sh - what users of curl, wget and nc expect, from the outside:
# fetch on a terminal (under a pseudo-terminal of a set width: the progress
# line fits 40 and 120 columns and is erased; a binary body is refused before
# any byte reaches the terminal; text is escaped; --raw and pipes get the
# bytes), a URL without a scheme, and a service name where a port goes (a
# listener on the service's port, when this machine lets us bind it).
# Every server is on 127.0.0.1, on a port the kernel picked.
# Usage: test_habits.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
W=$NB_TMP/w
mkdir -p "$W"

# tty COLUMNS ARGS...: netbasics ARGS under a terminal COLUMNS wide, run in
# $W; every byte it wrote to the terminal is in $W/tty, the status in STATUS.
tty() {
    local cols=$1
    shift
    (cd "$W" && timeout -k 2 40 "$PY" "$PEERS/pty_run.py" "$cols" "$NB" "$@") >"$W/tty" 2>"$W/tty.err"
    STATUS=$?
    nb_check_sanitizer "$*" 2>/dev/null || true
}
# py EXPR: EXPR over b, the bytes of $W/tty (the terminal's output).
tty_py() { "$PY" -c "import sys; b = open(sys.argv[1], 'rb').read(); print($1)" "$W/tty"; }

# The progress line as drawn: each piece after a '\r' that ends with ESC [K
# (the erase after the text), without the erase; their widest, their count.
DRAWN='[p[:-3].decode() for p in b.split(b"\r") if p.endswith(b"\x1b[K") and len(p) > 3]'

start_peer body "$PY" "$PEERS/http_body.py" --conns 30 --time 120 || finish
P=$PEER_PORT
U=http://127.0.0.1:$P

# ==========================================================================
section "the progress line fits the terminal (pty, 40 and 120 columns)"
for cols in 40 120; do
    rm -f "$W/slow"
    tty "$cols" fetch "$U/slow"
    assert_status "$cols columns: saved, exit 0" 0
    N=$(tty_py "len($DRAWN)")
    assert_true "$cols columns: the line was drawn more than twice (got $N)" test "$N" -gt 2
    WIDEST=$(tty_py "max([len(x) for x in $DRAWN] or [0])")
    assert_true "$cols columns: every drawing is narrower than the terminal (widest $WIDEST)" \
        test "$WIDEST" -lt "$cols"
    assert_eq "$cols columns: erased once at the end, before the summary" 1 \
        "$(tty_py 'b.count(b"\r\x1b[KSaved slow: ")')"
    assert_eq "$cols columns: no line break inside the progress" 0 \
        "$(tty_py 'sum(1 for p in b.split(b"Saved")[0].split(b"\r") if b"\n" in p)')"
    assert_eq "$cols columns: the file is whole" 40000 "$(wc -c <"$W/slow")"
done
assert_match "120 columns: the whole form, with rate and ETA" "$(tty_py "$DRAWN[-1]")" \
    '^  [0-9.]+ KiB of 39\.1 KiB +[0-9]+%  [0-9.]+ (B|KiB)/s  ETA [0-9]+ s$'
tty 40 fetch -f "$U/slow"
assert_match "40 columns: sizes and percent, the ETA dropped" "$(tty_py "$DRAWN[-1]")" \
    '^  [0-9.]+ KiB of 39\.1 KiB +[0-9]+%'
assert_not_contains "40 columns: no ETA" "$(tty_py "$DRAWN")" "ETA"
tty 12 fetch -f "$U/slow"
assert_true "12 columns: still drawn, narrower than 12" \
    test "$(tty_py "max([len(x) for x in $DRAWN] or [99])")" -lt 12
COLUMNS=30 tty 0 fetch -f "$U/slow"
assert_true "a terminal that says 0 columns: COLUMNS=30 is the width" \
    test "$(tty_py "max([len(x) for x in $DRAWN] or [99])")" -lt 30
tty 120 fetch -q -f "$U/slow"
assert_eq "-q: no progress at all" 0 "$(tty_py "len($DRAWN)")"

# ==========================================================================
section "fetch -o - to a terminal: binary refused, text escaped, --raw"
tty 80 fetch -o - "$U/binary"
assert_status "binary to a terminal: exit 6" 6
assert_eq "binary to a terminal: one line, the reason and what to do" \
    "netbasics fetch: not writing binary content (a NUL byte) to a terminal: save it with -o FILE (or without -o), or add --raw to write it anyway" \
    "$(tty_py 'b.decode().rstrip("\r\n")')"
assert_eq "binary to a terminal: not one byte of the body" 0 \
    "$(tty_py 'sum(b.count(x) for x in (b"\0", b"PK\x03", b"\x04", b"\x7f"))')"
tty 80 fetch -i "$U/binary"
assert_status "-i, binary to a terminal: exit 6 too" 6
assert_contains "-i: the headers came, then the refusal" "$(tty_py 'b.decode()')" "Content-Length: 3000"
assert_eq "-i: no body byte" 0 "$(tty_py 'b.count(b"\0")')"
tty 80 fetch --raw -o - "$U/binary"
assert_status "--raw: the binary body written, exit 0" 0
assert_eq "--raw: its first bytes as they are" True "$(tty_py 'b"PK\x03\x04\x00" in b')"
EXPECT=$("$PY" -c 'import hashlib; print(hashlib.sha256(b"PK\x03\x04\x00" + bytes(range(256)) * 11 + b"\x00" * 179).hexdigest())')
assert_eq "to a pipe: the binary body exactly, not refused" "$EXPECT" \
    "$("$NB" fetch -o - "$U/binary" 2>/dev/null | sha256sum | cut -d' ' -f1)"

tty 80 fetch -o - "$U/text"
assert_status "text to a terminal: exit 0" 0
assert_eq "text to a terminal: no ESC or BEL byte reaches it" 0 "$(tty_py 'b.count(b"\x1b") + b.count(b"\x07")')"
assert_contains "text: ESC shown as \\x1b" "$(tty_py 'b.decode()')" 'red \x1b[31mRED\x1b[0m \x1b[2J\x1b]0;title\x07 café'
assert_contains "text: tab and line ends pass, é whole across two sends" "$(tty_py 'b.decode()')" \
    "line one	end"
assert_contains "text: the last line" "$(tty_py 'b.decode()')" "last line"
assert_eq "text to a pipe: the bytes exactly" "$("$PY" -c 'import sys; sys.stdout.buffer.write(b"line one\tend\r\nred \x1b[31mRED\x1b[0m \x1b[2J\x1b]0;title\x07 caf\xc3\xa9\r\nlast line\n")' | od -An -tx1)" \
    "$("$NB" fetch -o - "$U/text" 2>/dev/null | od -An -tx1)"

# ==========================================================================
section "a URL without a scheme is http://, as curl assumes"
rm -f "$W/x.txt"
cd "$W" || exit 2
run "$NB" fetch "127.0.0.1:$P/x.txt"
assert_status "127.0.0.1:PORT/x.txt: saved, exit 0" 0
assert_contains "said on stderr, one line" "$ERR" \
    "no scheme in '127.0.0.1:$P/x.txt': fetching http://127.0.0.1:$P/x.txt, as curl does"
assert_eq "the note is one line" 1 "$(grep -c 'no scheme' <<<"$ERR")"
assert_eq "the file" hello "$(cat "$W/x.txt")"
run "$NB" fetch -q -f "127.0.0.1:$P/x.txt"
assert_eq "-q: nothing said" "" "$ERR"
cd - >/dev/null || exit 2
run "$NB" fetch "ftp://127.0.0.1:$P/x"
assert_not_contains "a scheme we do not speak is not given http://" "$ERR" "no scheme"

stop_pid "$PEER_PID"

# ==========================================================================
section "a service name where a port goes (/etc/services, as nc reads it)"
# a TCP service above 1023 whose port this machine lets us have now
SVC=$("$PY" - <<'PYEOF'
import re, socket
try:
    lines = open("/etc/services").read().splitlines()
except OSError:
    lines = []
for line in lines:
    m = re.match(r"([A-Za-z][A-Za-z0-9-]*)\s+(\d+)/tcp", line)
    if not m or not 1024 <= int(m.group(2)) <= 49151:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", int(m.group(2))))
    except OSError:
        continue
    finally:
        s.close()
    print(m.group(1), m.group(2))
    break
PYEOF
)
if [ -z "$SVC" ]; then
    nb_fail "a TCP service above 1023 in /etc/services with a free port (install netbase)"
else
    read -r NAME NUM <<<"$SVC"
    echo "# service $NAME is port $NUM"
    "$NB" listen -k "127.0.0.1:$NAME" >"$W/listen.out" 2>"$W/listen.err" &
    LPID=$!
    track "$LPID"
    poll_until 10 grep -q "Listening on" "$W/listen.out"
    assert_contains "listen 127.0.0.1:$NAME: on port $NUM" "$(cat "$W/listen.out")" "Listening on 127.0.0.1:$NUM"
    run timeout 10 "$NB" send -q 127.0.0.1 "$NAME" hello
    assert_status "send 127.0.0.1 $NAME: exit 0" 0
    assert_eq "send 127.0.0.1 $NAME: the server's answer" "You said hello" "$OUT"
    run timeout 10 "$NB" send -q "127.0.0.1:$NAME" again
    assert_eq "send 127.0.0.1:$NAME: the same" "You said again" "$OUT"
    stop_pid "$LPID"
    untrack "$LPID"
fi

finish
