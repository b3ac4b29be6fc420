#!/usr/bin/env bash
# test_https.sh - fetch over https from the outside: a private CA and its
# certificates made here with the openssl command line (good, wrong name,
# expired, not yet valid, self-signed, without IP addresses), a real nginx
# with TLS on 127.0.0.1 and [::1], python3 peers for handshakes no server
# ends well, and tinyproxy for CONNECT tunnels. Every fetch runs in a fresh
# directory, checked after it: a failure leaves no file. OpenSSL's absence is
# simulated with NB_LIBSSL. Loopback only, every wait bounded.
# Usage: test_https.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY \
    SSL_CERT_FILE SSL_CERT_DIR
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
. "$(dirname "${BASH_SOURCE[0]}")/tls.sh"
W=$NB_TMP/w
PKI=$NB_TMP/pki
NGX=$NB_TMP/nginx
WWW=$NGX/www
mkdir -p "$W" "$NGX" "$WWW"
head -c 200000 /dev/urandom >"$WWW/data.bin"
printf '<html>hello over https</html>\n' >"$WWW/index.html"

NRUN=0
# fetch ARGS...: netbasics fetch in a new empty directory WD (30 s at most);
# OUT, ERR, STATUS.
fetch() {
    NRUN=$((NRUN + 1))
    WD=$W/run$NRUN
    mkdir -p "$WD"
    (cd "$WD" && timeout -k 2 30 "$NB" fetch "$@" >"$WD.out" 2>"$WD.err")
    STATUS=$?
    OUT=$(cat "$WD.out")
    ERR=$(cat "$WD.err")
}
files() { (cd "$WD" && LC_ALL=C ls -A); }
assert_failed() { # NAME STATUS PATTERN
    assert_eq "$1: exit $2" "$2" "$STATUS"
    assert_match "$1: says why" "$ERR" "$3"
    assert_eq "$1: no file, no temporary file" "" "$(files)"
    check_sanitizer "$1" "$WD.err"
}
requests() {
    local n
    n=$(grep -c 'GET ' "$NGX/$1.log" 2>/dev/null)
    echo "${n:-0}"
}

if ! command -v openssl >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
    nb_fail "openssl and nginx are installed (scripts/test.sh installs them)"
    finish
fi
if ! tls_make_pki "$PKI"; then
    nb_fail "the test CA and its certificates were made"
    finish
fi
if ! tls_start_nginx "$NGX" "$WWW" "$PKI"; then
    nb_fail "nginx with TLS starts" "$(tail -n 5 "$NGX/error.log" 2>/dev/null)"
    finish
fi
G=${TLS_PORT[good]}
CA=(--cacert "$PKI/ca.pem")

section "a good certificate, trusted with --cacert"
fetch "${CA[@]}" "https://localhost:$G/data.bin"
assert_eq "good: exit 0" 0 "$STATUS"
assert_true "good: the same bytes" cmp -s "$WWW/data.bin" "$WD/data.bin"
assert_match "good: says what it saved" "$ERR" '^Saved data\.bin: .*\(200000 bytes\)'
check_sanitizer "good" "$WD.err"
fetch "${CA[@]}" -o - "https://127.0.0.1:$G/index.html"
assert_eq "good, an IP literal with an IP SAN: the page" "<html>hello over https</html>" "$OUT"
if [ "$HAVE_V6" = 1 ]; then
    fetch "${CA[@]}" "https://[::1]:$G/data.bin"
    assert_eq "good over IPv6: exit 0" 0 "$STATUS"
    assert_true "good over IPv6: the same bytes" cmp -s "$WWW/data.bin" "$WD/data.bin"
fi
SSL_CERT_FILE=$PKI/ca.pem fetch -o - "https://localhost:$G/index.html"
assert_eq "SSL_CERT_FILE works as for every OpenSSL program" "<html>hello over https</html>" "$OUT"
SSL_CERT_FILE=$PKI/ca.pem fetch --cacert "$PKI/self.pem" -o - "https://localhost:$G/index.html"
assert_eq "--cacert replaces the system's store (as in curl): the CA in SSL_CERT_FILE is not trusted" 9 "$STATUS"
fetch --json "${CA[@]}" -o out.html "https://localhost:$G/index.html"
assert_eq "--json: valid" "" "$(json_lines_ok "$OUT")"
assert_match "--json: the TLS version" "$(jget "$OUT" 'j[0]["tls_version"]')" '^TLSv1\.[23]$'
assert_eq "--json: verified" "true" "$(jget "$OUT" 'j[0]["verified"]')"
assert_match "--json: a cipher" "$(jget "$OUT" 'j[0]["tls_cipher"]')" '[A-Z0-9_-]+'

section "identities that cannot be verified: exit 9, no file, nothing sent"
before=$(requests good)
fetch "https://localhost:$G/index.html"
assert_failed "no --cacert: the private CA is not trusted" 9 'signed by an authority this machine does not trust'
assert_eq "no --cacert: no request reached the server" "$before" "$(requests good)"
fetch "${CA[@]}" "https://localhost:${TLS_PORT[wrong]}/index.html"
assert_failed "wrong name" 9 '^netbasics fetch: the certificate is for www\.example\.org, not localhost$'
assert_eq "wrong name: no request reached the server" 0 "$(requests wrong)"
fetch "${CA[@]}" "https://localhost:${TLS_PORT[expired]}/index.html"
assert_failed "expired" 9 'the certificate of localhost has expired'
fetch "${CA[@]}" "https://localhost:${TLS_PORT[future]}/index.html"
assert_failed "not yet valid" 9 'the certificate of localhost is not valid yet'
fetch "${CA[@]}" "https://localhost:${TLS_PORT[self]}/index.html"
assert_failed "self-signed" 9 'self-signed'
fetch "${CA[@]}" "https://127.0.0.1:${TLS_PORT[noip]}/index.html"
assert_failed "an IP literal without an IP SAN" 9 'the certificate is for localhost, not 127\.0\.0\.1'

section "-k: works, and warns every time"
fetch -k -o - "https://localhost:${TLS_PORT[self]}/index.html"
assert_eq "-k: exit 0" 0 "$STATUS"
assert_eq "-k: the page" "<html>hello over https</html>" "$OUT"
assert_match "-k: a warning line" "$ERR" 'warning: -k: the certificate of localhost is not checked'
fetch -k --json -o page.html "https://localhost:${TLS_PORT[self]}/index.html"
assert_eq "-k --json: verified false" "false" "$(jget "$OUT" 'j[0]["verified"]')"

section "peers that do not speak TLS, or stop in the middle"
fetch "${CA[@]}" "https://localhost:${TLS_PORT[plain]}/index.html"
assert_failed "plain HTTP on the https port" 9 'TLS handshake failed'
# peer MODE: a TCP server that resets at the first byte of the handshake, or
# never answers it; prints its port
peer() {
    "$PY" -c '
import socket, struct, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
if sys.argv[1] == "reset":
    c.recv(10)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
else:
    time.sleep(20)' "$1" >"$W/peer.$1" &
    PPID_=$!
    track "$PPID_"
    poll_until 10 grep -sqE '^[0-9]+$' "$W/peer.$1"
    PPORT=$(cat "$W/peer.$1")
}
peer reset
fetch "${CA[@]}" "https://localhost:$PPORT/"
assert_failed "reset during the handshake" 4 'reset the connection|closed the connection'
stop_pid "$PPID_"
peer silent
t0=$(now_ms)
fetch "${CA[@]}" --timeout 1 "https://localhost:$PPORT/"
took=$(($(now_ms) - t0))
assert_failed "a handshake that never ends" 7 'no answer in time|nothing received'
assert_true "a handshake that never ends: bounded by --timeout 1 (took $took ms)" test "$took" -lt 5000
stop_pid "$PPID_"

section "redirects between http and https"
fetch "${CA[@]}" -o - "http://127.0.0.1:${TLS_PORT[plain]}/r-https"
assert_eq "http -> https: exit 0" 0 "$STATUS"
assert_eq "http -> https: the page" "<html>hello over https</html>" "$OUT"
fetch "${CA[@]}" -o - -H 'Authorization: Bearer S3CRET' -H 'Cookie: sid=S3CRET' \
    "https://localhost:$G/r-http"
assert_eq "https -> http: followed, exit 0" 0 "$STATUS"
assert_match "https -> http: a notice on stderr" "$ERR" 'leaves https for plain http'
assert_true "https -> http: the credentials went to the https origin" \
    grep -q 'GET /r-http .*auth=\[Bearer S3CRET\]' "$NGX/good.log"
assert_true "https -> http: no credential over plain http" \
    bash -c "! grep -q 'S3CRET' '$NGX/plain.log'"

section "https through a proxy: a CONNECT tunnel"
if command -v tinyproxy >/dev/null 2>&1; then
    # start_tinyproxy NAME [BasicAuth line]: sets TP (its port)
    start_tinyproxy() {
        local p
        p=$(free_port)
        printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nLogFile "%s"\nLogLevel Connect\nMaxClients 10\n%s\n' \
            "$p" "$W/$1.log" "${2:-}" >"$W/$1.conf"
        tinyproxy -d -c "$W/$1.conf" </dev/null >"$W/$1.out" 2>&1 &
        TPPID=$!
        track "$TPPID"
        TP=$p
        poll_until 10 bash -c "grep -qiE ':$(printf '%04X' "$p") 00000000:0000 0A' /proc/net/tcp"
    }
    start_tinyproxy open
    https_proxy=http://127.0.0.1:$TP fetch "${CA[@]}" -o - "https://localhost:$G/index.html"
    assert_eq "through tinyproxy: exit 0" 0 "$STATUS"
    assert_eq "through tinyproxy: the page" "<html>hello over https</html>" "$OUT"
    assert_true "through tinyproxy: it was asked for a tunnel" grep -q "CONNECT" "$W/open.log"
    stop_pid "$TPPID"
    start_tinyproxy auth 'BasicAuth nbuser nbpass'
    https_proxy=http://127.0.0.1:$TP fetch "${CA[@]}" -o - "https://localhost:$G/index.html"
    assert_failed "a proxy that wants credentials, none given" 4 '407'
    https_proxy=http://nbuser:nbpass@127.0.0.1:$TP fetch "${CA[@]}" -o - "https://localhost:$G/index.html"
    assert_eq "a proxy with credentials: exit 0" 0 "$STATUS"
    assert_eq "a proxy with credentials: the page" "<html>hello over https</html>" "$OUT"
    assert_true "the proxy's credentials never reach the server" \
        bash -c "! grep -q 'Basic' '$NGX/good.log'"
    stop_pid "$TPPID"
else
    nb_fail "tinyproxy is installed (scripts/test.sh installs it)"
fi

section "--explain: the handshake in the lesson's words"
fetch -x "${CA[@]}" -o - "https://localhost:$G/index.html"
assert_eq "-x: exit 0" 0 "$STATUS"
assert_match "-x: the ClientHello with the name" "$ERR" 'ClientHello .* for the name localhost'
assert_match "-x: the certificate, its issuer and names" "$ERR" \
    'certificate 0: /CN=good leaf, issued by /CN=netbasics test CA, valid .* for localhost, 127\.0\.0\.1, ::1'
assert_match "-x: the name that matched" "$ERR" 'the name localhost matches the certificate'
assert_match "-x: the root and where it comes from" "$ERR" 'the chain ends at /CN=netbasics test CA, trusted because --cacert'
assert_match "-x: encrypted from here" "$ERR" 'encrypted: a listener on the wire sees only the server name and the sizes'

section "send --tls: HTTP by hand over TLS (like ncat --ssl)"
req() { printf 'GET /%s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1"; }
req index.html | timeout 30 "$NB" send --tls "${CA[@]}" localhost "$G" >"$W/tls1.out" 2>"$W/tls1.err"
assert_eq "send --tls: exit 0" 0 "$?"
assert_match "send --tls: the status line" "$(head -n 1 "$W/tls1.out")" '^HTTP/1\.1 200 OK'
assert_contains "send --tls: the page" "$(cat "$W/tls1.out")" "<html>hello over https</html>"
assert_match "send --tls: says what TLS it got" "$(cat "$W/tls1.err")" '^TLS: TLSv1\.[23], .*, the certificate verified$'
check_sanitizer "send --tls" "$W/tls1.err"
req data.bin | timeout 30 "$NB" send --tls "${CA[@]}" localhost "$G" >"$W/tls2.out" 2>"$W/tls2.err"
assert_eq "send --tls, 200,000 bytes: exit 0" 0 "$?"
assert_true "send --tls, 200,000 bytes: the body is all there" \
    bash -c "tail -c 200000 '$W/tls2.out' | cmp -s - '$WWW/data.bin'"
# --repr reads 1024 bytes at a time: the rest of each 16 KiB record waits inside
# OpenSSL, where a poll cannot see it
req data.bin | timeout 30 "$NB" send --tls --repr "${CA[@]}" localhost "$G" >"$W/tls3.out" 2>"$W/tls3.err"
assert_eq "send --tls --repr: exit 0" 0 "$?"
assert_eq "send --tls --repr: ends with Connection closed." "Connection closed." "$(tail -n 1 "$W/tls3.out")"
assert_true "send --tls --repr: at least 196 reads of 1024 bytes for the body" \
    test "$(grep -c '^Received: ' "$W/tls3.out")" -ge 196
req index.html | timeout 30 "$NB" send --tls localhost "$G" >"$W/tls4.out" 2>"$W/tls4.err"
assert_eq "send --tls without the CA: exit 9" 9 "$?"
assert_eq "send --tls without the CA: nothing received" "" "$(cat "$W/tls4.out")"
assert_contains "send --tls without the CA: says why" "$(cat "$W/tls4.err")" "does not trust"
req index.html | timeout 30 "$NB" send --tls -k localhost "${TLS_PORT[self]}" >"$W/tls5.out" 2>"$W/tls5.err"
assert_eq "send --tls -k: exit 0" 0 "$?"
assert_contains "send --tls -k: warns" "$(cat "$W/tls5.err")" "warning: -k"
assert_contains "send --tls -k: not checked, it says" "$(cat "$W/tls5.err")" "NOT checked"
req index.html | timeout 30 "$NB" send --tls "${CA[@]}" --servername www.example.org localhost \
    "${TLS_PORT[wrong]}" >"$W/tls6.out" 2>"$W/tls6.err"
assert_eq "send --tls --servername: the other name is checked, exit 0" 0 "$?"
run "$NB" send --cacert x localhost 443
assert_status "send --cacert without --tls: usage error" 2

section "no OpenSSL on this machine"
NB_LIBSSL=$NB_TMP/no/libssl.so.3 fetch -o - "https://localhost:$G/index.html"
assert_failed "no libssl: exit 8" 8 'apt-get install libssl3'
NB_LIBSSL=$NB_TMP/no/libssl.so.3 fetch -o - "http://127.0.0.1:${TLS_PORT[plain]}/index.html"
assert_eq "no libssl: plain http still works" "<html>hello over https</html>" "$OUT"
run env NB_LIBSSL=$NB_TMP/no/libssl.so.3 "$NB" --version
assert_contains "--version without libssl: -tls" "$OUT" "-tls (libssl.so.3 not found)"
run "$NB" --version
assert_match "--version: tls(system OpenSSL 3.x)" "$OUT" 'tls\(system OpenSSL 3\.[0-9]+\.[0-9]+\)'

finish
