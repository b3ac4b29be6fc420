# shellcheck shell=bash
# fetch_lib.sh - shared by bench_fetch.sh and bench_https.sh (sourced after
# lib.sh): the nginx they download from, the timed rounds with outputs removed
# between runs, the check run, the table and the targets.
# Expects WORK, WWW, GET (http_get), RUNNER, PY, WARM, RUN_TIMEOUT,
# TOTAL_TIMEOUT and the LABELS/CMDS/OUTS/SIZES lists.

# fetch_knobs: reads and checks the knobs both scripts take (BIG_MIB, R,
# WARM, SMALL_N, SMALL_R, RUN_TIMEOUT, SMALL_TIMEOUT, TOTAL_TIMEOUT, SCEN);
# sets BYTES and SMALL_BYTES. Dies on a bad value.
fetch_knobs() {
    local s
    BIG_MIB=${BIG_MIB:-1024} R=${R:-5} WARM=${WARM:-1} SMALL_N=${SMALL_N:-1000}
    SMALL_R=${SMALL_R:-$R}
    RUN_TIMEOUT=${RUN_TIMEOUT:-120} SMALL_TIMEOUT=${SMALL_TIMEOUT:-600}
    TOTAL_TIMEOUT=${TOTAL_TIMEOUT:-1800}
    SCEN=${SCEN:-file null small}
    need_uint BIG_MIB "$BIG_MIB" 1 8192
    need_uint R "$R" 1 100
    need_uint SMALL_R "$SMALL_R" 1 100
    need_uint WARM "$WARM" 0 10
    need_uint SMALL_N "$SMALL_N" 1 100000
    need_uint RUN_TIMEOUT "$RUN_TIMEOUT" 1 3600
    need_uint SMALL_TIMEOUT "$SMALL_TIMEOUT" 1 7200
    need_uint TOTAL_TIMEOUT "$TOTAL_TIMEOUT" 1 86400
    for s in $SCEN; do
        [[ $s == file || $s == null || $s == small ]] || die "SCEN lists file, null and/or small, not '$s'"
    done
    BYTES=$((BIG_MIB * 1048576))
    SMALL_BYTES=1024
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
nginx_answers() { # nginx_answers PORT: the 1 KiB file comes back
    timeout 5 "$GET" 127.0.0.1 "$1" /small.bin - 65536 2>/dev/null | cmp -s - "$WWW/small.bin"
}
# start_nginx: one nginx serving WWW over plain HTTP on 127.0.0.1 and a free
# port (PORT), plus whatever server blocks the function nginx_more_servers (if
# the script defines one) prints; it may set its own ports with free_port.
# Sets NGINX_PID (also in BG_PIDS); returns 1 when no try of five came up.
NGINX_PID=""
start_nginx() {
    local p i more
    for _ in 1 2 3 4 5; do
        p=$(free_port)
        more=
        if declare -F nginx_more_servers >/dev/null; then
            nginx_more_servers >"$WORK/nginx/more.conf" # not in a subshell: it may set ports
            more=$(cat "$WORK/nginx/more.conf")
        fi
        cat >"$WORK/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 10;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$p;
        root $WWW;
    }
    $more
}
CONF
        nginx -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" \
            </dev/null >"$WORK/nginx/stdout" 2>&1 &
        NGINX_PID=$!
        BG_PIDS+=("$NGINX_PID")
        for ((i = 0; i < 50; i++)); do
            if nginx_answers "$p"; then PORT=$p; return 0; fi
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    done
    return 1
}
# ---- timing: one runner call per run, outputs removed between runs ----
# timed TSV ROUNDS RUN_S: runs every LABELS/CMDS entry ROUNDS (+WARM) times in
# rotated order; before each run the entry's OUTS file (if any) is removed.
# Rows go to TSV as the runner writes them, with the round number set.
timed() {
    local tsv=$1 rounds=$2 run_s=$3 n=${#LABELS[@]} r k i st t0
    printf 'round\tlabel\tseconds\tmaxrss_kb\tstatus\n' >"$tsv"
    t0=$(date +%s)
    for ((r = 0; r < WARM + rounds; r++)); do
        if (($(date +%s) - t0 > TOTAL_TIMEOUT)); then
            note "$(basename "$tsv" .tsv): stopped after $((r - WARM)) rounds (TOTAL_TIMEOUT=$TOTAL_TIMEOUT s)"
            break
        fi
        for ((k = 0; k < n; k++)); do
            i=$(((k + r) % n))
            [[ -n ${OUTS[i]} ]] && rm -f -- "${OUTS[i]}"
            st=0
            "$RUNNER" -o "$WORK/one.tsv" -n 1 -w 0 -t "$run_s" -T "$((run_s + 60))" \
                -l "$WORK/runs.log" "${LABELS[i]}=${CMDS[i]}" &
            RUNNER_PID=$!
            wait "$RUNNER_PID" || st=$?
            RUNNER_PID=""
            ((st == 0)) || die "the runner failed (status $st)"
            ((r < WARM)) && continue
            awk -F'\t' -v OFS='\t' -v r="$((r - WARM))" 'NR > 1 { $1 = r; print }' "$WORK/one.tsv" >"$WORK/row.tsv"
            # a run to a file must have left the whole file
            if [[ -n ${SIZES[i]:-} && -n ${OUTS[i]} ]]; then
                local got
                got=$(stat -c %s "${OUTS[i]}" 2>/dev/null || echo missing)
                if [[ $got != "${SIZES[i]}" ]]; then
                    awk -F'\t' -v OFS='\t' -v why="size:$got" '$5 == "0" { $5 = why } { print }' "$WORK/row.tsv" >"$WORK/row2.tsv"
                    mv "$WORK/row2.tsv" "$WORK/row.tsv"
                fi
            fi
            cat "$WORK/row.tsv" >>"$tsv"
        done
        say "  round $((r + 1))/$((WARM + rounds))$( ((r < WARM)) && echo ' (warm-up)')"
    done
    for ((k = 0; k < n; k++)); do [[ -n ${OUTS[k]} ]] && rm -f -- "${OUTS[k]}"; done
    return 0
}

# check LABEL CHECK-COMMAND SHA SIZE: runs the command (which writes the
# download to stdout) once, untimed; its bytes must be SIZE with SHA-256 SHA.
# Returns 1 (with a note) when not.
check() {
    local lab=$1 cmd=$2 sha=$3 size=$4 st=0 got
    timeout -k 5 "$RUN_TIMEOUT" sh -c "$cmd" </dev/null >"$WORK/check.out" 2>"$WORK/check.err" || st=$?
    got=$(sha256sum <"$WORK/check.out" | cut -d' ' -f1)
    local n
    n=$(stat -c %s "$WORK/check.out")
    rm -f "$WORK/check.out"
    if ((st != 0)); then
        WHY="exit status $st: $(head -c 300 "$WORK/check.err" | tr '\n' ' ')"
    elif [[ $n != "$size" ]]; then
        WHY="$n bytes, not $size"
    elif [[ $got != "$sha" ]]; then
        WHY="SHA-256 $got is not the file's"
    else
        return 0
    fi
    if [[ $lab == nb:* ]]; then note "CHECK FAILED: ${lab#nb:}: $WHY; it is not timed"; NB_FAILED=1
    else note "${lab#*:} failed the check ($WHY); left out"; fi
    return 1
}

# ---- the summary: table + targets from a TSV (status "0" = good run) ----
# table FILE UNIT_BYTES [PER]: markdown table, rows in the order of LABELS; kinds
# from the label (nb:, peer:, ref:); PER > 0: times are of PER fetches.
# REF_NAME names the ref: rows (default "C reference").
table() {
    local order
    order=$(IFS='|'; echo "${LABELS[*]}")
    awk -F'\t' -v bytes="$2" -v per="${3:-0}" -v order="$order" -v refname="${REF_NAME:-C reference}" '
    function median(v, n,    b, i, j, t) {
        for (i = 1; i <= n; i++) b[i] = v[i]
        for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
    }
    # median over rounds of time(y) / time(x): the speed of x relative to y
    function speed(x, y,    v, m, r) {
        m = 0
        for (r = 0; r <= maxr; r++)
            if (((x, r) in wr) && ((y, r) in wr) && wr[x, r] > 0) v[++m] = wr[y, r] / wr[x, r]
        return m ? median(v, m) : -1
    }
    function fmt_t(x) { return x < 1 ? sprintf("%.0f ms", x * 1000) : sprintf("%.2f s", x) }
    BEGIN { nl = split(order, ord, "|"); for (i = 1; i <= nl; i++) seen[ord[i]] = 1 }
    NR == 1 { next }
    {
        r = $1 + 0; lab = $2
        if (!(lab in seen)) { seen[lab] = 1; ord[++nl] = lab }
        tot[lab]++; if (r > maxr) maxr = r
        if ($5 == "0") { k = ++n[lab]; w[lab, k] = $3 + 0; wr[lab, r] = $3 + 0; if ($4 > rss[lab]) rss[lab] = $4 + 0 }
        else { bad[lab]++; why[lab] = $5 }
    }
    END {
        best = ""; ref = ""
        for (i = 1; i <= nl; i++) {
            lab = ord[i]; if (!n[lab]) continue
            delete v; for (k = 1; k <= n[lab]; k++) v[k] = w[lab, k]
            med[lab] = median(v, n[lab])
            if (lab ~ /^peer:/ && (best == "" || med[lab] < med[best])) best = lab
            if (lab ~ /^ref:/ && (ref == "" || med[lab] < med[ref])) ref = lab
        }
        if (per > 0)
            print "| tool | kind | median (" per " fetches) | min – max | per fetch | speed vs best peer | speed vs " refname " | peak RSS MiB | ok runs |"
        else
            print "| tool | kind | median | min – max | MiB/s (median) | speed vs best peer | speed vs " refname " | peak RSS MiB | ok runs |"
        print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        for (i = 1; i <= nl; i++) {
            lab = ord[i]
            kind = lab; sub(/:.*/, "", kind); kind = kind == "nb" ? "netbasics" : kind == "ref" ? refname : "peer"
            name = lab; sub(/^[^:]*:/, "", name)
            ok = sprintf("%d/%d", n[lab] + 0, tot[lab]); if (bad[lab]) ok = ok " (last bad: " why[lab] ")"
            if (!n[lab]) { printf "| %s | %s | failed | | | | | | %s |\n", name, kind, ok; continue }
            mn = mx = w[lab, 1]
            for (k = 2; k <= n[lab]; k++) { if (w[lab, k] < mn) mn = w[lab, k]; if (w[lab, k] > mx) mx = w[lab, k] }
            sb = lab == best ? "1 (best peer)" : best == "" ? "n/a" : sprintf("%.2f", speed(lab, best))
            sr = lab == ref ? "1 (fastest " refname ")" : ref == "" ? "n/a" : sprintf("%.2f", speed(lab, ref))
            col = per > 0 ? sprintf("%.2f ms", med[lab] * 1000 / per) : sprintf("%.0f", bytes / 1048576 / med[lab])
            printf "| %s | %s | %s | %s – %s | %s | %s | %s | %.1f | %s |\n", name, kind, fmt_t(med[lab]), \
                fmt_t(mn), fmt_t(mx), col, sb, sr, rss[lab] / 1024, ok
        }
    }' "$1"
}

# speed FILE X Y: "SPEED WINS PAIRS": median over rounds of time(Y)/time(X),
# and the rounds in which X was at least as fast as Y
speed() {
    awk -F'\t' -v x="$2" -v y="$3" '
    function median(v, n,    b, i, j, t) {
        for (i = 1; i <= n; i++) b[i] = v[i]
        for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
    }
    NR > 1 && $5 == "0" { wr[$2, $1 + 0] = $3 + 0; if ($1 + 0 > maxr) maxr = $1 + 0 }
    END {
        m = 0; wins = 0
        for (r = 0; r <= maxr; r++)
            if (((x, r) in wr) && ((y, r) in wr) && wr[x, r] > 0) {
                v[++m] = wr[y, r] / wr[x, r]; if (wr[x, r] <= wr[y, r]) wins++
            }
        if (m) printf "%.3f %d %d\n", median(v, m), wins, m; else print "n/a 0 0"
    }' "$1"
}

peak_kb() { awk -F'\t' -v l="$2" 'NR > 1 && $2 == l && $5 == "0" && $4 + 0 > m { m = $4 + 0 } END { print m + 0 }' "$1"; }
has_label() { awk -F'\t' -v l="$2" 'NR > 1 && $2 == l && $5 == "0" { f = 1 } END { exit !f }' "$1"; }

STATUS=0
# target LINE-PREFIX FILE NB-LABEL OTHER-LABEL MIN [strict]: "holds" when the
# speed of NB over OTHER is >= MIN (> MIN when strict)
target() {
    local what=$1 tsv=$2 a=$3 b=$4 min=$5 strict=${6:-} sp wins pairs ok
    if ! has_label "$tsv" "$a" || ! has_label "$tsv" "$b"; then
        echo "- $what: not measured (${b#*:} or netbasics has no good run)."
        return
    fi
    read -r sp wins pairs < <(speed "$tsv" "$a" "$b")
    if [[ -n $strict ]]; then ok=$(awk -v x="$sp" -v m="$min" 'BEGIN { print (x > m) ? 1 : 0 }')
    else ok=$(awk -v x="$sp" -v m="$min" 'BEGIN { print (x >= m) ? 1 : 0 }'); fi
    if ((ok)); then
        echo "- $what: **holds** — speed ${sp}× (median of $pairs rounds; netbasics at least as fast in $wins/$pairs)."
    else
        echo "- $what: **does not hold** — speed ${sp}× (median of $pairs rounds; netbasics at least as fast in $wins/$pairs)."
        STATUS=1
    fi
}
rss_target() { # rss_target FILE LABEL
    local kb
    has_label "$1" "$2" || return 0
    kb=$(peak_kb "$1" "$2")
    if ((kb < RSS_LIMIT_KB)); then echo "- ${2#nb:} peak RSS under 8 MiB: **holds** — $kb KiB."
    else echo "- ${2#nb:} peak RSS under 8 MiB: **does not hold** — $kb KiB."; STATUS=1; fi
}

# scenario_report KEY TITLE: the heading (with the seconds it took), table and
# targets of scenario KEY (from TABLES, TARGETS, SECONDS_TAKEN), if it ran
scenario_report() {
    [[ -n ${TABLES[$1]:-} ]] || return 0
    printf '\n#### %s; %ss\n\n%s\n\n%s\n' "$2" "${SECONDS_TAKEN[$1]}" "${TABLES[$1]}" "${TARGETS[$1]}"
}
