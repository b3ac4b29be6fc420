#!/usr/bin/env bash
# test_fetch.sh - `netbasics fetch` from the outside: against a real nginx
# started here on 127.0.0.1 (and [::1]) on a free port, serving generated
# files (1 KiB, 1 MiB, 256 MiB with SHA-256 checked, an SSI page that nginx
# sends chunked, redirects made with `return`, a 404), and against
# peers/http_hostile.py for what nginx never sends (broken framing, huge
# heads, hostile bytes, servers that stall, drip or reset).
#
# Every fetch runs in a fresh directory, and the directory is checked after
# it: a success leaves exactly the expected file, a failure leaves nothing
# (no file, no temporary .NAME.part-* either). Loopback only, no DNS (IP
# literals and 'localhost' from the hosts file), every wait bounded, every
# netbasics call under `timeout 30`, every background process stopped by its
# PID. NB_FETCH_BIG_MB sets the size of the large file (default 1024: the
# issue's 1 GiB, mostly sparse, on tmpfs when there is room).
# Usage: test_fetch.sh PATH/TO/netbasics
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] &&
    [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 3145728 ] 2>/dev/null; then
    export TMPDIR=/dev/shm # the 1 GiB copy stays in memory, not on a small disk
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY ftp_proxy FTP_PROXY \
    no_proxy NO_PROXY
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
HOSTILE=$PEERS/http_hostile.py
ESC=$'\033'
BEL=$'\007'
BIG_MB=${NB_FETCH_BIG_MB:-1024}
T_START=$(date +%s)

# --- processes in the background, waits with a limit ----------------------

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"




# --- fetch in a fresh directory --------------------------------------------

NRUN=0
FETCH_ENV=()  # VAR=VALUE settings for the next fetches (env(1) arguments)
FETCH_WRAP=() # a command the fetch runs under
# fetch ARGS...: runs `netbasics fetch ARGS` (30 s at most) in a new empty
# directory WD (or in FETCH_DIR when set); OUT_FILE/OUT, ERR_FILE/ERR,
# STATUS as lib.sh's run, and ELAPSED_MS.
fetch() {
    local t0
    if [ -n "${FETCH_DIR:-}" ]; then
        WD=$FETCH_DIR
    else
        NRUN=$((NRUN + 1))
        WD=$NB_TMP/runs/$NRUN
        mkdir -p "$WD"
    fi
    t0=$(now_ms)
    (cd "$WD" && exec "${FETCH_WRAP[@]}" env "${FETCH_ENV[@]}" timeout 30 "$NB" fetch "$@") \
        </dev/null >"$OUT_FILE" 2>"$ERR_FILE"
    STATUS=$?
    ELAPSED_MS=$(($(now_ms) - t0))
    { OUT=$(cat "$OUT_FILE"); } 2>/dev/null # a binary body: bash warns of NUL bytes
    ERR=$(cat "$ERR_FILE")
    nb_check_sanitizer fetch "$@"
}

# The names in WD (dot-files too), one a line, sorted.
listing() { (cd "$WD" && LC_ALL=C ls -A); }

# assert_files NAME EXPECTED: WD holds exactly the files EXPECTED (newline-separated).
assert_files() {
    assert_eq "$1: the directory holds exactly: ${2//$'\n'/ }" "$2" "$(listing)"
}

# assert_failed NAME STATUS: the exit status, one error line on stderr
# (prefixed), nothing on stdout, no raw ESC or BEL, and an empty directory.
assert_failed() {
    assert_status "$1: exit $2" "$2"
    assert_eq "$1: one line on stderr" 1 "$(count_lines "$ERR")"
    assert_match "$1: the line is 'netbasics fetch: ...'" "$ERR" '^netbasics fetch: .+'
    assert_eq "$1: nothing on stdout" 0 "$(wc -c <"$OUT_FILE")"
    if [[ "$ERR" == *"$ESC"* || "$ERR" == *"$BEL"* ]]; then
        nb_fail "$1: no raw ESC or BEL on stderr" "$(nb_show "$ERR")"
    else
        nb_pass "$1: no raw ESC or BEL on stderr"
    fi
    assert_files "$1: no file, no .part file left" ""
}

same_file() { cmp -s "$1" "$2"; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }

# --- the scripted server ----------------------------------------------------


# hostile MODE [ARGS...]: starts peers/http_hostile.py MODE; sets HPID and
# HPORT (1 and a failure when it did not print its port in 10 s).
NHOST=0
hostile() {
    NHOST=$((NHOST + 1))
    start_peer "hostile.$NHOST" "$PY" "$HOSTILE" "$@"
    local rc=$?
    HPID=$PEER_PID
    HPORT=$PEER_PORT
    return $rc
}

# hostile_case NAME MODE STATUS ERE [FETCH-OPTIONS...]: a fetch of /f.bin from
# a new server in MODE fails with STATUS, one error line matching ERE, no file.
hostile_case() {
    local name=$1 mode=$2 want=$3 ere=$4
    shift 4
    hostile "$mode" --time 20 || return 1
    fetch "$@" "http://127.0.0.1:$HPORT/f.bin"
    assert_failed "$name" "$want"
    assert_match "$name: says why" "$ERR" "$ere"
    stop_pid "$HPID"
}

# =============================================================================
section "usage"
fetch --help
assert_status "--help: exit 0" 0
assert_contains "--help: the usage" "$OUT" "usage: netbasics fetch"
fetch
assert_failed "no URL" 2
fetch "http://127.0.0.1:0/x"
assert_failed "port 0" 2

# =============================================================================
section "nginx on loopback"
NGX=$NB_TMP/nginx
WWW=$NGX/www
mkdir -p "$WWW/ssi" "$WWW/dir"
head -c 1024 /dev/urandom >"$WWW/1k.bin"
head -c 1048576 /dev/urandom >"$WWW/1m.bin"
# 1 MiB of random bytes, then a sparse hole to the full size: quick to make,
# and the SHA-256 still covers every byte of the download
head -c 1048576 /dev/urandom >"$WWW/big.bin"
truncate -s $((BIG_MB * 1048576)) "$WWW/big.bin"
printf '<html><body>home</body></html>\n' >"$WWW/index.html"
printf 'a file in a directory\n' >"$WWW/dir/file.txt"
# a page served with a 21 KB header line and 150 Set-Cookie lines, as real
# Content-Security-Policy and cookie-heavy sites send (nginx's configuration
# reader takes a word of at most 4 KB: the long value is one word seven times)
mkdir -p "$WWW/bighead"
printf 'big head\n' >"$WWW/bighead/page.txt"
BIGHEAD_CONF=$(
    printf 'location /bighead/ {\n'
    printf '    set $k "%s";\n' "$(head -c 3000 /dev/zero | tr '\0' k)"
    printf '    add_header X-Long "$k$k$k$k$k$k$k";\n'
    for i in $(seq 150); do
        printf '    add_header Set-Cookie "c%d=%s; Path=/";\n' "$i" "$(head -c 40 /dev/zero | tr '\0' v)"
    done
    printf '}\n'
)
# an SSI page: no length known in advance, so nginx sends it chunked (about
# 400 KB: many chunks)
head -c 300000 /dev/urandom | base64 >"$WWW/ssi/part.txt"
printf '<html><!--# set var="who" value="fetched by netbasics" --><!--# echo var="who" -->\n<!--# include file="part.txt" -->\n</html>\n' \
    >"$WWW/ssi/page.html"


if ! command -v nginx >/dev/null 2>&1; then
    echo "# skipped: nginx is not installed"
elif ! start_nginx "$NGX" "$WWW" '
        location /r301 { return 301 /1k.bin; }
        location /r302 { return 302 http://127.0.0.1:@PORT@/1k.bin; }
        location /rchain { return 302 /r301; }
        location /rrel { absolute_redirect off; return 301 /1k.bin; }
        location /ssi/ { ssi on; }'"
        $BIGHEAD_CONF"; then
    nb_fail "nginx starts on a free port" "$(tail -n 5 "$NGX/error.log" 2>/dev/null)"
else
    U=http://127.0.0.1:$NP

    section "nginx: files of 1 KiB, 1 MiB and $BIG_MB MiB"
    fetch "$U/1k.bin"
    assert_status "1 KiB: exit 0" 0
    assert_files "1 KiB" "1k.bin"
    assert_true "1 KiB: the same bytes" same_file "$WWW/1k.bin" "$WD/1k.bin"
    assert_eq "1 KiB: nothing on stdout" "" "$OUT"
    assert_match "1 KiB: says what it saved" "$ERR" '^Saved 1k\.bin: .*\(1024 bytes\)'
    assert_match "1 KiB: a file:// URL to open" "$ERR" "^Open it in a browser: file://.*/1k\.bin$"

    fetch "$U/1m.bin"
    assert_status "1 MiB: exit 0" 0
    assert_files "1 MiB" "1m.bin"
    assert_eq "1 MiB: SHA-256" "$(sha "$WWW/1m.bin")" "$(sha "$WD/1m.bin")"

    fetch -q "$U/big.bin"
    assert_status "$BIG_MB MiB: exit 0" 0
    assert_files "$BIG_MB MiB" "big.bin"
    assert_eq "$BIG_MB MiB: SHA-256" "$(sha "$WWW/big.bin")" "$(sha "$WD/big.bin")"
    assert_eq "$BIG_MB MiB: -q prints nothing" "" "$ERR"
    echo "# $BIG_MB MiB in ${ELAPSED_MS} ms"
    rm -f "$WD/big.bin"

    section "nginx: a chunked body (an SSI page)"
    fetch -x "$U/ssi/page.html"
    assert_status "SSI: exit 0" 0
    assert_files "SSI" "page.html"
    assert_match "SSI: nginx sent it chunked" "$ERR" 'Transfer-Encoding: chunked'
    assert_match "SSI: -x names the chunks" "$ERR" 'chunk 2: [0-9]+ bytes'
    assert_match "SSI: -x names the last chunk" "$ERR" 'chunk [0-9]+: 0 bytes'
    assert_eq "SSI: the SSI was processed" "<html>fetched by netbasics" "$(head -n 1 "$WD/page.html")"
    { printf '<html>fetched by netbasics\n'; cat "$WWW/ssi/part.txt"; printf '\n</html>\n'; } >"$NB_TMP/ssi.expected"
    assert_true "SSI: the body put together from its chunks" same_file "$NB_TMP/ssi.expected" "$WD/page.html"
    if command -v curl >/dev/null 2>&1; then
        curl -s --noproxy '*' -m 20 -o "$NB_TMP/ssi.curl" "$U/ssi/page.html"
        assert_true "SSI: the same file as curl saves" same_file "$NB_TMP/ssi.curl" "$WD/page.html"
    fi

    section "nginx: redirects"
    fetch "$U/r301"
    assert_status "301: exit 0" 0
    assert_files "301: named after the URL asked for, not the redirect target" "r301"
    assert_true "301: the target's bytes" same_file "$WWW/1k.bin" "$WD/r301"
    assert_match "301: the hop on stderr" "$ERR" "^redirect 1: HTTP 301 Moved Permanently -> http://127\.0\.0\.1:$NP/1k\.bin$"

    fetch "$U/r302"
    assert_status "302: exit 0" 0
    assert_files "302" "r302"
    assert_true "302: the target's bytes" same_file "$WWW/1k.bin" "$WD/r302"
    assert_match "302: the hop on stderr" "$ERR" "^redirect 1: HTTP 302 .* -> http://127\.0\.0\.1:$NP/1k\.bin$"

    fetch "$U/rchain"
    assert_status "two hops: exit 0" 0
    assert_files "two hops" "rchain"
    assert_true "two hops: the target's bytes" same_file "$WWW/1k.bin" "$WD/rchain"
    assert_match "two hops: hop 1" "$ERR" "^redirect 1: HTTP 302 .* -> http://127\.0\.0\.1:$NP/r301$"
    assert_match "two hops: hop 2" "$ERR" "^redirect 2: HTTP 301 .* -> http://127\.0\.0\.1:$NP/1k\.bin$"

    fetch "$U/rrel"
    assert_status "a relative Location: exit 0" 0
    assert_true "a relative Location: the target's bytes" same_file "$WWW/1k.bin" "$WD/rrel"

    fetch --max-redirs 1 "$U/rchain"
    assert_status "two hops with --max-redirs 1, hops shown: exit 5" 5
    assert_eq "two hops with --max-redirs 1, hops shown: the hop, then one error line" \
        "redirect 1:|netbasics fetch:" "$(cut -d' ' -f1,2 "$ERR_FILE" | paste -sd'|')"
    assert_files "two hops with --max-redirs 1, hops shown: no file" ""
    fetch -q --max-redirs 1 "$U/rchain"
    assert_failed "two hops with --max-redirs 1" 5
    assert_contains "--max-redirs 1: names the option" "$ERR" "--max-redirs"

    section "nginx: 404"
    fetch "$U/nope.html"
    assert_failed "404" 1
    assert_contains "404: the status line" "$ERR" "HTTP 404 Not Found"
    fetch --keep-errors "$U/nope.html"
    assert_status "404 --keep-errors: exit 1" 1
    assert_eq "404 --keep-errors: one line on stderr" 1 "$(count_lines "$ERR")"
    assert_files "404 --keep-errors: the body is kept" "nope.html"
    assert_true "404 --keep-errors: it is nginx's error page" grep -q "404 Not Found" "$WD/nope.html"

    section "nginx: a 21 KB header line and 150 Set-Cookie lines"
    fetch -i -o - "$U/bighead/page.txt"
    assert_status "big head: exit 0" 0
    assert_eq "big head: the 21 KB line, whole" 21000 \
        "$(tr -d '\r' <"$OUT_FILE" | grep '^X-Long: ' | cut -d' ' -f2 | tr -d '\n' | wc -c)"
    assert_eq "big head: 150 Set-Cookie lines" 150 "$(grep -c '^Set-Cookie: ' "$OUT_FILE")"
    assert_eq "big head: then the body" "big head" "$(tail -n 1 "$OUT_FILE")"
    fetch "$U/bighead/page.txt"
    assert_status "big head, saved: exit 0" 0
    assert_eq "big head, saved: the body" "big head" "$(cat "$WD/page.txt" 2>/dev/null)"

    section "nginx: HEAD (-I) and -i"
    fetch -I "$U/1k.bin"
    assert_status "-I: exit 0" 0
    assert_eq "-I: the status line first" "HTTP/1.1 200 OK" "$(head -n 1 "$OUT_FILE" | tr -d '\r')"
    assert_match "-I: the headers" "$(tr -d '\r' <"$OUT_FILE")" '^Content-Length: 1024$'
    assert_match "-I: Server: nginx" "$(tr -d '\r' <"$OUT_FILE")" '^Server: nginx'
    assert_eq "-I: the head ends with an empty line" "" "$(tail -n 1 "$OUT_FILE" | tr -d '\r')"
    assert_files "-I: no file" ""

    fetch -i "$U/1k.bin"
    assert_status "-i: exit 0" 0
    assert_eq "-i: the status line first" "HTTP/1.1 200 OK" "$(head -n 1 "$OUT_FILE" | tr -d '\r')"
    assert_match "-i: the headers" "$(head -c 1000 "$OUT_FILE" | tr -d '\r')" '^Content-Length: 1024$'
    assert_true "-i: the body after the headers" same_file "$WWW/1k.bin" <(tail -c 1024 "$OUT_FILE")
    head_len=$("$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.index(b"\r\n\r\n") + 4)' "$OUT_FILE")
    assert_eq "-i: the head, then exactly the body" "$((head_len + 1024))" "$(wc -c <"$OUT_FILE")"
    assert_files "-i: no file" ""

    section "nginx: IPv6 and localhost"
    if [ "$HAVE_V6" = 1 ]; then
        fetch "http://[::1]:$NP/1k.bin"
        assert_status "[::1]: exit 0" 0
        assert_files "[::1]" "1k.bin"
        assert_true "[::1]: the same bytes" same_file "$WWW/1k.bin" "$WD/1k.bin"
        fetch -6 "http://[::1]:$NP/1m.bin"
        assert_status "-6 [::1]: exit 0" 0
        assert_eq "-6 [::1]: SHA-256" "$(sha "$WWW/1m.bin")" "$(sha "$WD/1m.bin")"
    else
        echo "# skipped: ::1 is not available"
    fi
    fetch "http://localhost:$NP/1k.bin"
    assert_status "localhost: exit 0" 0
    assert_true "localhost: the same bytes" same_file "$WWW/1k.bin" "$WD/1k.bin"

    section "nginx: file names"
    fetch "$U/"
    assert_status "/: exit 0" 0
    assert_files "/ is saved as index.html" "index.html"
    assert_true "/: the page" same_file "$WWW/index.html" "$WD/index.html"
    fetch "$U/dir/file.txt?x=1&y=2#frag"
    assert_status "a query and a fragment: exit 0" 0
    assert_files "the last segment, without the query" "file.txt"
    assert_true "the last segment: the file" same_file "$WWW/dir/file.txt" "$WD/file.txt"

    section "nginx: an existing file is never overwritten"
    NRUN=$((NRUN + 1))
    FETCH_DIR=$NB_TMP/runs/$NRUN
    mkdir -p "$FETCH_DIR"
    printf 'old\n' >"$FETCH_DIR/1k.bin"
    fetch "$U/1k.bin"
    assert_status "existing: exit 6" 6
    assert_eq "existing: one line on stderr" 1 "$(count_lines "$ERR")"
    assert_contains "existing: the message names --force" "$ERR" "--force"
    assert_eq "existing: left as it was" "old" "$(cat "$WD/1k.bin")"
    assert_files "existing: no .part file" "1k.bin"
    fetch --force "$U/1k.bin"
    assert_status "--force: exit 0" 0
    assert_true "--force: overwritten" same_file "$WWW/1k.bin" "$WD/1k.bin"
    assert_files "--force: no .part file" "1k.bin"
    # a dangling symbolic link is a name that exists too
    ln -s "$NB_TMP/runs/nowhere" "$FETCH_DIR/1m.bin"
    fetch "$U/1m.bin"
    assert_status "a dangling symlink: exit 6" 6
    assert_true "a dangling symlink: not followed" test ! -e "$NB_TMP/runs/nowhere"
    unset FETCH_DIR

    section "nginx: -o"
    fetch -o out.dat "$U/1k.bin"
    assert_status "-o FILE: exit 0" 0
    assert_files "-o FILE" "out.dat"
    assert_true "-o FILE: the bytes" same_file "$WWW/1k.bin" "$WD/out.dat"
    fetch -o - "$U/1m.bin"
    assert_status "-o -: exit 0" 0
    assert_true "-o -: stdout is byte-identical" same_file "$WWW/1m.bin" "$OUT_FILE"
    assert_files "-o -: no file" ""
    fetch -o - "$U/nope.html"
    assert_failed "-o - of a 404" 1

    section "nginx: --json"
    fetch --json "$U/r301"
    assert_status "--json: exit 0" 0
    assert_eq "--json: one object on stdout" 1 "$(count_lines "$OUT")"
    json_err=$(json_lines_ok "$OUT" 2>&1 | tail -n 1)
    if [ -z "$json_err" ]; then
        nb_pass "--json: valid JSON"
    else
        nb_fail "--json: valid JSON" "$json_err" "stdout: $(nb_show "$OUT")"
    fi
    assert_eq "--json: url" "$U/r301" "$(jget "$OUT" 'j[0]["url"]')"
    assert_eq "--json: final_url" "$U/1k.bin" "$(jget "$OUT" 'j[0]["final_url"]')"
    assert_eq "--json: status" 200 "$(jget "$OUT" 'j[0]["status"]')"
    assert_eq "--json: bytes" 1024 "$(jget "$OUT" 'j[0]["bytes"]')"
    assert_eq "--json: seconds is a number" true \
        "$(jget "$OUT" 'isinstance(j[0]["seconds"], (int, float)) and j[0]["seconds"] >= 0')"
    assert_eq "--json: file (the absolute path)" "$(cd "$WD" && pwd -P)/r301" "$(jget "$OUT" 'j[0]["file"]')"
    assert_files "--json: the file" "r301"

    section "nginx: user:password in the URL is never shown"
    PW=s3cretPW
    PW64=$(printf 'user:%s' "$PW" | base64)
    for opts in "" "-x" "--json" "-x -o -" "-x --max-redirs 0"; do
        # shellcheck disable=SC2086
        fetch $opts "http://user:$PW@127.0.0.1:$NP/r301"
        assert_status "password, ${opts:-no option}: exit 0" 0
        assert_not_contains "password, ${opts:-no option}: not on stdout" "$OUT" "$PW"
        assert_not_contains "password, ${opts:-no option}: not on stderr" "$ERR" "$PW"
        assert_not_contains "password, ${opts:-no option}: not base64 on stderr" "$ERR" "$PW64"
    done
    fetch -x "http://user:$PW@127.0.0.1:$NP/nope.html"
    assert_status "password, a 404 with -x: exit 1" 1
    assert_not_contains "password, a 404 with -x: not on stderr" "$ERR" "$PW"
fi

# =============================================================================
section "https:// without OpenSSL on the machine: exit 8, no connection"
# NB_LIBSSL names a library that is not there: the machine without libssl3
if hostile ok --time 20 --log "$NB_TMP/https.log"; then
    FETCH_ENV=("NB_LIBSSL=$NB_TMP/none/libssl.so.3")
    fetch "https://127.0.0.1:$HPORT/secret.bin"
    assert_failed "https, no libssl" 8
    assert_contains "https, no libssl: says what to install" "$ERR" "apt-get install libssl3"
    assert_eq "https, no libssl: no connection was made" 0 "$(grep -c '^connection' "$NB_TMP/https.log")"
    stop_pid "$HPID"
    fetch "https://127.0.0.1:1/x"
    assert_failed "https to a closed port, no libssl: still exit 8 (nothing tried)" 8
    FETCH_ENV=()
fi

# =============================================================================
section "http_proxy and no_proxy"
if hostile proxy --conns 10 --time 60 --log "$NB_TMP/proxy.log"; then
    TARGET=http://127.0.0.1:${NP:-9}/1k.bin
    FETCH_ENV=("http_proxy=http://127.0.0.1:$HPORT")
    fetch "$TARGET"
    assert_status "http_proxy: exit 0" 0
    assert_files "http_proxy" "1k.bin"
    assert_eq "http_proxy: the proxy's answer was saved" "via proxy" "$(cat "$WD/1k.bin")"
    assert_match "http_proxy: the request line in absolute form" "$(cat "$NB_TMP/proxy.log")" \
        "^GET http://127\.0\.0\.1:${NP:-9}/1k\.bin HTTP/1\.1$"
    assert_match "http_proxy: Host: is the origin's" "$(cat "$NB_TMP/proxy.log")" \
        "^Host: 127\.0\.0\.1:${NP:-9}$"

    FETCH_ENV=("http_proxy=127.0.0.1:$HPORT")
    fetch "$TARGET"
    assert_status "http_proxy without http://: exit 0" 0
    assert_eq "http_proxy without http://: used" "via proxy" "$(cat "$WD/1k.bin" 2>/dev/null)"

    FETCH_ENV=("http_proxy=http://127.0.0.1:$HPORT")
    n_before=$(grep -c '^connection' "$NB_TMP/proxy.log")
    fetch "https://127.0.0.1:${NP:-9}/1k.bin"
    assert_failed "https ignores http_proxy (https_proxy is its variable): the plain server is no TLS" 9
    assert_eq "https ignores http_proxy: the proxy was not asked" "$n_before" \
        "$(grep -c '^connection' "$NB_TMP/proxy.log")"

    n_before=$(grep -c '^connection' "$NB_TMP/proxy.log")
    if [ -n "$NP" ]; then
        for np in "127.0.0.1" "localhost,127.0.0.1" "*"; do
            FETCH_ENV=("http_proxy=http://127.0.0.1:$HPORT" "no_proxy=$np")
            fetch "$TARGET"
            assert_status "no_proxy=$np: exit 0" 0
            assert_true "no_proxy=$np: straight from nginx" same_file "$WWW/1k.bin" "$WD/1k.bin"
        done
        FETCH_ENV=("HTTP_PROXY=http://127.0.0.1:$HPORT")
        fetch "$TARGET"
        assert_status "HTTP_PROXY (upper case, httpoxy): exit 0" 0
        assert_true "HTTP_PROXY is ignored, as curl does" same_file "$WWW/1k.bin" "$WD/1k.bin"
        assert_eq "no_proxy and HTTP_PROXY: the proxy saw no connection" "$n_before" \
            "$(grep -c '^connection' "$NB_TMP/proxy.log")"
    fi
    FETCH_ENV=()
    stop_pid "$HPID"
fi

# =============================================================================
section "file names from hostile URL paths: one plain file, in the directory"
# each fetch runs 4 directories deep, so a name that climbs out would land
# inside NB_TMP/names/N, where it is looked for
if hostile ok --conns 20 --time 60; then
    long=$(printf 'a%.0s' {1..300})
    for path in "/a/..%2F..%2Fetc%2Fpasswd" "/%2e%2e" "/%2E%2E/" "/..%2f..%2fx" "/.hidden" \
        "/..." "/x%0Ay%1B%5B2J.txt" "/a%00b" "/%2Fetc%2Fpasswd" "/b%5C..%5C..%5Cc" \
        "/$long.bin"; do
        NRUN=$((NRUN + 1))
        base=$NB_TMP/names/$NRUN
        FETCH_DIR=$base/d1/d2/d3/d4
        mkdir -p "$FETCH_DIR"
        fetch "http://127.0.0.1:$HPORT$path"
        name=$(listing)
        show=${path:0:40}
        assert_status "name for $show: exit 0" 0
        assert_eq "name for $show: one file in the directory" 1 "$(count_lines "$name")"
        assert_eq "name for $show: no file anywhere else" 1 "$(find "$base" -type f | wc -l)"
        assert_match "name for $show: a plain name, no leading dot ($(nb_show "${name:0:40}"))" "$name" \
            '^[A-Za-z0-9_-][A-Za-z0-9._-]*$'
        assert_not_contains "name for $show: no '..'" "$name" ".."
        assert_true "name for $show: 255 bytes at most" test "${#name}" -le 255
        assert_true "name for $show: a regular file" test -f "$FETCH_DIR/$name" -a ! -L "$FETCH_DIR/$name"
    done
    unset FETCH_DIR
    stop_pid "$HPID"
fi

# =============================================================================
section "hostile servers: framing"
hostile_case "a short body (Content-Length 100, 10 sent)" short 5 'ended after 10 of 100'
hostile_case "Content-Length -1" cl-negative 5 'Content-Length'
hostile_case "Content-Length 99999999999999999999999" cl-huge 5 'Content-Length'
hostile_case "Content-Length 5abc" cl-5abc 5 'Content-Length'
hostile_case "two Content-Length values" cl-conflict 5 'Content-Length'
hostile_case "chunk size FFFFFFFFFFFFFFFF" chunk-ffff 5 'chunk size'
hostile_case "chunk size of 17 hex digits" chunk-17 5 'chunk size'
hostile_case "chunk size -5" chunk-negative 5 'chunk size'
hostile_case "no last chunk" chunk-nofinal 5 'last chunk'
hostile_case "no CRLF after chunk data" chunk-nocrlf 5 'CRLF'

section "hostile servers: redirects"
if hostile loop --conns 30 --time 20; then
    fetch -q "http://127.0.0.1:$HPORT/loop-a"
    assert_failed "a redirect loop" 5
    assert_contains "a redirect loop: says loop" "$ERR" "loop"
    fetch "http://127.0.0.1:$HPORT/loop-a"
    assert_status "a redirect loop, hops shown: exit 5" 5
    assert_eq "a redirect loop, hops shown: one error line" 1 "$(grep -c '^netbasics fetch:' "$ERR_FILE")"
    assert_eq "a redirect loop, hops shown: the hops, then the error" 2 "$(grep -c '^redirect [0-9]' "$ERR_FILE")"
    assert_files "a redirect loop, hops shown: no file" ""
    stop_pid "$HPID"
fi
hostile_case "a redirect to file:///etc/passwd" redir-file 5 "refused.*file"
hostile_case "a redirect to ftp://" redir-ftp 5 "refused.*ftp"
hostile_case "a 70 KB Location" long-location 5 '.'

section "hostile servers: heads"
hostile_case "a 1 MB header line" long-header 5 'longer than'
assert_true "a 1 MB header line: refused quickly ($ELAPSED_MS ms)" test "$ELAPSED_MS" -lt 5000
hostile_case "200,000 headers" many-headers 5 'head is larger than 307200 bytes'
assert_true "200,000 headers: refused quickly ($ELAPSED_MS ms)" test "$ELAPSED_MS" -lt 5000
# the server streams a status line for 20 s: the fetch must stop reading long before
RSS_FILE=$NB_TMP/maxrss
FETCH_WRAP=("$PY" -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$RSS_FILE")
hostile_case "an endless status line" endless-status 5 'longer than'
FETCH_WRAP=()
assert_true "an endless status line: refused quickly ($ELAPSED_MS ms)" test "$ELAPSED_MS" -lt 10000
rss_kb=$(cat "$RSS_FILE" 2>/dev/null || echo 999999999)
assert_true "an endless status line: memory bounded (peak $rss_kb KiB < 64 MiB)" test "$rss_kb" -lt 65536
hostile_case "a NUL in a header" nul-header 5 'NUL'
hostile_case "ESC sequences in the reason phrase" esc-reason 1 '404'
assert_contains "ESC in the reason: printed escaped" "$ERR" '\x1b]0;pwned\x07Not Found'

section "hostile servers: interim responses"
if hostile continue --time 20; then
    fetch "http://127.0.0.1:$HPORT/f.bin"
    assert_status "100 Continue, then 200: exit 0" 0
    assert_files "100 Continue, then 200: the file" "f.bin"
    assert_eq "100 Continue, then 200: the 200's body" "hello" "$(cat "$WD/f.bin")"
    stop_pid "$HPID"
fi

section "hostile servers: folded headers and big heads are read (issue 10)"
if hostile fold --conns 2 --time 20; then
    fetch "http://127.0.0.1:$HPORT/f.bin"
    assert_status "obs-fold (curl test 1274): exit 0" 0
    assert_files "obs-fold: the file" "f.bin"
    assert_eq "obs-fold: the body" "hello" "$(cat "$WD/f.bin")"
    fetch -i -o - "http://127.0.0.1:$HPORT/f.bin"
    assert_contains "obs-fold: -i shows each fold as one space" "$(tr -d '\r' <"$OUT_FILE")" \
        $'Server: test-server/ fake folded\nContent-Length: 6\nX-After: 1\n'
    stop_pid "$HPID"
fi
if hostile big-head --time 20; then
    fetch "http://127.0.0.1:$HPORT/f.bin"
    assert_status "an 18 KB header line and 150 Set-Cookie lines (curl test 1205): exit 0" 0
    assert_eq "an 18 KB line, 150 Set-Cookie: the body" "hello" "$(cat "$WD/f.bin" 2>/dev/null)"
    stop_pid "$HPID"
fi

section "hostile servers: transfer codings other than chunked are refused (issue 10)"
hostile_case "Transfer-Encoding: gzip" te-gzip 5 "transfer coding 'gzip'"
hostile_case "Transfer-Encoding: gzip, chunked" te-gzip-chunked 5 "transfer coding 'gzip'"
hostile_case "Transfer-Encoding: deflate, chunked" te-deflate 5 "transfer coding 'deflate'"
hostile_case "Transfer-Encoding: identityx" te-identityx 5 "transfer coding 'identityx'"
hostile_case "nine Transfer-Encoding: gzip" te-nine 5 "transfer coding 'gzip'"
hostile_case "a chain of 100 gzips" te-chain 5 "transfer coding 'gzip'"
hostile_case "gzip, -o NAME" te-gzip 5 "cannot decode" -o page.bin
hostile_case "gzip, --force over nothing" te-gzip-chunked 5 "cannot decode" --force

section "hostile servers: status codes outside 100-599 are a server error (issue 10)"
hostile_case "HTTP/1.1 999 OK (curl test 1429)" status-999 1 '^netbasics fetch: HTTP 999 OK from'
hostile_case "HTTP/1.1 099" status-099 1 '^netbasics fetch: HTTP 099 Low from'
if hostile status-999 --time 20; then
    fetch --keep-errors "http://127.0.0.1:$HPORT/f.bin"
    assert_status "999 --keep-errors: exit 1" 1
    assert_eq "999 --keep-errors: the body is kept" "hello" "$(cat "$WD/f.bin" 2>/dev/null)"
    stop_pid "$HPID"
fi

section "hostile servers: stalls, drips and resets"
hostile_case "a server that never answers, --timeout 1" silent 7 'no data for 1 s' --timeout 1
assert_true "never answers: gave up in time ($ELAPSED_MS ms)" test "$ELAPSED_MS" -lt 5000
hostile_case "one byte a second, --max-time 2" drip 7 'max-time' --max-time 2
assert_true "one byte a second: gave up at about 2 s ($ELAPSED_MS ms)" \
    test "$ELAPSED_MS" -ge 1500 -a "$ELAPSED_MS" -lt 6000
# observed: the RST arrives while the body is being read; recv() fails with
# ECONNRESET, which netbasics reports as a failed connection (4), not as a
# protocol error
hostile_case "a reset in the middle of the body" reset 4 'reset'

echo
echo "# $(($(date +%s) - T_START)) s"
finish
