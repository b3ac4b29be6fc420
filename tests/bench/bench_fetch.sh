#!/usr/bin/env bash
# bench_fetch.sh [NETBASICS] - issue 5's speed: `netbasics fetch` against curl,
# wget and busybox wget, and against a minimal C reader (http_get.c, the
# loopback ceiling), all downloading from one nginx started here on 127.0.0.1
# and a free port. Prints markdown. Not part of CI.
#
# (a) file: a BIG_MIB MiB file of random bytes (generated once, on tmpfs) saved
#     to a file on tmpfs:
#       netbasics fetch -q -o OUT URL
#       curl -q -s -o OUT URL
#       wget --no-config -q -O OUT URL
#       busybox wget -q -O OUT URL
#       http_get 127.0.0.1 PORT /big.bin OUT 1048576 / 262144   (references)
#     OUT is removed before every run, untimed: no tool pays for truncating
#     or freeing another run's 1 GiB, and netbasics (which never overwrites)
#     needs no --force.
# (b) null: the same download to /dev/null (netbasics and the C reader write
#     to stdout, which is /dev/null: -o - >/dev/null).
# (c) small: SMALL_N sequential fetches of a 1 KiB file, one process each, in
#     one `sh` loop per timed run (the loop's fork/exec is the same for all):
#       netbasics fetch -q -f -o OUT URL   (the file exists after the first)
#       netbasics fetch -q -o - URL >OUT
#       curl -q -s -o OUT URL;  wget --no-config -q -O OUT URL;
#       busybox wget -q -O OUT URL;  http_get ... OUT 262144 (reference)
#
# Rounds: WARM warm-up + R timed; every round runs every tool once, in an
# order rotated by one each round. Each run goes through runner.c (-n 1: wall
# time from fork to exit, peak RSS of the process tree from wait4, a per-run
# timeout that kills the run's process group); the removal of old outputs
# happens between runs, untimed. Ratios are medians over rounds of per-round
# ratios. Checks: before timing, every tool downloads once untimed and its
# output's size and SHA-256 must match the served file (a tool that fails is
# left out, or for netbasics: reported and not timed); every timed run to a
# file has its output size checked after it.
#
# Knobs (environment): BIG_MIB=1024, R=5, WARM=1, SMALL_N=1000, SMALL_R=R,
# RUN_TIMEOUT=120 s (one big download), SMALL_TIMEOUT=600 s (one loop of
# SMALL_N), TOTAL_TIMEOUT=1800 s per scenario, SCEN="file null small",
# TMPROOT (default /dev/shm), CC=cc, KEEP_RAW=DIR, REPORT=FILE.
# Loopback only; proxies unset; nginx is stopped by its PID.
# Exit: 0 when the issue's targets hold, 1 when one does not (or netbasics
# failed a check), 2 on a usage or set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=fetch_lib.sh
. "$HERE/fetch_lib.sh"

fetch_knobs
RSS_LIMIT_KB=8192

find_nb "${1:-}"
have nginx || die "nginx is needed (apt-get install nginx-light)"
have sha256sum || die "sha256sum is needed"
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3 || true)
[[ -n $PY ]] || die "python3 is needed to find a free port"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY ftp_proxy FTP_PROXY \
    no_proxy NO_PROXY
make_dirs nb-bench-fetch
build_runner
"${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$BIN/http_get" "$HERE/http_get.c" || die "cannot build http_get.c with ${CC:-cc}"
GET=$BIN/http_get
[[ $WORK != *[\'\"\\\$\`\ ]* && $BIN != *[\'\"\\\$\`\ ]* ]] || die "temp paths with quotes or spaces: set TMPROOT/TMPDIR"

# ---- the files and nginx ----
WWW=$WORK/www
OUTD=$WORK/out
mkdir -p "$WWW" "$OUTD" "$WORK/nginx"
if [[ " $SCEN " == *" file "* || " $SCEN " == *" null "* ]]; then
    say "writing $BIG_MIB MiB of random bytes to $WWW/big.bin"
    head -c "$BYTES" /dev/urandom >"$WWW/big.bin"
    [[ $(stat -c %s "$WWW/big.bin") == "$BYTES" ]] || die "could not write $BYTES bytes"
    BIG_SHA=$(sha256sum <"$WWW/big.bin" | cut -d' ' -f1)
fi
head -c "$SMALL_BYTES" /dev/urandom >"$WWW/small.bin"
SMALL_SHA=$(sha256sum <"$WWW/small.bin" | cut -d' ' -f1)

start_nginx || die "nginx did not start: $(tail -n 3 "$WORK/nginx/error.log" 2>/dev/null)"
U=http://127.0.0.1:$PORT
say "nginx (PID $NGINX_PID) serves $WWW on 127.0.0.1:$PORT"

NB_FAILED=0
have curl || note "curl is not installed: left out"
have wget || note "wget is not installed: left out"
have busybox || note "busybox is not installed: left out"

# ======================= (a) file and (b) null =======================
declare -A TABLES=() TARGETS=() SECONDS_TAKEN=()
big_scenario() { # big_scenario file|null
    local sc=$1 i lab
    LABELS=() CMDS=() OUTS=() SIZES=()
    local o
    if [[ $sc == file ]]; then
        o=$OUTD/nb.bin;   add nb:netbasics "exec '$NB' fetch -q -o '$o' '$U/big.bin'" "$o"; SIZES+=("$BYTES")
        if have curl; then o=$OUTD/curl.bin; add peer:curl "exec curl -q -s -o '$o' '$U/big.bin'" "$o"; SIZES+=("$BYTES"); fi
        if have wget; then o=$OUTD/wget.bin; add peer:wget "exec wget --no-config -q -O '$o' '$U/big.bin'" "$o"; SIZES+=("$BYTES"); fi
        if have busybox; then o=$OUTD/bb.bin; add peer:busybox-wget "exec busybox wget -q -O '$o' '$U/big.bin'" "$o"; SIZES+=("$BYTES"); fi
        o=$OUTD/ref1m.bin;  add ref:c-reader-1MiB "exec '$GET' 127.0.0.1 $PORT /big.bin '$o' 1048576" "$o"; SIZES+=("$BYTES")
        o=$OUTD/ref256k.bin; add ref:c-reader-256KiB "exec '$GET' 127.0.0.1 $PORT /big.bin '$o' 262144" "$o"; SIZES+=("$BYTES")
    else
        add nb:netbasics "exec '$NB' fetch -q -o - '$U/big.bin' >/dev/null" ""; SIZES+=("")
        if have curl; then add peer:curl "exec curl -q -s -o /dev/null '$U/big.bin'" ""; SIZES+=(""); fi
        if have wget; then add peer:wget "exec wget --no-config -q -O /dev/null '$U/big.bin'" ""; SIZES+=(""); fi
        if have busybox; then add peer:busybox-wget "exec busybox wget -q -O /dev/null '$U/big.bin'" ""; SIZES+=(""); fi
        add ref:c-reader-1MiB "exec '$GET' 127.0.0.1 $PORT /big.bin - 1048576 >/dev/null" ""; SIZES+=("")
        add ref:c-reader-256KiB "exec '$GET' 127.0.0.1 $PORT /big.bin - 262144 >/dev/null" ""; SIZES+=("")
    fi
    # the check: each tool once, its output hashed (to a file: the file; to
    # /dev/null: the same tool writing to stdout)
    say "$sc: check run (untimed): size and SHA-256 of every tool's download"
    i=0
    while ((i < ${#LABELS[@]})); do
        lab=${LABELS[i]}
        local cmd
        if [[ $sc == file ]]; then
            rm -f -- "${OUTS[i]}"
            cmd="${CMDS[i]#exec } && cat '${OUTS[i]}'"
        else
            case $lab in
                nb:*) cmd="exec '$NB' fetch -q -o - '$U/big.bin'" ;;
                peer:curl) cmd="exec curl -q -s -o - '$U/big.bin'" ;;
                peer:wget) cmd="exec wget --no-config -q -O - '$U/big.bin'" ;;
                peer:busybox-wget) cmd="exec busybox wget -q -O - '$U/big.bin'" ;;
                ref:c-reader-1MiB) cmd="exec '$GET' 127.0.0.1 $PORT /big.bin - 1048576" ;;
                ref:c-reader-256KiB) cmd="exec '$GET' 127.0.0.1 $PORT /big.bin - 262144" ;;
            esac
        fi
        if ! check "$lab" "$cmd" "$BIG_SHA" "$BYTES"; then
            LABELS=("${LABELS[@]:0:i}" "${LABELS[@]:i+1}")
            CMDS=("${CMDS[@]:0:i}" "${CMDS[@]:i+1}")
            OUTS=("${OUTS[@]:0:i}" "${OUTS[@]:i+1}")
            SIZES=("${SIZES[@]:0:i}" "${SIZES[@]:i+1}")
            continue
        fi
        [[ -n ${OUTS[i]} ]] && rm -f -- "${OUTS[i]}"
        i=$((i + 1))
    done
    say "$sc: timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
    local t0=$SECONDS
    timed "$WORK/$sc.tsv" "$R" "$RUN_TIMEOUT"
    SECONDS_TAKEN[$sc]=$((SECONDS - t0))
    TABLES[$sc]=$(table "$WORK/$sc.tsv" "$BYTES")
    {
        if [[ $sc == file ]]; then
            target "netbasics at least as fast as curl ($BIG_MIB MiB to a file)" "$WORK/$sc.tsv" nb:netbasics peer:curl 1
            target "netbasics at least as fast as wget ($BIG_MIB MiB to a file)" "$WORK/$sc.tsv" nb:netbasics peer:wget 1
            target "netbasics within 80% of the C reader (1 MiB reads)" "$WORK/$sc.tsv" nb:netbasics ref:c-reader-1MiB 0.8
            target "netbasics within 80% of the C reader (256 KiB reads)" "$WORK/$sc.tsv" nb:netbasics ref:c-reader-256KiB 0.8
        else
            target "netbasics at least as fast as curl (to /dev/null)" "$WORK/$sc.tsv" nb:netbasics peer:curl 1
            target "netbasics at least as fast as wget (to /dev/null)" "$WORK/$sc.tsv" nb:netbasics peer:wget 1
            target "netbasics within 80% of the C reader (1 MiB reads, to /dev/null)" "$WORK/$sc.tsv" nb:netbasics ref:c-reader-1MiB 0.8
        fi
        rss_target "$WORK/$sc.tsv" nb:netbasics
    } >"$WORK/$sc.targets"
    TARGETS[$sc]=$(cat "$WORK/$sc.targets")
}

for sc in file null; do
    if [[ " $SCEN " == *" $sc "* ]]; then
        big_scenario "$sc"
        # STATUS is set inside the redirected block's subshell-free group: recompute
        grep -q 'does not hold' "$WORK/$sc.targets" && STATUS=1
    fi
done

# ======================= (c) 1,000 small fetches =======================
if [[ " $SCEN " == *" small "* ]]; then
    LABELS=() CMDS=() OUTS=() SIZES=()
    loop() { # loop TOOL-COMMAND: SMALL_N runs of it in one sh loop; stop at the first failure
        echo "i=0; while [ \$i -lt $SMALL_N ]; do $1 || exit 1; i=\$((i + 1)); done"
    }
    o=$OUTD/s-nb.bin;     add nb:netbasics-o-file "$(loop "'$NB' fetch -q -f -o '$o' '$U/small.bin'")" "$o"; SIZES+=("$SMALL_BYTES")
    o=$OUTD/s-nbout.bin;  add nb:netbasics-stdout "$(loop "'$NB' fetch -q -o - '$U/small.bin' >'$o'")" "$o"; SIZES+=("$SMALL_BYTES")
    if have curl; then o=$OUTD/s-curl.bin; add peer:curl "$(loop "curl -q -s -o '$o' '$U/small.bin'")" "$o"; SIZES+=("$SMALL_BYTES"); fi
    if have wget; then o=$OUTD/s-wget.bin; add peer:wget "$(loop "wget --no-config -q -O '$o' '$U/small.bin'")" "$o"; SIZES+=("$SMALL_BYTES"); fi
    if have busybox; then o=$OUTD/s-bb.bin; add peer:busybox-wget "$(loop "busybox wget -q -O '$o' '$U/small.bin'")" "$o"; SIZES+=("$SMALL_BYTES"); fi
    o=$OUTD/s-ref.bin;    add ref:c-reader "$(loop "'$GET' 127.0.0.1 $PORT /small.bin '$o' 262144")" "$o"; SIZES+=("$SMALL_BYTES")
    say "small: check run (untimed): one fetch per tool, SHA-256 checked"
    i=0
    while ((i < ${#LABELS[@]})); do
        lab=${LABELS[i]}
        case $lab in
            nb:netbasics-o-file) cmd="'$NB' fetch -q -f -o '${OUTS[i]}' '$U/small.bin' && cat '${OUTS[i]}'" ;;
            nb:netbasics-stdout) cmd="'$NB' fetch -q -o - '$U/small.bin'" ;;
            peer:curl) cmd="curl -q -s -o '${OUTS[i]}' '$U/small.bin' && cat '${OUTS[i]}'" ;;
            peer:wget) cmd="wget --no-config -q -O '${OUTS[i]}' '$U/small.bin' && cat '${OUTS[i]}'" ;;
            peer:busybox-wget) cmd="busybox wget -q -O '${OUTS[i]}' '$U/small.bin' && cat '${OUTS[i]}'" ;;
            ref:c-reader) cmd="'$GET' 127.0.0.1 $PORT /small.bin '${OUTS[i]}' 262144 && cat '${OUTS[i]}'" ;;
        esac
        rm -f -- "${OUTS[i]}"
        if ! check "$lab" "$cmd" "$SMALL_SHA" "$SMALL_BYTES"; then
            LABELS=("${LABELS[@]:0:i}" "${LABELS[@]:i+1}")
            CMDS=("${CMDS[@]:0:i}" "${CMDS[@]:i+1}")
            OUTS=("${OUTS[@]:0:i}" "${OUTS[@]:i+1}")
            SIZES=("${SIZES[@]:0:i}" "${SIZES[@]:i+1}")
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
        target "$SMALL_N fetches faster than curl (netbasics -o FILE --force)" "$WORK/small.tsv" nb:netbasics-o-file peer:curl 1 strict
        target "$SMALL_N fetches faster than wget (netbasics -o FILE --force)" "$WORK/small.tsv" nb:netbasics-o-file peer:wget 1 strict
        target "$SMALL_N fetches faster than curl (netbasics -o - >FILE)" "$WORK/small.tsv" nb:netbasics-stdout peer:curl 1 strict
        target "$SMALL_N fetches faster than wget (netbasics -o - >FILE)" "$WORK/small.tsv" nb:netbasics-stdout peer:wget 1 strict
    } >"$WORK/small.targets"
    grep -q 'does not hold' "$WORK/small.targets" && STATUS=1
    TARGETS[small]=$(cat "$WORK/small.targets")
fi
((NB_FAILED)) && STATUS=1

# ---- report ----
{
    echo "### fetch: $BIG_MIB MiB and $SMALL_N × 1 KiB from nginx on 127.0.0.1 — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line). Files and outputs on $WORK_FS."
    echo "netbasics: $(nb_line)."
    echo "Server: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), one process, sendfile on, access log off, files on tmpfs."
    echo "Rounds: $R timed (+$WARM warm-up) for the big file, $SMALL_R (+$WARM) for the small one; each round runs every tool once, order rotated. Time: from fork until the process (tree) exits (runner.c); outputs are removed between runs, untimed."
    scenario_report file "(a) $BIG_MIB MiB to a file on tmpfs"
    scenario_report null "(b) $BIG_MIB MiB to /dev/null"
    scenario_report small "(c) $SMALL_N sequential fetches of a 1 KiB file, one process each (one sh loop per run)"
    echo
    echo "Speed vs X: median over rounds of (X's time ÷ the tool's time in the same round); above 1 = faster than X."
    echo "C reference: http_get.c (HTTP/1.0 GET, read()/write() of 1 MiB or 256 KiB, no parsing beyond the status and the blank line); the fastest reference by median is the ceiling."
    echo "Peak RSS: largest ru_maxrss over the tool's runs (for (c): of the loop's process tree, so at least the shell's)."
    print_notes
    echo
    echo "Versions: curl $(pkgver curl); wget $(pkgver wget); busybox $(pkgver busybox); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'); kernel $(uname -r); ${CC:-cc} $("${CC:-cc}" -dumpversion)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
exit "$STATUS"
