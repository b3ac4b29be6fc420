#!/usr/bin/env bash
# bench_https.sh [NETBASICS] - issue 11's speed: `netbasics fetch` over https
# against curl (which uses the same system OpenSSL), both downloading from one
# nginx started here with TLS on 127.0.0.1 (a certificate for 127.0.0.1 from a
# private CA made with the openssl command line, trusted with --cacert), and
# the same tools over plain http from the same nginx beside them. Prints
# markdown. Not part of CI.
#
# (a) file: a BIG_MIB MiB file of random bytes (on tmpfs) saved to a file on tmpfs:
#       netbasics fetch -q --cacert CA -o OUT https://...     curl -q -s --cacert CA -o OUT https://...
#       and both over http:// (the "plain http" rows)
#     OUT is removed before every run, untimed.
# (b) null: the same downloads to /dev/null (netbasics: -o - >/dev/null).
# (c) small: SMALL_N sequential fetches of a 1 KiB file, one process each, in
#     one `sh` loop per timed run: netbasics -f -o OUT, netbasics -o - >OUT and
#     curl -o OUT over https, and netbasics and curl over http. Every process
#     loads OpenSSL and does a full handshake (no session reuse across
#     processes), so the time per fetch includes loading the library.
# Peak RSS: ru_maxrss of every run (runner.c), beside curl's.
#
# Rounds: WARM warm-up + R timed; every round runs every tool once, in an
# order rotated by one each round (A B A B). Ratios are medians over rounds of
# per-round ratios. Before timing, every tool downloads once untimed and its
# output's size and SHA-256 must match the served file.
# Targets (issue 11): netbasics's time at most 0.9 x curl's over https, for
# (a), (b) and (c).
#
# Knobs (environment): BIG_MIB=1024, R=5, WARM=1, SMALL_N=1000, SMALL_R=R,
# RUN_TIMEOUT=120 s, SMALL_TIMEOUT=600 s, TOTAL_TIMEOUT=1800 s per scenario,
# SCEN="file null small", TMPROOT (default /dev/shm), CC=cc, KEEP_RAW=DIR,
# REPORT=FILE. Loopback only; proxies and SSL_CERT_* unset; nginx is stopped
# by its PID.
# Exit: 0 when the targets hold, 1 when one does not (or netbasics failed a
# check), 2 on a usage or set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=fetch_lib.sh
. "$HERE/fetch_lib.sh"
# tls_make_pki: the private CA and certificates of the CLI tests
# shellcheck source=../cli/tls.sh
. "$ROOT/tests/cli/tls.sh"

fetch_knobs
MAX_TIME_RATIO=0.9 # issue 11: netbasics's time at most 0.9 x curl's
REF_NAME="plain http"

find_nb "${1:-}"
have nginx || die "nginx is needed (apt-get install nginx-light)"
have openssl || die "the openssl command line is needed for the test CA"
have curl || die "curl is needed: it is what netbasics is measured against"
have sha256sum || die "sha256sum is needed"
find_py
[[ -n $PY ]] || die "python3 is needed to find a free port"
"$NB" --version 2>&1 | grep -q '[^-]tls(' || die "this netbasics cannot load OpenSSL: $("$NB" --version 2>&1 | head -1)"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY ftp_proxy FTP_PROXY \
    no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
make_dirs nb-bench-https
build_runner
"${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$BIN/http_get" "$HERE/http_get.c" || die "cannot build http_get.c with ${CC:-cc}"
GET=$BIN/http_get
[[ $WORK != *[\'\"\\\$\`\ ]* && $BIN != *[\'\"\\\$\`\ ]* ]] || die "temp paths with quotes or spaces: set TMPROOT/TMPDIR"

# ---- the CA, the files and nginx ----
WWW=$WORK/www
OUTD=$WORK/out
PKI=$WORK/pki
mkdir -p "$WWW" "$OUTD" "$WORK/nginx"
say "making a private CA and a certificate for 127.0.0.1 with openssl"
tls_make_pki "$PKI" || die "openssl could not make the test CA"
CA=$PKI/ca.pem
if [[ " $SCEN " == *" file "* || " $SCEN " == *" null "* ]]; then
    say "writing $BIG_MIB MiB of random bytes to $WWW/big.bin"
    head -c "$BYTES" /dev/urandom >"$WWW/big.bin"
    [[ $(stat -c %s "$WWW/big.bin") == "$BYTES" ]] || die "could not write $BYTES bytes"
    BIG_SHA=$(sha256sum <"$WWW/big.bin" | cut -d' ' -f1)
fi
head -c "$SMALL_BYTES" /dev/urandom >"$WWW/small.bin"
SMALL_SHA=$(sha256sum <"$WWW/small.bin" | cut -d' ' -f1)

# the TLS server of the same nginx: the CLI tests' "good" certificate
nginx_more_servers() {
    TPORT=$(free_port)
    printf 'server { listen 127.0.0.1:%s ssl; root %s; ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate %s; ssl_certificate_key %s; }\n' \
        "$TPORT" "$WWW" "$PKI/good.pem" "$PKI/good.key"
}
https_answers() { curl -q -s --max-time 5 --cacert "$CA" "https://127.0.0.1:$TPORT/small.bin" | cmp -s - "$WWW/small.bin"; }
start_nginx || die "nginx did not start: $(tail -n 3 "$WORK/nginx/error.log" 2>/dev/null)"
for ((i = 0; i < 50; i++)); do https_answers && break; sleep 0.1; done
https_answers || die "nginx does not answer https on 127.0.0.1:$TPORT: $(tail -n 3 "$WORK/nginx/error.log" 2>/dev/null)"
U=http://127.0.0.1:$PORT
S=https://127.0.0.1:$TPORT
say "nginx (PID $NGINX_PID) serves $WWW on http 127.0.0.1:$PORT and https 127.0.0.1:$TPORT"
TLS_FACTS=$("$NB" fetch --json --cacert "$CA" -o "$OUTD/facts.bin" "$S/small.bin" 2>/dev/null | tr -d '\n' || true)
rm -f "$OUTD/facts.bin"

NB_FAILED=0
declare -A TABLES=() TARGETS=() SECONDS_TAKEN=()

# time_target LINE-PREFIX FILE NB-LABEL CURL-LABEL: the line with the median
# over rounds of netbasics's time / curl's, against the issue's limit
time_target() {
    local what=$1 tsv=$2 a=$3 b=$4 sp wins pairs tr ok
    if ! has_label "$tsv" "$a" || ! has_label "$tsv" "$b"; then
        echo "- $what: not measured (${b#*:} or ${a#*:} has no good run)."
        STATUS=1
        return
    fi
    read -r sp wins pairs < <(speed "$tsv" "$a" "$b")
    tr=$(awk -v s="$sp" 'BEGIN { printf "%.2f", 1 / s }')
    ok=$(awk -v t="$tr" -v m="$MAX_TIME_RATIO" 'BEGIN { print (t <= m) ? 1 : 0 }')
    if ((ok)); then
        echo "- $what: **holds** — time ratio ${tr} (speed ${sp}×, median of $pairs rounds; netbasics at least as fast in $wins/$pairs)."
    else
        echo "- $what: **does not hold** — time ratio ${tr} (speed ${sp}×, median of $pairs rounds; netbasics at least as fast in $wins/$pairs)."
        STATUS=1
    fi
}
rss_line() { # rss_line FILE NB-LABEL CURL-LABEL
    has_label "$1" "$2" && has_label "$1" "$3" || return 0
    echo "- peak RSS: netbasics $(peak_kb "$1" "$2") KiB, curl $(peak_kb "$1" "$3") KiB."
}

# drop_entry I: remove entry I from LABELS/CMDS/OUTS/SIZES
drop_entry() { drop "$1"; SIZES=("${SIZES[@]:0:$1}" "${SIZES[@]:$1+1}"); }

# ======================= (a) file and (b) null =======================
big_scenario() { # big_scenario file|null
    local sc=$1 i lab o cmd t0
    LABELS=() CMDS=() OUTS=() SIZES=()
    if [[ $sc == file ]]; then
        o=$OUTD/nb.bin;    add nb:netbasics-https "exec '$NB' fetch -q --cacert '$CA' -o '$o' '$S/big.bin'" "$o"; SIZES+=("$BYTES")
        o=$OUTD/curl.bin;  add peer:curl-https "exec curl -q -s --cacert '$CA' -o '$o' '$S/big.bin'" "$o"; SIZES+=("$BYTES")
        o=$OUTD/nbh.bin;   add ref:netbasics-http "exec '$NB' fetch -q -o '$o' '$U/big.bin'" "$o"; SIZES+=("$BYTES")
        o=$OUTD/curlh.bin; add ref:curl-http "exec curl -q -s -o '$o' '$U/big.bin'" "$o"; SIZES+=("$BYTES")
    else
        add nb:netbasics-https "exec '$NB' fetch -q --cacert '$CA' -o - '$S/big.bin' >/dev/null" ""; SIZES+=("")
        add peer:curl-https "exec curl -q -s --cacert '$CA' -o /dev/null '$S/big.bin'" ""; SIZES+=("")
        add ref:netbasics-http "exec '$NB' fetch -q -o - '$U/big.bin' >/dev/null" ""; SIZES+=("")
        add ref:curl-http "exec curl -q -s -o /dev/null '$U/big.bin'" ""; SIZES+=("")
    fi
    say "$sc: check run (untimed): size and SHA-256 of every tool's download"
    i=0
    while ((i < ${#LABELS[@]})); do
        lab=${LABELS[i]}
        if [[ $sc == file ]]; then
            rm -f -- "${OUTS[i]}"
            cmd="${CMDS[i]#exec } && cat '${OUTS[i]}'"
        else # the same tool to stdout
            cmd="${CMDS[i]% >/dev/null}"
            cmd="${cmd/-o \/dev\/null/-o -}"
        fi
        if ! check "$lab" "$cmd" "$BIG_SHA" "$BYTES"; then
            drop_entry "$i"
            continue
        fi
        [[ -n ${OUTS[i]} ]] && rm -f -- "${OUTS[i]}"
        i=$((i + 1))
    done
    say "$sc: timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
    t0=$SECONDS
    timed "$WORK/$sc.tsv" "$R" "$RUN_TIMEOUT"
    SECONDS_TAKEN[$sc]=$((SECONDS - t0))
    TABLES[$sc]=$(table "$WORK/$sc.tsv" "$BYTES")
    {
        time_target "netbasics's time at most $MAX_TIME_RATIO × curl's over https ($BIG_MIB MiB to $([[ $sc == file ]] && echo a file || echo /dev/null))" \
            "$WORK/$sc.tsv" nb:netbasics-https peer:curl-https
        rss_line "$WORK/$sc.tsv" nb:netbasics-https peer:curl-https
    } >"$WORK/$sc.targets"
    TARGETS[$sc]=$(cat "$WORK/$sc.targets")
}

STATUS=0
for sc in file null; do
    if [[ " $SCEN " == *" $sc "* ]]; then
        big_scenario "$sc"
        grep -q 'does not hold\|not measured' "$WORK/$sc.targets" && STATUS=1
    fi
done

# ======================= (c) SMALL_N small fetches =======================
if [[ " $SCEN " == *" small "* ]]; then
    LABELS=() CMDS=() OUTS=() SIZES=()
    loop() { # loop TOOL-COMMAND: SMALL_N runs of it in one sh loop; stop at the first failure
        echo "i=0; while [ \$i -lt $SMALL_N ]; do $1 || exit 1; i=\$((i + 1)); done"
    }
    declare -a ONE=() # the single fetch of each entry, for the check run
    o=$OUTD/s-nb.bin;    ONE+=("'$NB' fetch -q -f --cacert '$CA' -o '$o' '$S/small.bin'")
    add nb:netbasics-https-o-file "$(loop "${ONE[-1]}")" "$o"; SIZES+=("$SMALL_BYTES")
    o=$OUTD/s-nbout.bin; ONE+=("'$NB' fetch -q --cacert '$CA' -o - '$S/small.bin' >'$o'")
    add nb:netbasics-https-stdout "$(loop "${ONE[-1]}")" "$o"; SIZES+=("$SMALL_BYTES")
    o=$OUTD/s-curl.bin;  ONE+=("curl -q -s --cacert '$CA' -o '$o' '$S/small.bin'")
    add peer:curl-https "$(loop "${ONE[-1]}")" "$o"; SIZES+=("$SMALL_BYTES")
    o=$OUTD/s-nbh.bin;   ONE+=("'$NB' fetch -q -f -o '$o' '$U/small.bin'")
    add ref:netbasics-http "$(loop "${ONE[-1]}")" "$o"; SIZES+=("$SMALL_BYTES")
    o=$OUTD/s-curlh.bin; ONE+=("curl -q -s -o '$o' '$U/small.bin'")
    add ref:curl-http "$(loop "${ONE[-1]}")" "$o"; SIZES+=("$SMALL_BYTES")
    say "small: check run (untimed): one fetch per tool, SHA-256 checked"
    i=0
    while ((i < ${#LABELS[@]})); do
        rm -f -- "${OUTS[i]}"
        if ! check "${LABELS[i]}" "${ONE[i]} && cat '${OUTS[i]}'" "$SMALL_SHA" "$SMALL_BYTES"; then
            drop_entry "$i"
            ONE=("${ONE[@]:0:i}" "${ONE[@]:i+1}")
            continue
        fi
        i=$((i + 1))
    done
    say "small: timing $SMALL_R rounds (+$WARM warm-up) of $SMALL_N fetches each: ${LABELS[*]}"
    t0=$SECONDS
    timed "$WORK/small.tsv" "$SMALL_R" "$SMALL_TIMEOUT"
    SECONDS_TAKEN[small]=$((SECONDS - t0))
    TABLES[small]=$(table "$WORK/small.tsv" "$SMALL_BYTES" "$SMALL_N")
    {
        time_target "time per fetch at most $MAX_TIME_RATIO × curl's (netbasics -o FILE --force)" \
            "$WORK/small.tsv" nb:netbasics-https-o-file peer:curl-https
        time_target "time per fetch at most $MAX_TIME_RATIO × curl's (netbasics -o - >FILE)" \
            "$WORK/small.tsv" nb:netbasics-https-stdout peer:curl-https
    } >"$WORK/small.targets"
    grep -q 'does not hold\|not measured' "$WORK/small.targets" && STATUS=1
    TARGETS[small]=$(cat "$WORK/small.targets")
fi
((NB_FAILED)) && STATUS=1

# ---- report ----
{
    echo "### fetch over https: $BIG_MIB MiB and $SMALL_N × 1 KiB from nginx with TLS on 127.0.0.1 — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`BIG_MIB=$BIG_MIB R=$R WARM=$WARM SMALL_N=$SMALL_N SMALL_R=$SMALL_R tests/bench/bench_https.sh\`."
    echo "Machine: $(machine_line). Files and outputs on $WORK_FS."
    echo "netbasics: $(nb_line)."
    echo "TLS as netbasics saw it (--json): $(printf '%s' "$TLS_FACTS" | grep -o '"tls_version":"[^"]*","tls_cipher":"[^"]*"' || echo 'no TLS facts in --json')."
    echo "Server: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), one process, access log off, files on tmpfs; https (TLS 1.2 and 1.3 offered) with the tests' CA (RSA 2048) on one port, plain http on another."
    echo "Rounds: $R timed (+$WARM warm-up) for the big file, $SMALL_R (+$WARM) for the small one; each round runs every tool once, order rotated. Time: from fork until the process (tree) exits (runner.c)."
    scenario_report file "(a) $BIG_MIB MiB to a file on tmpfs"
    scenario_report null "(b) $BIG_MIB MiB to /dev/null"
    scenario_report small "(c) $SMALL_N sequential fetches of a 1 KiB file, one process each (one sh loop per run)"
    echo
    echo "Speed vs X: median over rounds of (X's time ÷ the tool's time in the same round); above 1 = faster than X. Time ratio = 1 ÷ speed vs curl-https (the issue asks for at most $MAX_TIME_RATIO)."
    echo "Peak RSS: largest ru_maxrss over the tool's runs (for (c): of the loop's process tree, so at least the shell's)."
    print_notes
    echo
    echo "Versions: curl $(pkgver curl) ($(curl --version | head -1 | grep -o 'OpenSSL/[^ ]*')); libssl3 $(pkgver libssl3); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'); kernel $(uname -r)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
exit "$STATUS"
