#!/usr/bin/env bash
# bench_udp.sh [NETBASICS] - issue 14's UDP, on loopback, one run of each.
# Prints markdown.  Not part of CI.
#
# 1. Receive: udp_flood.c sends COUNT datagrams of 64 bytes (sendmmsg, as fast
#    as the kernel takes them) into each receiver in turn:
#      netbasics  netbasics listen -u --sink 127.0.0.1:PORT   (count from its summary)
#      nc         nc -lu 127.0.0.1 PORT > FILE                 (count: FILE's size / 64)
#      socat      socat -u UDP-RECV:PORT,bind=127.0.0.1 FILE   (the same)
#    FILE is on tmpfs (a file, not /dev/null, so the datagrams can be counted).
#    Reported: received, loss, and received per second of the sender's time.
# 2. Send: a BYTES-byte stdin of 1,400-byte lines sent by
#      netbasics  netbasics send -u --lines --no-wait -q 127.0.0.1 PORT   (1,400-byte datagrams)
#      nc         nc -u -q0 127.0.0.1 PORT                   (nc sends each read of stdin)
#    into udp_flood's counting receiver (4 MiB receive buffer asked).
#    Reported: wall time of the sender, datagrams and bytes received, MB/s.
#
# Environment: COUNT (default 1000000), BYTES (default 100000000).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"
find_nb "${1:-}"
find_py
COUNT=${COUNT:-1000000}
BYTES=${BYTES:-100000000}
need_uint COUNT "$COUNT" 1 100000000
need_uint BYTES "$BYTES" 1400 10000000000
for t in nc socat; do have "$t" || note "$t is not installed: its rows are missing"; done
make_dirs nbudp
"${CC:-cc}" -O2 -o "$BIN/udp_flood" "$HERE/udp_flood.c" || die "cannot build udp_flood.c"

free_udp_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# bound PORT: true once something has a UDP socket on it (/proc/net/udp).
bound() { grep -q ":$(printf '%04X' "$1") " /proc/net/udp; }
wait_bound() {
    local i
    for ((i = 0; i < 100; i++)); do bound "$1" && return 0; sleep 0.05; done
    return 1
}

# receive LABEL CMD: starts CMD (with $PORT and $FILE set), floods it, stops it
# with SIGTERM 1 s after the sender is done; sets SENT_S and GOT.
receive() {
    local label=$1 cmd=$2 pid out
    PORT=$(free_udp_port)
    FILE=$WORK/$label.out
    : >"$FILE"
    PORT=$PORT FILE=$FILE sh -c "exec $cmd" 2>"$WORK/$label.err" &
    pid=$!
    BG_PIDS+=("$pid")
    wait_bound "$PORT" || { note "$label did not bind port $PORT"; kill "$pid"; wait "$pid"; GOT=; return; }
    out=$("$BIN/udp_flood" send "$PORT" "$COUNT" 64)
    SENT_S=$(echo "$out" | awk '{ print $3 }')
    sleep 1
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ "$label" = netbasics ]; then
        GOT=$(sed -n -E 's/.*received ([0-9]+) datagrams.*/\1/p' "$WORK/$label.err")
    else
        GOT=$(($(stat -c %s "$FILE") / 64))
    fi
}

machine=$(nproc)
echo "## UDP (issue 14)"
echo
echo "One run, $(date -u +%Y-%m-%d), $machine CPUs, $(uname -r); COUNT=$COUNT, BYTES=$BYTES."
echo
echo "### $COUNT datagrams of 64 bytes into each receiver"
echo
echo "| receiver | sender took | received | loss | received per second |"
echo "| --- | ---: | ---: | ---: | ---: |"
rows=(netbasics "$NB listen -u --sink 127.0.0.1:\$PORT")
have nc && rows+=(nc "nc -lu 127.0.0.1 \$PORT >\$FILE")
have socat && rows+=(socat "socat -u UDP-RECV:\$PORT,bind=127.0.0.1 \$FILE")
for ((i = 0; i < ${#rows[@]}; i += 2)); do
    receive "${rows[i]}" "${rows[i + 1]}"
    if [ -z "$GOT" ]; then echo "| ${rows[i]} | - | - | - | - |"; continue; fi
    awk -v l="${rows[i]}" -v s="$SENT_S" -v g="$GOT" -v c="$COUNT" 'BEGIN {
        printf "| %s | %.2f s | %d | %.1f %% | %.0f |\n", l, s, g, 100 * (c - g) / c, g / s }'
done

echo
echo "### $BYTES bytes of stdin in 1,400-byte lines, sent to a counting receiver"
echo
awk -v n="$BYTES" 'BEGIN { l = sprintf("%1399s", ""); gsub(/ /, "x", l); for (b = 0; b + 1400 <= n; b += 1400) print l }' >"$WORK/in"
echo "| sender | wall time | datagrams received | bytes received | MB/s received |"
echo "| --- | ---: | ---: | ---: | ---: |"
senders=(netbasics "$NB send -u --lines --no-wait -q 127.0.0.1 \$PORT")
have nc && senders+=(nc "nc -u -q0 127.0.0.1 \$PORT")
for ((i = 0; i < ${#senders[@]}; i += 2)); do
    rm -f "$WORK/port"
    "$BIN/udp_flood" recv "$WORK/port" 1000 >"$WORK/recv.out" &
    rpid=$!
    BG_PIDS+=("$rpid")
    for ((j = 0; j < 100; j++)); do [ -s "$WORK/port" ] && break; sleep 0.05; done
    PORT=$(cat "$WORK/port")
    t0=$(date +%s%N)
    PORT=$PORT sh -c "exec ${senders[i + 1]}" <"$WORK/in" >/dev/null 2>"$WORK/send.err"
    t1=$(date +%s%N)
    wait "$rpid"
    read -r _ got bytes _ <"$WORK/recv.out"
    awk -v l="${senders[i]}" -v t="$(((t1 - t0) / 1000000))" -v g="$got" -v b="$bytes" 'BEGIN {
        printf "| %s | %.2f s | %d | %d | %.0f |\n", l, t / 1000, g, b, b / (t / 1000) / 1e6 }'
done
for n in "${NOTES[@]}"; do echo; echo "Note: $n"; done
