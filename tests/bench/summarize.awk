# summarize.awk - the runner's TSV -> a markdown table, or one paired ratio.
#
# Input (runner.c): a header line, then  round <tab> label <tab> seconds <tab>
# maxrss_kb <tab> status.  A label is KIND:NAME, KIND one of nb (netbasics),
# peer (a peer tool) or ref (a physical floor: wc -l, /bin/true).
#
# Variables (-v):
#   okre   statuses that count as a good run (default ^0$)
#   lines  input lines per run, for the lines/s column (0 or unset: no column)
#   floor  a label whose per-round time is subtracted for "minus floor" (optional)
#   mode   "table" (default) or "pair": with a= and b= labels, print
#          "RATIO WINS N": the median over rounds of b/a, the number of rounds
#          in which a was faster than b, and the number of paired rounds.
#
# Ratios are paired: for each round, tool time / other time in the SAME round,
# then the median over rounds.  "best peer" is the peer with the lowest median.
BEGIN {
    FS = "\t"
    if (okre == "") okre = "^0$"
    if (mode == "") mode = "table"
}

function median(v, n,    b, i, j, t) {
    for (i = 1; i <= n; i++) b[i] = v[i]
    for (i = 2; i <= n; i++) {          # insertion sort: n is at most a few thousand
        t = b[i]
        for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]
        b[j + 1] = t
    }
    return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}

function fmt_t(x,    s) {
    s = x < 0 ? "-" : ""
    if (x < 0) x = -x
    if (x < 0.01) return sprintf("%s%.2f ms", s, x * 1000)
    if (x < 1) return sprintf("%s%.1f ms", s, x * 1000)
    return sprintf("%s%.2f s", s, x)
}

function fmt_rate(x) {
    if (x >= 1e6) return sprintf("%.1f M", x / 1e6)
    if (x >= 1e3) return sprintf("%.0f k", x / 1e3)
    return sprintf("%.0f", x)
}

# paired ratio x/y over the rounds both ran well; sets PAIRN and PAIRWINS
# (rounds in which y was faster than x)
function paired(x, y,    v, m, r) {
    m = 0; PAIRWINS = 0
    for (r = 0; r <= maxr; r++)
        if (((x, r) in wr) && ((y, r) in wr) && wr[y, r] > 0) {
            v[++m] = wr[x, r] / wr[y, r]
            if (wr[y, r] < wr[x, r]) PAIRWINS++
        }
    PAIRN = m
    return m ? median(v, m) : -1
}

NR == 1 && $1 == "round" { next }
{
    r = $1 + 0; lab = $2
    if (!(lab in seen)) { seen[lab] = 1; order[++nl] = lab }
    total[lab]++
    if (r > maxr) maxr = r
    if ($5 ~ okre) {
        k = ++n[lab]
        w[lab, k] = $3 + 0
        rss[lab, k] = $4 + 0
        wr[lab, r] = $3 + 0
    } else {
        bad[lab]++
        why[lab] = $5
    }
}

END {
    if (mode == "pair") {
        x = paired(b, a)
        printf "%s %d %d\n", (x < 0 ? "n/a" : sprintf("%.2f", x)), PAIRWINS, PAIRN
        exit
    }
    best = ""; nb = ""
    for (i = 1; i <= nl; i++) {
        lab = order[i]
        if (n[lab] == 0) continue
        delete v
        for (k = 1; k <= n[lab]; k++) v[k] = w[lab, k]
        med[lab] = median(v, n[lab])
        if (lab ~ /^peer:/ && (best == "" || med[lab] < med[best])) best = lab
        if (lab ~ /^nb:/ && nb == "") nb = lab
    }
    hdr = "| tool | kind | median | min – max | ratio to netbasics | ratio to best peer"
    sep = "| --- | --- | ---: | ---: | ---: | ---:"
    if (floor != "") { hdr = hdr " | minus floor"; sep = sep " | ---:" }
    if (lines > 0) { hdr = hdr " | lines/s"; sep = sep " | ---:" }
    print hdr " | peak RSS MiB | ok runs |"
    print sep " | ---: | ---: |"
    for (i = 1; i <= nl; i++) {
        lab = order[i]
        kind = lab; sub(/:.*/, "", kind)
        name = lab; sub(/^[^:]*:/, "", name)
        kind = kind == "nb" ? "netbasics" : kind == "ref" ? "floor" : "peer"
        okruns = sprintf("%d/%d", n[lab] + 0, total[lab])
        if (bad[lab]) okruns = okruns " (last bad: " why[lab] ")"
        if (n[lab] == 0) {
            printf "| %s | %s | failed | | | |%s%s | %s |\n", name, kind, \
                (floor != "" ? " |" : ""), (lines > 0 ? " |" : ""), okruns
            continue
        }
        mn = mx = w[lab, 1]; peak = rss[lab, 1]
        for (k = 2; k <= n[lab]; k++) {
            if (w[lab, k] < mn) mn = w[lab, k]
            if (w[lab, k] > mx) mx = w[lab, k]
            if (rss[lab, k] > peak) peak = rss[lab, k]
        }
        rn = "n/a"
        if (nb != "") {
            x = paired(lab, nb)
            if (x >= 0) rn = sprintf("%.2f", x)
            if (lab == nb) rn = "1 (itself)"
        }
        rb = "n/a"
        if (best != "") {
            x = paired(lab, best)
            if (x >= 0) rb = sprintf("%.2f", x)
            if (lab == best) rb = "1 (best peer)"
        }
        row = sprintf("| %s | %s | %s | %s – %s | %s | %s", name, kind, fmt_t(med[lab]), \
            fmt_t(mn), fmt_t(mx), rn, rb)
        if (floor != "") {
            delete v
            m = 0
            for (r = 0; r <= maxr; r++)
                if (((lab, r) in wr) && ((floor, r) in wr)) v[++m] = wr[lab, r] - wr[floor, r]
            row = row " | " (m ? fmt_t(median(v, m)) : "n/a")
        }
        if (lines > 0) row = row " | " fmt_rate(lines / med[lab])
        printf "%s | %.1f | %s |\n", row, peak / 1024, okruns
    }
}
