# servers.sh - the real servers the command-line tests start on loopback:
# dnsmasq and nginx, each on a free port, ready before the test goes on, and
# stopped by PID at exit (procs.sh). Sourced after procs.sh.

# start_dnsmasq DIR READY [ARGS...]: starts dnsmasq on a free port of
# 127.0.0.1 (and ::1 when HAVE_V6 is 1 and DNSMASQ_V6 is 1) with ARGS, its
# log in DIR/dnsmasq.log; READY PORT PID is a command that succeeds once it
# answers (or PID is gone). Sets DP (the port) and DNS_PID; returns 1 when no
# try of five came up.
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
start_dnsmasq() {
    local dir=$1 ready=$2 port pid listen=127.0.0.1 v6= user=()
    shift 2
    if [ "$HAVE_V6" = 1 ] && [ "${DNSMASQ_V6:-0}" = 1 ]; then
        listen=127.0.0.1,::1
        v6=v6
    fi
    [ "$(id -u)" = 0 ] && user=(--user=root)
    DP=
    DNS_PID=
    for _ in 1 2 3 4 5; do
        port=$(free_port $v6)
        [ -n "$port" ] || continue
        "$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts --listen-address=$listen \
            --bind-interfaces --port="$port" --pid-file="$dir/dnsmasq.pid" "${user[@]}" \
            "$@" -q --log-facility="$dir/dnsmasq.log" \
            </dev/null >"$dir/dnsmasq.out" 2>"$dir/dnsmasq.err" &
        pid=$!
        track "$pid"
        poll_until 10 "$ready" "$port" "$pid"
        if ! pid_gone "$pid" && "$ready" "$port" "$pid"; then
            DP=$port
            DNS_PID=$pid
            return 0
        fi
        stop_pid "$pid"
    done
    return 1
}

# nginx_answers PORT: 0 once nginx on 127.0.0.1:PORT answers a request with
# any HTTP status line.
nginx_answers() {
    "$PY" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
sys.exit(0 if s.recv(9).startswith(b"HTTP/1.") else 1)' "$1" 2>/dev/null
}
nginx_answers_or_gone() { nginx_answers "$1" || pid_gone "$2"; }

# nginx_run DIR HTTP READY PORT: writes DIR/nginx.conf (no daemon, one
# process, files and logs in DIR) with HTTP as its http block, starts nginx,
# and waits up to 10 s for READY PORT PID to succeed. Sets NGINX_PID; returns
# 1 (nginx stopped) when it did not come up: most likely a port was taken
# meanwhile, and the caller tries other ones.
nginx_run() {
    local dir=$1 http=$2 ready=$3 port=$4
    cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
$http
}
CONF
    nginx -e "$dir/error.log" -c "$dir/nginx.conf" -p "$dir" </dev/null >"$dir/stdout" 2>&1 &
    NGINX_PID=$!
    track "$NGINX_PID"
    poll_until 10 "$ready" "$port" "$NGINX_PID"
    if ! pid_gone "$NGINX_PID" && "$ready" "$port" "$NGINX_PID"; then
        return 0
    fi
    stop_pid "$NGINX_PID"
    return 1
}

# start_nginx DIR ROOT [DIRECTIVES [HTTP_DIRECTIVES]]: starts nginx on a free
# port of 127.0.0.1 (and [::1] when HAVE_V6 is 1) serving ROOT, with
# DIRECTIVES added to its server block and HTTP_DIRECTIVES (e.g. a
# log_format) to its http block; '@PORT@' in them becomes the port. Its files
# and logs are in DIR. Sets NP (the port) and NGINX_PID; returns 1 when no
# try of five came up.
start_nginx() {
    local dir=$1 root=$2 more=${3:-} http_more=${4:-} p v6
    NP=
    NGINX_PID=
    for _ in 1 2 3 4 5; do
        p=$(free_port)
        [ -n "$p" ] || continue
        v6=
        [ "$HAVE_V6" = 1 ] && v6="listen [::1]:$p;"
        if nginx_run "$dir" "    access_log off;
    ${http_more//@PORT@/$p}
    server {
        listen 127.0.0.1:$p;
        $v6
        root $root;
        ${more//@PORT@/$p}
    }" nginx_answers_or_gone "$p"; then
            NP=$p
            return 0
        fi
    done
    return 1
}

# write_conf FILE TEXT: writes a resolv.conf, refusing (and ending the whole
# test) if any nameserver line names anything but 127.0.0.1 or ::1.
write_conf() {
    printf '%s\n' "$2" >"$1"
    if grep -E '^[[:space:]]*nameserver' "$1" |
        grep -vqE '^[[:space:]]*nameserver[[:space:]]+(127\.0\.0\.1(#[0-9]+)?|\[::1\](:[0-9]+)?|::1)[[:space:]]*$'; then
        echo "$(basename "$0"): refusing a resolv.conf with a non-loopback server: $1" >&2
        exit 2
    fi
}
