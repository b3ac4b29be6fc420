#!/usr/bin/env bash
# bench_checksock.sh [NETBASICS] - `netbasics checksock --filter` against its
# peers on N fixed-seed ip:port lines, side by side, and its memory on 1x and
# MEM_X times that input.  Prints markdown.  Not part of CI.
#
# Tools (each reads the input file on tmpfs and writes its own tmpfs file;
# GNU grep stops at the first match when stdout is /dev/null):
#   netbasics          netbasics checksock --filter
#   python3-ipaddress  checksock_peer.py: ipaddress.IPv4Address + port rules
#   grep-E             LC_ALL=C grep -E -x with the strict regex
#   mawk, gawk         checksock_peer.awk (LC_ALL=C); each if installed
#   wc-l               wc -l: the I/O floor, not a peer
# First one untimed check run: every filter must print exactly the generator's
# valid lines (count, and byte-identical to the others); a peer that fails or
# is missing is left out with a note.  Then R rounds, the order rotated each
# round.  Ratios are medians of per-round ratios.
#
# Knobs (environment): N=1000000 lines, R=5 rounds, WARM=1 warm-up rounds,
# SEED=20261124, RUN_TIMEOUT=120 s per run, TOTAL_TIMEOUT=900 s per timed set,
# MEM=1 (0: skip the memory part), MEM_X=10, MEM_ROUNDS=3, PY=/usr/bin/python3,
# CC=cc, TMPROOT (default /dev/shm), KEEP_RAW=DIR (copy the raw TSVs there).
# Exit: 0 when the issue's targets hold, 1 when one does not (or netbasics
# failed its check), 2 on a usage or set-up error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

N=${N:-1000000} R=${R:-5} WARM=${WARM:-1} SEED=${SEED:-20261124}
RUN_TIMEOUT=${RUN_TIMEOUT:-120} TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-900}
MEM=${MEM:-1} MEM_X=${MEM_X:-10} MEM_ROUNDS=${MEM_ROUNDS:-3}
need_uint N "$N" 1 100000000
need_uint R "$R" 1 1000
need_uint WARM "$WARM" 0 10
need_uint SEED "$SEED" 0 4294967295
need_uint RUN_TIMEOUT "$RUN_TIMEOUT" 1 3600
need_uint TOTAL_TIMEOUT "$TOTAL_TIMEOUT" 1 86400
need_uint MEM "$MEM" 0 1
need_uint MEM_X "$MEM_X" 2 100
need_uint MEM_ROUNDS "$MEM_ROUNDS" 1 100
export RUN_TIMEOUT TOTAL_TIMEOUT WARM

find_nb "${1:-}"
find_py
[[ -n $PY ]] || die "python3 is needed for the input generator"
make_dirs nb-bench-checksock
build_runner

# The strict regex: octet 0-255 without leading zeros, port 1-65535 without them.
OCT='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
PORT='([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])'
RE="$OCT\\.$OCT\\.$OCT\\.$OCT:$PORT"

IN=$WORK/socks.txt
say "generating $N lines (seed $SEED) into $IN"
VALID=$("$PY" "$HERE/gen_socks.py" "$N" "$IN" "$SEED")
[[ $VALID =~ ^[0-9]+$ ]] || die "the generator printed '$VALID', not a count"
BYTES=$(stat -c %s "$IN")

# ---- the tools ----
# tool LABEL OUTNAME COMMAND-PREFIX: reads $IN, writes $WORK/out.OUTNAME
tool() { add "$1" "$3 <'$IN' >'$WORK/out.$2'" "$WORK/out.$2"; }
tool nb:netbasics netbasics "exec '$NB' checksock --filter"
tool peer:python3-ipaddress python3 "exec '$PY' '$HERE/checksock_peer.py'"
if have grep; then
    tool peer:grep-E grep "export LC_ALL=C; exec grep -E -x '$RE'"
else note "grep is not installed: the grep -E peer is left out"; fi
AWKS=0
for a in mawk gawk; do
    if have "$a"; then
        tool "peer:$a" "$a" "export LC_ALL=C; exec $a -f '$HERE/checksock_peer.awk'"
        AWKS=$((AWKS + 1))
    fi
done
if ((AWKS == 0)); then
    if have awk; then tool peer:awk awk "export LC_ALL=C; exec awk -f '$HERE/checksock_peer.awk'"
    else note "no awk is installed: the awk peer is left out"; fi
fi
tool ref:wc-l wc "exec wc -l"

# ---- untimed check run ----
say "check run (untimed): every filter must print the $VALID valid lines"
NB_OK=1
REF_OUT=""
i=0
while ((i < ${#LABELS[@]})); do
    lab=${LABELS[i]} cmd=${CMDS[i]} out=${OUTS[i]}
    st=0
    timeout -k 5 "$RUN_TIMEOUT" sh -c "$cmd" </dev/null 2>"$WORK/check.err" || st=$?
    why=""
    if ((st > 1)); then
        why="exit status $st: $(head -c 300 "$WORK/check.err" | tr '\n' ' ')"
    elif [[ $lab == ref:* ]]; then
        got=$(tr -d ' \n' <"$out")
        [[ $got == "$N" ]] || why="printed '$got', not $N"
    else
        got=$(wc -l <"$out")
        if [[ $got != "$VALID" ]]; then
            why="printed $got lines, the generator wrote $VALID valid ones"
        elif [[ -n $REF_OUT ]] && ! cmp -s "$out" "$REF_OUT"; then
            why="printed $got lines, but not the same lines as the others ($(cmp "$out" "$REF_OUT" 2>&1 | head -1))"
        elif [[ -z $REF_OUT ]]; then
            REF_OUT=$WORK/reference.out
            cp "$out" "$REF_OUT"
        fi
    fi
    if [[ -n $why ]]; then
        if [[ $lab == nb:* ]]; then
            note "CHECK FAILED: netbasics checksock --filter $why; it is not timed"
            NB_OK=0
        else
            note "${lab#*:} failed the check ($why); left out"
        fi
        drop "$i"
        continue
    fi
    rm -f "$out"
    i=$((i + 1))
done
say "check passed: ${LABELS[*]}"

# ---- timed rounds ----
say "timing $R rounds (+$WARM warm-up) of: ${LABELS[*]}"
T0=$(date +%s)
run_bench "$WORK/checksock.tsv" "$R"
T1=$(date +%s)

# ---- memory: 1x against MEM_X x the input, streamed through a FIFO ----
# The feeder (cat) runs in the background of the timed command, which then
# execs the tool on the FIFO: the tool is the timed process and ru_maxrss is
# its own (the tool never waits for cat, so cat's RSS is not counted).
if ((MEM)); then
    FIFO=$WORK/fifo
    mkfifo "$FIFO"
    LABELS=() CMDS=() OUTS=()
    # mtool LABEL OUTNAME COPIES COMMAND-PREFIX
    mtool() {
        local feed="cat" k
        for ((k = 0; k < $3; k++)); do feed+=" '$IN'"; done
        add "$1" "$feed >'$FIFO' & $4 <'$FIFO' >'$WORK/out.$2'" "$WORK/out.$2"
    }
    if ((NB_OK)); then
        mtool "nb:netbasics@1x" mem.nb1 1 "exec '$NB' checksock --filter"
        mtool "nb:netbasics@${MEM_X}x" mem.nbX "$MEM_X" "exec '$NB' checksock --filter"
    fi
    if have grep; then
        mtool "peer:grep-E@1x" mem.gr1 1 "export LC_ALL=C; exec grep -E -x '$RE'"
        mtool "peer:grep-E@${MEM_X}x" mem.grX "$MEM_X" "export LC_ALL=C; exec grep -E -x '$RE'"
    fi
    # check: the line counts through the FIFO
    for i in "${!LABELS[@]}"; do
        out=${OUTS[i]}
        timeout -k 5 "$RUN_TIMEOUT" sh -c "${CMDS[i]}" </dev/null 2>/dev/null || true
        want=$VALID
        [[ ${LABELS[i]} == *@1x ]] || want=$((VALID * MEM_X))
        got=$(wc -l <"$out" 2>/dev/null || echo 0)
        [[ $got == "$want" ]] || note "memory check: ${LABELS[i]#*:} printed $got lines, not $want"
        rm -f "$out"
    done
    say "memory: $MEM_ROUNDS rounds of ${LABELS[*]}"
    run_bench "$WORK/memory.tsv" "$MEM_ROUNDS"
fi

# ---- report ----
TABLE=$(awk -v okre='^(0|1)$' -v lines="$N" -f "$HERE/summarize.awk" "$WORK/checksock.tsv")
pair() { awk -v mode=pair -v okre='^(0|1)$' -v a="$1" -v b="$2" -f "$HERE/summarize.awk" "$WORK/checksock.tsv"; }
STATUS=0
{
    echo "## checksock --filter: $N lines, $VALID valid — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(machine_line). Files on $WORK_FS."
    echo "netbasics: $(nb_line)."
    echo "Input: $N lines, $BYTES bytes, $VALID valid (strict IPv4:port), seed $SEED."
    echo "Rounds: $R timed (+$WARM warm-up), each runs every tool once, order rotated; $((T1 - T0)) s."
    echo
    echo "$TABLE"
    echo
    echo "Ratio to netbasics: median over rounds of (tool ÷ netbasics in the same round); above 1 = slower than netbasics."
    echo "Ratio to best peer: the same against the peer with the lowest median. Peak RSS: largest ru_maxrss over the runs."
    echo
    echo "### The issue's targets"
    echo
    if ((!NB_OK)); then
        echo "- not measured: netbasics failed the check run (see the notes)."
        STATUS=1
    else
        read -r rp wp np <<<"$(pair nb:netbasics peer:python3-ipaddress)"
        if [[ $rp == n/a ]]; then
            echo "- at least 50× faster than python3 ipaddress: not measured (no python3 peer)."
        elif awk -v x="$rp" 'BEGIN { exit !(x >= 50) }'; then
            echo "- at least 50× faster than python3 ipaddress: **holds** — python3 takes ${rp}× the time of netbasics (median of $np rounds; netbasics faster in $wp/$np)."
        else
            echo "- at least 50× faster than python3 ipaddress: **does not hold** — python3 takes only ${rp}× the time of netbasics (median of $np rounds); 50× would need netbasics at $(awk -v x="$rp" 'BEGIN { printf "%.0f", 100 * x / 50 }')% of its time here."
            STATUS=1
        fi
        read -r rg wg ng <<<"$(pair nb:netbasics peer:grep-E)"
        if [[ $rg == n/a ]]; then
            echo "- faster than grep -E: not measured (no grep peer)."
        elif awk -v x="$rg" 'BEGIN { exit !(x > 1) }'; then
            echo "- faster than grep -E: **holds** — grep -E takes ${rg}× the time of netbasics (median of $ng rounds; netbasics faster in $wg/$ng)."
        else
            echo "- faster than grep -E: **does not hold** — grep -E takes ${rg}× the time of netbasics (median of $ng rounds; netbasics faster in only $wg/$ng)."
            STATUS=1
        fi
    fi
    if ((MEM)) && [[ -s $WORK/memory.tsv ]]; then
        echo
        echo "### Memory: the same input once and ${MEM_X} times, streamed through a pipe (FIFO)"
        echo
        echo "| tool | input | lines | median | lines/s | peak RSS MiB (min – max over runs) | ok runs |"
        echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
        awk -F'\t' -v n="$N" -v x="$MEM_X" '
            NR == 1 { next }
            { lab = $2; if (!(lab in seen)) { seen[lab] = 1; ord[++nl] = lab }; tot[lab]++ }
            $5 ~ /^(0|1)$/ {
                k = ++c[lab]; t[lab, k] = $3 + 0
                if (!(lab in lo) || $4 < lo[lab]) lo[lab] = $4 + 0
                if ($4 > hi[lab]) hi[lab] = $4 + 0
            }
            function med(lab, m,    i, j, v, s) {
                for (i = 1; i <= m; i++) v[i] = t[lab, i]
                for (i = 2; i <= m; i++) { s = v[i]; for (j = i - 1; j >= 1 && v[j] > s; j--) v[j + 1] = v[j]; v[j + 1] = s }
                return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
            }
            END {
                for (i = 1; i <= nl; i++) {
                    lab = ord[i]; name = lab; sub(/^[^:]*:/, "", name); sub(/@.*/, "", name)
                    mult = lab ~ /@1x$/ ? 1 : x
                    if (!c[lab]) { printf "| %s | %dx | %d | failed | | | 0/%d |\n", name, mult, n * mult, tot[lab]; continue }
                    m = med(lab, c[lab])
                    printf "| %s | %dx | %d | %.1f ms | %.1f M | %.2f (%.2f – %.2f) | %d/%d |\n", name, mult, n * mult, \
                        m * 1000, n * mult / m / 1e6, hi[lab] / 1024, lo[lab] / 1024, hi[lab] / 1024, c[lab], tot[lab]
                }
            }' "$WORK/memory.tsv"
        if ((NB_OK)); then
            read -r p1 pX <<<"$(awk -F'\t' -v x="$MEM_X" '
                $2 == "nb:netbasics@1x" && $4 > a { a = $4 }
                $2 == "nb:netbasics@" x "x" && $4 > b { b = $4 }
                END { print a + 0, b + 0 }' "$WORK/memory.tsv")"
            echo
            if ((p1 == 0 || pX == 0)); then
                echo "- memory stays flat: not measured (a netbasics memory run failed)."
                STATUS=1
            elif ((pX * 100 <= p1 * 110 + 25600)); then
                echo "- memory stays flat: **holds** — netbasics peaks at $((p1)) KiB on $N lines and $((pX)) KiB on $((N * MEM_X)) (${MEM_X}× the input; the bound is +10% + 256 KiB)."
            else
                echo "- memory stays flat: **does not hold** — netbasics peaks at $((p1)) KiB on $N lines but $((pX)) KiB on $((N * MEM_X))."
                STATUS=1
            fi
        fi
    fi
    print_notes
    echo
    echo "Versions: $("$PY" --version 2>&1) ($PY); grep $(pkgver grep); mawk $(pkgver mawk); gawk $(pkgver gawk); coreutils $(pkgver coreutils) (wc, cat); dash $(pkgver dash) (/bin/sh)."
} >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n ${REPORT:-} ]]; then cp "$WORK/report.md" "$REPORT"; fi
exit "$STATUS"
