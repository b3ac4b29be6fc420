#!/usr/bin/env bash
# test_ports.sh - `netbasics ports` from the outside: against sockets this
# test opens itself with python3 (a TCP listener on 127.0.0.1, a connected
# pair on it, a pair closed before the call, a UDP socket bound and one
# connected, a listener on [::1] and one on an IPv4-mapped address when IPv6
# works), each looked for with its state, addresses and owner (the python
# PID and program name); the filters (-l, --port, --state, -t, -u, -4, -6),
# --json, -x; a fake /proc (--proc) for an exact, machine-independent view;
# and the errors (no /proc: exit 6; usage: exit 2).
#
# Loopback only, kernel-picked ports, every wait bounded, every netbasics
# call under `timeout`, the python process stopped by its PID.
# Usage: test_ports.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
ESC=$'\033'
T_START=$(date +%s)
W=$NB_TMP/w
mkdir -p "$W"
printf 'nameserver 127.0.0.1#1\noptions timeout:1 attempts:1\n' >"$W/safe.conf"
export NB_RESOLV_CONF=$W/safe.conf
unset NB_PROC

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"

ports() { timeout -k 2 30 "$NB" ports "$@"; }

# rows TEXT: the table without its header line.
rows() { printf '%s\n' "$1" | tail -n +2; }
# assert_rows_all NAME TEXT ERE: the table has rows, and every one matches ERE.
assert_rows_all() {
    local bad
    bad=$(rows "$2" | grep -vE -- "$3")
    if [ -n "$(rows "$2")" ] && [ -z "$bad" ]; then
        nb_pass "$1"
    else
        nb_fail "$1" "rows not matching $3:" "$(nb_show "$bad")" "table: $(nb_show "$2")"
    fi
}
assert_no_row() { # NAME TEXT ERE
    local hit
    hit=$(rows "$2" | grep -E -- "$3")
    if [ -z "$hit" ]; then nb_pass "$1"; else nb_fail "$1" "rows matching $3:" "$(nb_show "$hit")"; fi
}

# --- the sockets: opened by python, which then waits (2 minutes at most) ---

HAVE_V6=0
"$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null && HAVE_V6=1

cat >"$W/sockets.py" <<'EOF'
import os, socket, sys, time
info, v6 = sys.argv[1], sys.argv[2] == "1"
out = {"PID": os.getpid()}
lst = socket.socket(); lst.bind(("127.0.0.1", 0)); lst.listen(8)
out["LPORT"] = lst.getsockname()[1]
out["LINODE"] = os.fstat(lst.fileno()).st_ino
cli = socket.create_connection(("127.0.0.1", out["LPORT"]))
srv, _ = lst.accept()
out["CPORT"] = cli.getsockname()[1]
# a pair closed before the call: the side that closes first stays in TIME_WAIT
# for a while, owned by nobody
c2 = socket.create_connection(("127.0.0.1", out["LPORT"]))
s2, _ = lst.accept()
out["C2PORT"] = c2.getsockname()[1]
c2.close(); time.sleep(0.05); s2.close()
# a listener closed before the call: gone from the kernel's tables at once
gone = socket.socket(); gone.bind(("127.0.0.1", 0)); gone.listen(1)
out["XPORT"] = gone.getsockname()[1]; gone.close()
gu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); gu.bind(("127.0.0.1", 0))
out["XUPORT"] = gu.getsockname()[1]; gu.close()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
out["UPORT"] = udp.getsockname()[1]
ucon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); ucon.connect(("127.0.0.1", out["UPORT"]))
out["UCPORT"] = ucon.getsockname()[1]
keep = [lst, cli, srv, udp, ucon]
if v6:
    l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 0)); l6.listen(1)
    out["L6PORT"] = l6.getsockname()[1]
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::1", 0))
    out["U6PORT"] = u6.getsockname()[1]
    m = socket.socket(socket.AF_INET6)
    m.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    m.bind(("::ffff:127.0.0.1", 0)); m.listen(1)
    out["MPORT"] = m.getsockname()[1]
    keep += [l6, u6, m]
time.sleep(0.1)
with open(info + ".tmp", "w") as f:
    for k, v in out.items():
        f.write("%s=%s\n" % (k, v))
os.rename(info + ".tmp", info)
time.sleep(120)
EOF
"$PY" "$W/sockets.py" "$W/info" "$HAVE_V6" </dev/null >"$W/py.out" 2>"$W/py.err" &
PYPID=$!
BG_PIDS+=("$PYPID")
poll_until 10 test -s "$W/info"
if [ ! -s "$W/info" ]; then
    nb_fail "python opened its sockets" "$(cat "$W/py.err")"
    finish
fi
. "$W/info"
COMM=$(cat "/proc/$PID/comm")
OWNER="$PID/$COMM"
OWN_RE=$(printf '%s' "$OWNER" | sed 's/[][\.*^$+?(){}|]/\\&/g')
echo "# python $OWNER: listener $LPORT, pair $CPORT, closed $C2PORT/$XPORT/$XUPORT, udp $UPORT/$UCPORT${L6PORT:+, ::1 $L6PORT/$U6PORT, mapped $MPORT}"

section "netbasics ports: the test's own sockets"
run ports
assert_status "exit 0" 0
assert_eq "nothing on stderr" "" "$ERR"
assert_match "the header" "$(printf '%s\n' "$OUT" | head -n 1)" \
    '^Proto +Local Address +Foreign Address +State +PID/Program$'
assert_match "the listener: LISTEN, owned by python" "$OUT" \
    "^tcp +127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN +$OWN_RE\$"
assert_match "the pair, client side: ESTABLISHED, owned by python" "$OUT" \
    "^tcp +127\\.0\\.0\\.1:$CPORT +127\\.0\\.0\\.1:$LPORT +ESTABLISHED +$OWN_RE\$"
assert_match "the pair, server side: ESTABLISHED, owned by python" "$OUT" \
    "^tcp +127\\.0\\.0\\.1:$LPORT +127\\.0\\.0\\.1:$CPORT +ESTABLISHED +$OWN_RE\$"
assert_match "UDP bound: UNCONN, owned by python" "$OUT" \
    "^udp +127\\.0\\.0\\.1:$UPORT +0\\.0\\.0\\.0:\\* +UNCONN +$OWN_RE\$"
assert_match "UDP connected: ESTABLISHED to the other, owned by python" "$OUT" \
    "^udp +127\\.0\\.0\\.1:$UCPORT +127\\.0\\.0\\.1:$UPORT +ESTABLISHED +$OWN_RE\$"
assert_no_row "the listener closed before the call is not shown" "$OUT" ":$XPORT( |\$)"
assert_no_row "the UDP socket closed before the call is not shown" "$OUT" "^udp6? .*:$XUPORT( |\$)"
assert_no_row "the closed pair's server side is gone" "$OUT" \
    "^tcp +127\\.0\\.0\\.1:$LPORT +127\\.0\\.0\\.1:$C2PORT "
# the side that closed first is in TIME_WAIT: the kernel keeps it, but no
# process holds it any more
TW=$(printf '%s\n' "$OUT" | grep -E "^tcp +127\\.0\\.0\\.1:$C2PORT +127\\.0\\.0\\.1:$LPORT ")
if [ -n "$TW" ]; then
    assert_match "the closed pair's client side: TIME_WAIT" "$TW" ' TIME_WAIT '
    assert_match "a TIME_WAIT socket has no owner: '-'" "$TW" ' -$'
fi
assert_no_row "no closed socket is shown as python's" "$OUT" ":($XPORT|$XUPORT|$C2PORT) .* $OWN_RE\$"
if [ "$HAVE_V6" = 1 ]; then
    assert_match "the ::1 listener: tcp6 LISTEN, owned by python" "$OUT" \
        "^tcp6 +\\[::1\\]:$L6PORT +\\[::\\]:\\* +LISTEN +$OWN_RE\$"
    assert_match "the ::1 UDP socket: udp6 UNCONN" "$OUT" \
        "^udp6 +\\[::1\\]:$U6PORT +\\[::\\]:\\* +UNCONN +$OWN_RE\$"
    assert_match "the IPv4-mapped listener: tcp6 [::ffff:127.0.0.1]" "$OUT" \
        "^tcp6 +\\[::ffff:127\\.0\\.0\\.1\\]:$MPORT +\\[::\\]:\\* +LISTEN +$OWN_RE\$"
else
    echo "# IPv6 is not available: the ::1 sockets are skipped"
fi
assert_not_contains "no raw ESC" "$OUT" "$ESC"
ALLTAB=$OUT

section "-l: listening sockets only"
run ports -l
assert_status "-l: exit 0" 0
assert_rows_all "-l: every row LISTEN (TCP) or UNCONN (UDP)" "$OUT" '^(tcp6? .* LISTEN |udp6? .* UNCONN )'
assert_match "-l: the listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT .* LISTEN +$OWN_RE\$"
assert_match "-l: the UDP socket" "$OUT" "^udp +127\\.0\\.0\\.1:$UPORT .* UNCONN "
assert_no_row "-l: not the pair" "$OUT" ":$CPORT "
assert_no_row "-l: not the connected UDP socket" "$OUT" ":$UCPORT "
run ports --listening
assert_match "--listening: the same listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT .* LISTEN "

section "--port N: one port, local or remote"
run ports --port "$LPORT"
assert_status "--port: exit 0" 0
assert_rows_all "--port $LPORT: every row has it, local or remote" "$OUT" ":$LPORT( |\$)"
assert_match "--port: the listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN "
assert_match "--port: the client side (remote port)" "$OUT" "^tcp +127\\.0\\.0\\.1:$CPORT +127\\.0\\.0\\.1:$LPORT +ESTABLISHED "
assert_match "--port: the server side (local port)" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT +127\\.0\\.0\\.1:$CPORT +ESTABLISHED "
assert_no_row "--port: not the UDP socket" "$OUT" ":$UPORT( |\$)"
run ports -P "$UPORT"
# TCP sockets of other programs may hold the same number (another namespace):
# only this test's sockets, those of its python, are counted
MINE=$(printf '%s\n' "Proto" "$(rows "$OUT" | grep -E " $PYPID/python[0-9.]*\$")")
assert_rows_all "-P $UPORT: only UDP rows" "$MINE" '^udp '
assert_eq "-P $UPORT: the bound and the connected socket" 2 "$(rows "$MINE" | wc -l)"
run ports --port "$XPORT"
assert_status "--port of a closed socket: still exit 0" 0
assert_no_row "--port of a closed listener: no listener, nothing of python's" "$OUT" "( LISTEN | $OWN_RE\$)"

section "--state"
run ports --state ESTABLISHED
assert_status "--state ESTABLISHED: exit 0" 0
assert_rows_all "--state ESTABLISHED: every row ESTABLISHED" "$OUT" ' ESTABLISHED '
assert_match "--state ESTABLISHED: the client side" "$OUT" "^tcp +127\\.0\\.0\\.1:$CPORT "
assert_match "--state ESTABLISHED: the server side" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT +127\\.0\\.0\\.1:$CPORT "
assert_no_row "--state ESTABLISHED: not the listener" "$OUT" ' LISTEN '
run ports --state listen
assert_status "--state listen (lower case): exit 0" 0
assert_rows_all "--state listen: every row LISTEN" "$OUT" ' LISTEN '
assert_match "--state listen: the listener" "$OUT" "127\\.0\\.0\\.1:$LPORT .* LISTEN "
run ports --state time_wait --port "$LPORT"
assert_status "--state time_wait: exit 0" 0
assert_eq "--state time_wait --port: at most the closed pair" "" \
    "$(rows "$OUT" | grep -vE "^tcp +127\\.0\\.0\\.1:$C2PORT +127\\.0\\.0\\.1:$LPORT +TIME_WAIT( |\$)")"
run ports --state unconn -u
assert_rows_all "--state unconn -u: every row UDP UNCONN" "$OUT" '^udp6? .* UNCONN '
run ports --state LISTENING
assert_status "--state LISTENING: usage error, exit 2" 2
assert_contains "--state LISTENING: names the states" "$ERR" "not a socket state"
assert_eq "--state LISTENING: nothing on stdout" "" "$OUT"

section "-t, -u, -4, -6"
run ports -t
assert_rows_all "-t: TCP rows only" "$OUT" '^tcp6? '
assert_match "-t: the listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT "
run ports --tcp
assert_rows_all "--tcp: TCP rows only" "$OUT" '^tcp6? '
run ports -u
assert_rows_all "-u: UDP rows only" "$OUT" '^udp6? '
assert_match "-u: the UDP socket" "$OUT" "^udp +127\\.0\\.0\\.1:$UPORT "
run ports --udp
assert_rows_all "--udp: UDP rows only" "$OUT" '^udp6? '
run ports -4
assert_rows_all "-4: IPv4 rows only" "$OUT" '^(tcp|udp) '
assert_match "-4: the listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT "
run ports -t -4 -l --port "$LPORT"
assert_status "-t -4 -l --port: exit 0" 0
assert_eq "-t -4 -l --port: exactly the listener" 1 "$(rows "$OUT" | wc -l)"
assert_match "-t -4 -l --port: it is the listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN +$OWN_RE\$"
if [ "$HAVE_V6" = 1 ]; then
    run ports -6
    assert_rows_all "-6: IPv6 rows only" "$OUT" '^(tcp6|udp6) '
    assert_match "-6: the ::1 listener" "$OUT" "^tcp6 +\\[::1\\]:$L6PORT "
    assert_match "-6: the IPv4-mapped listener" "$OUT" "^tcp6 +\\[::ffff:127\\.0\\.0\\.1\\]:$MPORT "
    assert_no_row "-6: not the IPv4 listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT "
    run ports -6 -u --port "$U6PORT"
    assert_eq "-6 -u --port: exactly the ::1 UDP socket" 1 "$(rows "$OUT" | wc -l)"
    run ports -4 --port "$L6PORT"
    assert_no_row "-4 --port of the ::1 listener: not shown" "$OUT" "\\[::1\\]:$L6PORT"
fi

section "netstat's and ss's letters (issue 12)"
ALLT=$(ports)
for args in "-an" "-a" "-n" "-p" "-anp"; do
    run ports $args
    assert_status "ports $args: exit 0" 0
    assert_eq "ports $args: nothing on stderr" "" "$ERR"
    assert_match "ports $args: the listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN +$OWN_RE\$"
    assert_match "ports $args: the pair (all sockets, as netstat -a)" "$OUT" \
        "^tcp +127\\.0\\.0\\.1:$CPORT +127\\.0\\.0\\.1:$LPORT +ESTABLISHED +$OWN_RE\$"
done
run ports -tulpn
assert_status "ports -tulpn: exit 0" 0
assert_eq "ports -tulpn: nothing on stderr" "" "$ERR"
assert_rows_all "ports -tulpn: TCP LISTEN and UDP UNCONN rows only" "$OUT" '^(tcp6? .* LISTEN|udp6? .* UNCONN) '
assert_match "ports -tulpn: the TCP listener" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN +$OWN_RE\$"
assert_match "ports -tulpn: the bound UDP socket" "$OUT" "^udp +127\\.0\\.0\\.1:$UPORT +0\\.0\\.0\\.0:\\* +UNCONN +$OWN_RE\$"
assert_no_row "ports -tulpn: not the pair" "$OUT" "^tcp +127\\.0\\.0\\.1:$CPORT "
run ports -tu -P "$UPORT"
assert_match "-t -u add up (netstat's way): the UDP socket with -tu" "$OUT" "^udp +127\\.0\\.0\\.1:$UPORT "
run ports -ut -P "$LPORT"
assert_match "-t -u add up: the TCP listener with -ut" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT "
run ports --port "$LPORT" -t
assert_match "--port is the long name of -P" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT "
run ports -e -t -P "$LPORT"
assert_status "-e: exit 0" 0
assert_match "-e: netstat -e's User and Inode columns" "$(printf '%s\n' "$OUT" | head -n 1)" \
    '^Proto +Local Address +Foreign Address +State +User +Inode +PID/Program$'
assert_match "-e: the listener with its uid and inode" "$OUT" \
    "^tcp +127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN +$(id -u) +$LINODE +$OWN_RE\$"
run ports -s
assert_status "-s: a clear refusal, exit 2" 2
assert_eq "-s: nothing on stdout" "" "$OUT"
assert_contains "-s: says statistics are not here, and where the state filter went" "$ERR" \
    "option '-s': netstat's and ss's protocol statistics are not in ports (see 'nstat' or 'ss -s'); the state filter is --state"
run ports -p 80
assert_status "-p takes no value now (it is netstat's -p): 'ports -p 80' is a usage error" 2

# side by side with the real tools, on this test's own sockets: the same
# protocols, local endpoints and states as `ss -tuln` and `netstat -tuln`
mine_of() { # TEXT COLS...: "proto local state" of the rows holding python's ports
    printf '%s\n' "$1" | awk -v ports=" $LPORT $UPORT $CPORT $UCPORT " -v cols="$2" '
        { n = split(cols, c, " "); local = $c[2]; port = local; sub(/.*:/, "", port)
          if (index(ports, " " port " ") == 0) next
          st = (c[3] > NF || c[3] == 0) ? "UNCONN" : $c[3]
          print $c[1], local, st }' | sort
}
if command -v ss >/dev/null; then
    SS=$(ss -tuln)
    run ports -tuln
    assert_eq "ports -tuln lists what ss -tuln lists (proto, local, state)" \
        "$(mine_of "$SS" "1 5 2")" "$(mine_of "$OUT" "1 2 4")"
    assert_match "ss -tuln shows the listener (the comparison is not empty)" "$(mine_of "$SS" "1 5 2")" \
        "tcp 127\\.0\\.0\\.1:$LPORT LISTEN"
else
    echo "# skipped: ss is not installed"
fi
if command -v netstat >/dev/null; then
    NS=$(netstat -tuln | tail -n +3)
    run ports -tuln
    # netstat leaves a UDP socket's state empty (here: UNCONN)
    assert_eq "ports -tuln lists what netstat -tuln lists (proto, local, state)" \
        "$(mine_of "$NS" "1 4 6")" "$(mine_of "$OUT" "1 2 4")"
    assert_eq "ports -tuln has netstat's header words" "Proto Local Address Foreign Address State" \
        "$(netstat -tuln | sed -n 2p | grep -oE 'Proto|Local Address|Foreign Address|State' | paste -sd' ')"
    assert_match "ports' header starts as netstat's" "$(printf '%s\n' "$OUT" | head -n 1)" \
        '^Proto +Local Address +Foreign Address +State '
else
    echo "# skipped: netstat (net-tools) is not installed"
fi

section "--json"
run ports --json
assert_status "--json: exit 0" 0
assert_eq "--json: one valid JSON object a line" "" "$(json_lines_ok "$OUT")"
assert_not_contains "--json: no table header" "$OUT" "Proto"
L='[o for o in j if o["proto"] == "tcp" and o["local_port"] == '$LPORT' and o["state"] == "LISTEN"]'
assert_eq "--json: the listener, once" 1 "$(jget "$OUT" "len($L)")"
assert_eq "--json: listener local_address" "127.0.0.1" "$(jget "$OUT" "${L}[0]['local_address']")"
assert_eq "--json: listener remote_address" "0.0.0.0" "$(jget "$OUT" "${L}[0]['remote_address']")"
assert_eq "--json: listener remote_port" 0 "$(jget "$OUT" "${L}[0]['remote_port']")"
assert_eq "--json: listener pid (a number)" "$PID" "$(jget "$OUT" "${L}[0]['pid']")"
assert_eq "--json: listener program" "$COMM" "$(jget "$OUT" "${L}[0]['program']")"
assert_eq "--json: listener inode, a positive number" True "$(jget "$OUT" "str(isinstance(${L}[0]['inode'], int) and ${L}[0]['inode'] > 0)")"
assert_eq "--json: the listener's inode is its fd's" "$LINODE" "$(jget "$OUT" "${L}[0]['inode']")"
E='[o for o in j if o["state"] == "ESTABLISHED" and o["proto"] == "tcp" and {o["local_port"], o["remote_port"]} == {'$LPORT', '$CPORT'}]'
assert_eq "--json: both sides of the pair" 2 "$(jget "$OUT" "len($E)")"
assert_eq "--json: both sides held by python" "[$PID, $PID]" "$(jget "$OUT" "[o.get('pid') for o in $E]")"
assert_eq "--json: every object has the fields" True "$(jget "$OUT" \
    'str(all({"proto","local_address","local_port","remote_address","remote_port","state","inode"} <= set(o) for o in j))')"
assert_eq "--json: ports are 0..65535" True "$(jget "$OUT" 'str(all(0 <= o["local_port"] <= 65535 and 0 <= o["remote_port"] <= 65535 for o in j))')"
assert_eq "--json: pid and program come together" True "$(jget "$OUT" 'str(all(("pid" in o) == ("program" in o) for o in j))')"
assert_eq "--json: a socket without inode has no owner" "[]" "$(jget "$OUT" '[o for o in j if o["inode"] == 0 and "pid" in o][:2]')"
assert_eq "--json: the closed listener is not there" "[]" "$(jget "$OUT" "[o for o in j if o['local_port'] == $XPORT and o['state'] == 'LISTEN']")"
# (other programs' sockets come and go between two calls: compare python's)
assert_eq "--json: python's sockets, as many as in the table" "$(rows "$ALLTAB" | grep -cE " $OWN_RE\$")" \
    "$(jget "$OUT" "len([o for o in j if o.get('pid') == $PID])")"
run ports -j -l -u
assert_eq "-j -l -u: every object udp UNCONN" True "$(jget "$OUT" 'str(len(j) > 0 and all(o["state"] == "UNCONN" and o["proto"] in ("udp", "udp6") for o in j))')"
if [ "$HAVE_V6" = 1 ]; then
    run ports --json -6 --port "$MPORT"
    assert_eq "--json: the mapped listener's address" "::ffff:127.0.0.1" "$(jget "$OUT" 'j[0]["local_address"]')"
    assert_eq "--json: the mapped listener's proto" "tcp6" "$(jget "$OUT" 'j[0]["proto"]')"
fi

section "-x: which tables are read, on stderr"
run ports -x -l
assert_status "-x: exit 0" 0
for t in tcp tcp6 udp udp6; do
    [ -r "/proc/net/$t" ] || continue
    assert_match "-x: reads /proc/net/$t" "$ERR" "^\\* read /proc/net/$t — "
done
assert_match "-x: says how owners are found" "$ERR" '^\* readlink\(/proc/PID/fd/N\) = socket:\[INODE\]'
assert_eq "-x: every stderr line a narration" "" "$(printf '%s\n' "$ERR" | grep -v '^\* ')"
assert_match "-x: stdout still the table" "$OUT" "^tcp +127\\.0\\.0\\.1:$LPORT "

# the python process goes: its sockets go with it
kill "$PYPID" 2>/dev/null
poll_until 10 pid_gone "$PYPID"
wait "$PYPID" 2>/dev/null
BG_PIDS=()
section "after the python process has gone"
run ports --port "$LPORT"
assert_no_row "its listener is gone" "$OUT" "127\\.0\\.0\\.1:$LPORT +0\\.0\\.0\\.0:\\* +LISTEN"
assert_no_row "nothing is python's any more" "$OUT" " $OWN_RE\$"
run ports -u --port "$UPORT"
assert_no_row "its UDP socket is gone" "$OUT" "127\\.0\\.0\\.1:$UPORT +0\\.0\\.0\\.0:\\* +UNCONN"

# --- a fake /proc: the exact view, whatever this machine runs ---------------
# The hex in /proc/net is each 32-bit word in host order: these files are what
# a little-endian machine writes.
if [ "$("$PY" -c 'import sys; print(sys.byteorder)')" = little ]; then
    section "--proc DIR: a fake /proc"
    F=$W/proc
    mkdir -p "$F/net" "$F/4242/fd" "$F/77/fd" "$F/self"
    {
        echo '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
        echo '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 0000000000000000 100 0 0 10 0'
        echo '   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 1002 1 0000000000000000 20 4 30 10 -1'
        echo '   2: 0100007F:9C41 0100007F:1F90 06 00000000:00000000 03:00001693 00000000     0        0 0 3 0000000000000000'
        echo '   3: this line is garbage'
        echo '   4: 4D01A8C0:C822 B8A5ACB9:01BB 01 00000000:00000000 02:000A7D8C 00000000  1000        0 1004 2 0000000089c16e48 20 4 30 10 -1'
    } >"$F/net/tcp"
    {
        echo '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
        echo '   0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0'
        echo '   1: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 100 0 0 10 0'
    } >"$F/net/tcp6"
    {
        echo '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops'
        echo '  267: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1003 2 0000000000000000 0'
    } >"$F/net/udp"
    # no net/udp6: a machine without IPv6 UDP
    ln -s 'socket:[1001]' "$F/4242/fd/3"
    ln -s 'socket:[1002]' "$F/4242/fd/4"
    ln -s '/dev/null' "$F/4242/fd/0"
    printf 'fakeserver\n' >"$F/4242/comm"
    ln -s 'socket:[1003]' "$F/77/fd/5"
    printf 'evil\033[31mred\n' >"$F/77/comm"
    run ports --proc "$F"
    assert_status "fake /proc: exit 0" 0
    assert_eq "fake /proc: nothing on stderr (a garbage line is skipped)" "" "$ERR"
    assert_eq "fake /proc: the rows, in table order, each with its own owner" \
"tcp 127.0.0.1:8080 0.0.0.0:* LISTEN 4242/fakeserver
tcp 127.0.0.1:40000 127.0.0.1:8080 ESTABLISHED 4242/fakeserver
tcp 127.0.0.1:40001 127.0.0.1:8080 TIME_WAIT -
tcp 192.168.1.77:51234 185.172.165.184:443 ESTABLISHED -
tcp6 [::1]:631 [::]:* LISTEN -
tcp6 [::ffff:127.0.0.1]:8081 [::]:* LISTEN -
udp 127.0.0.1:53 0.0.0.0:* UNCONN 77/evil\\x1b[31mred" "$(rows "$OUT" | tr -s ' ')"
    assert_not_contains "fake /proc: a program's name is escaped (no raw ESC)" "$OUT" "$ESC"
    FAKE_TABLE=$OUT
    run env NB_PROC="$F" timeout 10 "$NB" ports
    assert_eq "NB_PROC=DIR: the same as --proc DIR" "$FAKE_TABLE" "$OUT"
    run ports --proc "$F" --json
    assert_eq "fake /proc --json: valid" "" "$(json_lines_ok "$OUT")"
    assert_eq "fake /proc --json: seven sockets" 7 "$(count_lines "$OUT")"
    assert_eq "fake /proc --json: the established one" \
        '{"proto":"tcp","local_address":"192.168.1.77","local_port":51234,"remote_address":"185.172.165.184","remote_port":443,"state":"ESTABLISHED","inode":1004}' \
        "$(printf '%s\n' "$OUT" | sed -n 4p)"
    assert_eq "fake /proc --json: owners only where known" '[4242, 4242, None, None, None, None, 77]' \
        "$(jget "$OUT" 'str([o.get("pid") for o in j])')"
    assert_eq "fake /proc --json: the escaped program name" 'evil\x1b[31mred' "$(jget "$OUT" 'j[6]["program"]')"
    run ports --proc "$F" -l -6
    assert_eq "fake /proc -l -6: the two IPv6 listeners" \
"tcp6 [::1]:631 [::]:* LISTEN -
tcp6 [::ffff:127.0.0.1]:8081 [::]:* LISTEN -" "$(rows "$OUT" | tr -s ' ')"
    run ports --proc "$F" --port 8080
    assert_eq "fake /proc --port 8080: local or remote" 3 "$(rows "$OUT" | wc -l)"
    run ports --proc "$F" --state established -t
    assert_eq "fake /proc --state established -t" 2 "$(rows "$OUT" | wc -l)"
    run ports --proc "$F" -u -6
    assert_status "fake /proc -u -6 (no udp6 file): still exit 0" 0
    assert_eq "fake /proc -u -6: only the header" 1 "$(count_lines "$OUT")"
    run ports --proc "$F" -x
    assert_eq "fake /proc -x: stdout the same as without -x" "$FAKE_TABLE" "$OUT"
    assert_match "fake /proc -x: reads DIR/net/tcp" "$ERR" "^\\* read $F/net/tcp — "
    assert_not_contains "fake /proc -x: does not claim to read the missing udp6" "$ERR" "$F/net/udp6"
    assert_match "fake /proc -x: counts the sockets found in processes" "$ERR" ' — 3 open sockets found'
    assert_eq "fake /proc -x: every stderr line a narration" "" "$(printf '%s\n' "$ERR" | grep -v '^\* ')"
    assert_match "fake /proc -x: the ' — ' separator" "$ERR" '^\* read .* — '
else
    echo "# big-endian machine: the fake /proc (little-endian hex) is skipped"
fi

section "errors"
run ports --proc /nonexistent
assert_status "--proc /nonexistent: exit 6" 6
assert_eq "--proc /nonexistent: nothing on stdout" "" "$OUT"
assert_match "--proc /nonexistent: says what it cannot read" "$ERR" '^netbasics ports: cannot read /nonexistent'
run env NB_PROC=/nonexistent timeout 10 "$NB" ports
assert_status "NB_PROC=/nonexistent: exit 6" 6
mkdir -p "$W/emptyproc"
run ports --proc "$W/emptyproc"
assert_status "a /proc without net/: exit 6" 6
assert_contains "a /proc without net/: says ports needs Linux's /proc" "$ERR" "Linux"
assert_eq "a /proc without net/: nothing on stdout" "" "$OUT"
for args in "--bogus" "-z" "--port 70000" "--port abc" "--port" "--state" "extra" "-p -1"; do
    run ports $args
    assert_status "ports $args: usage error, exit 2" 2
    assert_eq "ports $args: nothing on stdout" "" "$OUT"
    assert_match "ports $args: one message" "$ERR" '^netbasics ports: '
done
run ports --help
assert_status "--help: exit 0" 0
for o in --listening --tcp --udp --port --state --json --proc --explain; do
    assert_contains "--help lists $o" "$OUT" "$o"
done

echo "# test_ports.sh ran in $(($(date +%s) - T_START)) s"
finish
