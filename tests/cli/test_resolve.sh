#!/usr/bin/env bash
# test_resolve.sh - `netbasics resolve` from the outside: against a real
# dnsmasq on 127.0.0.1 (and ::1) on a port the kernel let it have, compared
# with what dig and nslookup say to the same server; and against
# peers/dns_hostile.py, a scripted server for the replies no real server sends.
#
# No query ever goes to the machine's own name server: every resolve names
# its server (-s, @, or a resolv.conf written here that lists only loopback
# servers), NB_RESOLV_CONF and NB_HOSTS point at files written here for the
# whole script, and dig and nslookup are always given @127.0.0.1/::1 and a
# port. Every background process is stopped by its PID, every wait is bounded.
# Usage: test_resolve.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers
ESC=$'\033'
BEL=$'\007'
TAB=$'\t'
T_START=$(date +%s)
W=$NB_TMP/w
mkdir -p "$W"

# --- processes in the background, waits with a limit ----------------------

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"


# --- never the machine's name server ---------------------------------------

# write_conf (servers.sh) refuses any resolv.conf naming a server off loopback.



# The defaults for every run of this script: a resolv.conf whose only server
# is a closed port on 127.0.0.1 (a forgotten -s fails fast, and on loopback),
# and a hosts file of our own.
DEAD=$(free_port)
write_conf "$W/safe.conf" "nameserver 127.0.0.1#$DEAD
options timeout:1 attempts:1"
export NB_RESOLV_CONF=$W/safe.conf
printf '%s\n' '# hosts for test_resolve.sh' '127.0.0.1 localhost' '::1 localhost ip6-localhost' \
    '192.0.2.77 hostsonly.nb.test hostsalias' >"$W/hosts"
export NB_HOSTS=$W/hosts

# resolve ARGS...: the binary under test, never longer than 30 s.
resolve() { timeout -k 2 30 "$NB" resolve "$@"; }

one_line_err() { assert_eq "$1: one line on stderr" 1 "$(count_lines "$ERR")"; }
no_raw_esc() {
    assert_not_contains "$1: no raw ESC on stdout or stderr" "$OUT$ERR" "$ESC"
    assert_not_contains "$1: no raw BEL on stdout or stderr" "$OUT$ERR" "$BEL"
}
sorted() { printf '%s\n' "$1" | LC_ALL=C sort; }

section "netbasics resolve --help"
run resolve --help
assert_status "--help exits 0" 0
assert_contains "--help lists --short" "$OUT" "--short"
assert_contains "--help lists --resolv-conf" "$OUT" "--resolv-conf"

# --- dnsmasq ----------------------------------------------------------------

HAVE_DIG=0
command -v dig >/dev/null 2>&1 && HAVE_DIG=1
HAVE_NSLOOKUP=0
command -v nslookup >/dev/null 2>&1 && HAVE_NSLOOKUP=1
DP=
DNS_PID=

# 120 A records on one name: about 1960 bytes, more than the 1232 a UDP
# reply may carry with our EDNS0 size, so the reply comes truncated.
BIG_ARGS=()
for i in $(seq 1 120); do BIG_ARGS+=("--host-record=big.nb.test,127.0.1.$i"); done
R6=$("$PY" -c 'import ipaddress; print(ipaddress.ip_address("2001:db8::10").reverse_pointer)')
DNS_ARGS=(
    --local=/nb.test/
    --host-record=target.nb.test,192.0.2.10,2001:db8::10
    --host-record=v4only.nb.test,192.0.2.11
    --cname=c1.nb.test,c2.nb.test --cname=c2.nb.test,c3.nb.test --cname=c3.nb.test,target.nb.test
    '--txt-record=txt.nb.test,"hello world","semi;colon \"quoted\""'
    # ESC, TAB, a backslash, a double quote and UTF-8 é, then a second string
    "--txt-record=esc.nb.test,x${ESC}[31my${TAB}z\\b\"q"$'\303\251'",two words"
    --mx-host=nb.test,mail.nb.test,10 --mx-host=nb.test,mail2.nb.test,20
    --srv-host=_http._tcp.nb.test,web.nb.test,8080,1,5
    --srv-host=_http._tcp.nb.test,web2.nb.test,8081,2,10
    --ptr-record=10.2.0.192.in-addr.arpa,target.nb.test
    "--ptr-record=$R6,target.nb.test"
    # an authoritative zone for SOA (kept apart: an auth zone changes how
    # dnsmasq answers CNAME chains inside it)
    --auth-server=ns.auth.test --auth-zone=auth.test
    --auth-soa=2024010101,hostmaster.auth.test --host-record=ns.auth.test,192.0.2.53
    "${BIG_ARGS[@]}"
)

dnsmasq_ready() {
    [ "$(dig @127.0.0.1 -p "$1" +tries=1 +time=1 +short target.nb.test 2>/dev/null)" = 192.0.2.10 ] ||
        pid_gone "$2"
}


# d ARGS...: dig at our dnsmasq; d6 the same at ::1.
d() { dig @127.0.0.1 -p "$DP" +tries=1 +time=2 "$@"; }
d6() { dig @::1 -p "$DP" +tries=1 +time=2 "$@"; }

if [ ! -x "$DNSMASQ" ] || [ "$HAVE_DIG" = 0 ]; then
    section "dnsmasq or dig missing: the comparisons with a real server are skipped"
    nb_fail "dnsmasq and dig are installed (apt-get install dnsmasq-base bind9-dnsutils)"
elif ! DNSMASQ_V6=1 start_dnsmasq "$W" dnsmasq_ready "${DNS_ARGS[@]}"; then
    nb_fail "dnsmasq started on a free port of 127.0.0.1" "$(cat "$W/dnsmasq.err" 2>/dev/null)"
fi

if [ -n "$DP" ]; then
    S=(-s "127.0.0.1:$DP")
    AA_LABEL="Non-authoritative answer:"
    d c1.nb.test | grep -qE '^;; flags:[a-z ]* aa[ ;]' && AA_LABEL="Authoritative answer:"

    section "the default output, in nslookup's shape (dnsmasq on port $DP)"
    run resolve "${S[@]}" c1.nb.test
    assert_status "c1.nb.test: found, exit 0" 0
    assert_eq "c1.nb.test: server, the 3-hop chain, A and AAAA" "Server:${TAB}${TAB}127.0.0.1
Address:${TAB}127.0.0.1#$DP

$AA_LABEL
c1.nb.test${TAB}canonical name = c2.nb.test.
c2.nb.test${TAB}canonical name = c3.nb.test.
c3.nb.test${TAB}canonical name = target.nb.test.
Name:${TAB}target.nb.test
Address: 192.0.2.10
Name:${TAB}target.nb.test
Address: 2001:db8::10" "$OUT"
    assert_eq "c1.nb.test: nothing on stderr" "" "$ERR"
    assert_eq "c1.nb.test: stdout ends with one blank line" "$(printf '2001:db8::10\n\n' | od -c)" \
        "$(tail -c 14 "$OUT_FILE" | od -c)"
    MINE=$OUT
    if [ "$HAVE_NSLOOKUP" = 1 ]; then
        # nslookup prints nothing where the answer is authoritative; we say so
        NSL=$(nslookup -port="$DP" c1.nb.test 127.0.0.1 2>&1)
        assert_eq "c1.nb.test: the same as nslookup (but our 'Authoritative answer:' line)" \
            "$NSL" "$(printf '%s\n' "$MINE" | grep -vx 'Authoritative answer:')"
        for q in "-type=TXT txt.nb.test" "-type=TXT esc.nb.test" "-type=MX nb.test" \
            "-type=SRV _http._tcp.nb.test" "192.0.2.10" "2001:db8::10"; do
            set -- $q
            if [ $# = 2 ]; then t=(-t "${1#-type=}"); n=$2; else t=(); n=$1; fi
            NSL=$(nslookup -port="$DP" "$@" 127.0.0.1 2>&1 | grep -F "$TAB" | grep -E ' = ' | LC_ALL=C sort)
            run resolve "${S[@]}" "${t[@]}" "$n"
            assert_status "nslookup $q: exit 0" 0
            assert_eq "nslookup $q: the same answer lines" "$NSL" \
                "$(printf '%s\n' "$OUT" | grep -F "$TAB" | grep -E ' = ' | LC_ALL=C sort)"
        done
        no_raw_esc "default output of a TXT with ESC"
    else
        section "nslookup is not installed: the comparison with nslookup is skipped"
    fi

    section "--short against dig +short, type by type"
    cmp_short() { # NAME TYPE [sort]
        local want
        want=$(d +short -t "$2" "$1")
        run resolve "${S[@]}" --short -t "$2" "$1"
        if [ "${3:-}" = sort ]; then
            assert_eq "-t $2 $1: the same as dig +short (sorted: a set has no order)" \
                "$(sorted "$want")" "$(sorted "$OUT")"
        else
            assert_eq "-t $2 $1: the same as dig +short" "$want" "$OUT"
        fi
        assert_status "-t $2 $1: exit 0" 0
        assert_eq "-t $2 $1: nothing on stderr" "" "$ERR"
    }
    cmp_short c1.nb.test A
    cmp_short target.nb.test A
    cmp_short v4only.nb.test A
    cmp_short target.nb.test AAAA
    cmp_short c1.nb.test AAAA
    cmp_short c1.nb.test CNAME
    cmp_short c2.nb.test CNAME
    cmp_short txt.nb.test TXT
    cmp_short esc.nb.test TXT
    no_raw_esc "--short TXT with ESC"
    assert_contains "--short TXT: ESC shows as \\027" "$OUT" '\027'
    cmp_short nb.test MX sort
    cmp_short _http._tcp.nb.test SRV sort
    cmp_short 10.2.0.192.in-addr.arpa PTR
    cmp_short auth.test SOA
    if [ -n "$(d +short -t NS auth.test)" ]; then
        cmp_short auth.test NS
    else
        echo "# note: dnsmasq gives no NS records for its auth zone to these queries: NS not compared"
    fi

    section "reverse lookups: an IP address as NAME"
    run resolve "${S[@]}" --short 192.0.2.10
    assert_status "192.0.2.10: exit 0" 0
    assert_eq "192.0.2.10: the same as dig -x" "$(d +short -x 192.0.2.10)" "$OUT"
    run resolve "${S[@]}" --short 2001:db8::10
    assert_status "2001:db8::10: exit 0" 0
    assert_eq "2001:db8::10: the same as dig -x (ip6.arpa)" "$(d +short -x 2001:db8::10)" "$OUT"
    run resolve "${S[@]}" 192.0.2.10
    assert_eq "192.0.2.10: nslookup's PTR line" "10.2.0.192.in-addr.arpa${TAB}name = target.nb.test." \
        "$(printf '%s\n' "$OUT" | grep -F ' = ')"

    section "a reply too big for UDP: TC, then TCP"
    run resolve "${S[@]}" -x -t A big.nb.test
    assert_status "big.nb.test: exit 0" 0
    assert_contains "big.nb.test -x: the UDP reply had TC set" "$ERR" "TC set"
    assert_contains "big.nb.test -x: asked again over TCP" "$ERR" "SOCK_STREAM"
    assert_eq "big.nb.test: all 120 addresses in the default output" 120 \
        "$(printf '%s\n' "$OUT" | grep -c '^Address: 127\.0\.1\.')"
    run resolve "${S[@]}" --short -t A big.nb.test
    assert_eq "big.nb.test --short: 120 lines" 120 "$(count_lines "$OUT")"
    assert_eq "big.nb.test --short: the same set as dig +short (dig retries over TCP too)" \
        "$(sorted "$(d +short -t A big.nb.test)")" "$(sorted "$OUT")"

    section "--tcp"
    run resolve "${S[@]}" --tcp -x -t A c1.nb.test
    assert_status "--tcp: exit 0" 0
    assert_contains "--tcp -x: a TCP socket" "$ERR" "SOCK_STREAM"
    assert_not_contains "--tcp -x: no UDP socket" "$ERR" "SOCK_DGRAM"
    run resolve "${S[@]}" --tcp --short -t A c1.nb.test
    assert_eq "--tcp --short: the same as dig +tcp +short" "$(d +tcp +short -t A c1.nb.test)" "$OUT"
    run resolve "${S[@]}" -x -t A c1.nb.test
    assert_contains "without --tcp -x: a UDP socket" "$ERR" "SOCK_DGRAM"
    assert_not_contains "without --tcp -x: no TCP socket (the reply fits)" "$ERR" "SOCK_STREAM"

    section "negative answers: NXDOMAIN and no data"
    run resolve "${S[@]}" nx.nb.test
    assert_eq "dig agrees nx.nb.test is NXDOMAIN" 1 "$(d nx.nb.test | grep -c 'status: NXDOMAIN')"
    assert_status "nx.nb.test: exit 1" 1
    assert_contains "nx.nb.test: 'not found'" "$ERR" "not found"
    one_line_err "nx.nb.test"
    assert_not_contains "nx.nb.test: no address on stdout" "$OUT" "Address: 1"
    run resolve "${S[@]}" --short nx.nb.test
    assert_status "nx.nb.test --short: exit 1" 1
    assert_eq "nx.nb.test --short: nothing on stdout" "" "$OUT"
    run resolve "${S[@]}" -t AAAA v4only.nb.test
    assert_eq "dig agrees v4only.nb.test has no AAAA (NOERROR, 0 answers)" 1 \
        "$(d -t AAAA v4only.nb.test | grep -cE 'status: NOERROR')"
    assert_status "-t AAAA v4only.nb.test: exit 1" 1
    assert_contains "-t AAAA v4only.nb.test: 'has no AAAA record'" "$ERR" "has no AAAA record"
    assert_not_contains "-t AAAA v4only.nb.test: not called 'not found'" "$ERR" "not found"
    one_line_err "-t AAAA v4only.nb.test"
    run resolve "${S[@]}" v4only.nb.test
    assert_status "v4only.nb.test (A and AAAA asked): exit 0" 0
    assert_eq "v4only.nb.test: one address" "Address: 192.0.2.11" "$(printf '%s\n' "$OUT" | grep '^Address: ')"
    run resolve "${S[@]}" txt.nb.test
    assert_status "txt.nb.test (TXT only) with A and AAAA asked: exit 1" 1
    assert_contains "txt.nb.test: 'has no A or AAAA record'" "$ERR" "has no A or AAAA record"
    one_line_err "txt.nb.test"

    section "--json"
    run resolve "${S[@]}" --json c1.nb.test nx.nb.test v4only.nb.test
    assert_status "--json, one name not found: exit 1" 1
    assert_eq "--json: valid JSON, one object per line" "" "$(json_lines_ok "$OUT")"
    assert_eq "--json: three lines" 3 "$(count_lines "$OUT")"
    assert_eq "--json: name" '["c1.nb.test", "nx.nb.test", "v4only.nb.test"]' "$(jget "$OUT" '[o["name"] for o in j]')"
    assert_eq "--json: source dns" '["dns", "dns", "dns"]' "$(jget "$OUT" '[o["source"] for o in j]')"
    assert_eq "--json: the chain" '["c2.nb.test.", "c3.nb.test.", "target.nb.test."]' "$(jget "$OUT" 'j[0]["canonical_names"]')"
    assert_eq "--json: answers' types" '["A", "AAAA"]' "$(jget "$OUT" '[a["type"] for a in j[0]["answers"]]')"
    assert_eq "--json: answers' data are dig's" "$(d +short -t A target.nb.test) $(d +short -t AAAA target.nb.test)" \
        "$(jget "$OUT" '" ".join(a["data"] for a in j[0]["answers"])')"
    assert_eq "--json: answers' owner" "target.nb.test." "$(jget "$OUT" 'j[0]["answers"][0]["name"]')"
    assert_eq "--json: a ttl that is a number" "True" "$(jget "$OUT" 'str(all(isinstance(a["ttl"], int) for a in j[0]["answers"]))')"
    assert_eq "--json: NXDOMAIN as an error, no answers" '["NXDOMAIN", []]' "$(jget "$OUT" '[j[1].get("error"), j[1]["answers"]]')"
    assert_eq "--json: no error where found" "None" "$(jget "$OUT" 'str(j[2].get("error"))')"
    assert_contains "--json: the NXDOMAIN still on stderr" "$ERR" "not found"
    run resolve "${S[@]}" --json -t TXT esc.nb.test
    assert_eq "--json TXT with ESC: valid" "" "$(json_lines_ok "$OUT")"
    assert_eq "--json TXT with ESC: data as dig shows it" "$(d +short -t TXT esc.nb.test)" "$(jget "$OUT" 'j[0]["answers"][0]["data"]')"
    no_raw_esc "--json TXT with ESC"
    run resolve "${S[@]}" --json -t A big.nb.test
    assert_eq "--json big.nb.test: 120 answers" 120 "$(jget "$OUT" 'len(j[0]["answers"])')"
    run resolve "${S[@]}" --short --json c1.nb.test
    assert_status "--short --json: a usage error, exit 2" 2

    section "several names: as arguments and on stdin"
    run resolve "${S[@]}" --short -t A target.nb.test v4only.nb.test
    assert_status "two names: exit 0" 0
    assert_eq "two names: an answer each, in order" "192.0.2.10
192.0.2.11" "$OUT"
    run resolve "${S[@]}" --short -t A target.nb.test nx.nb.test v4only.nb.test
    assert_status "three names, one NXDOMAIN: exit 1" 1
    assert_eq "three names, one NXDOMAIN: the others still answered" "192.0.2.10
192.0.2.11" "$OUT"
    one_line_err "three names, one NXDOMAIN"
    run_in $'target.nb.test\n\n \t\r\n\tv4only.nb.test  \r\nc1.nb.test\n' resolve "${S[@]}" --short -t A
    assert_status "stdin: exit 0" 0
    assert_eq "stdin: one name a line, empty and blank lines skipped, blanks around a name trimmed" "192.0.2.10
192.0.2.11
$(d +short -t A c1.nb.test)" "$OUT"
    run_in $'v4only.nb.test\n' resolve "${S[@]}" --short -t A -
    assert_eq "'-' reads stdin" "192.0.2.11" "$OUT"
    run_in $'target.nb.test\nnx.nb.test\n' resolve "${S[@]}" -t A
    assert_status "stdin with an NXDOMAIN: exit 1" 1
    assert_eq "stdin, default output: one Server: header" 1 "$(printf '%s\n' "$OUT" | grep -c '^Server:')"
    assert_contains "stdin: the found one answered" "$OUT" "Address: 192.0.2.10"

    section "the server given three ways (and IPv6)"
    for how in "-s 127.0.0.1:$DP" "@127.0.0.1:$DP" "-s 127.0.0.1#$DP" "--server=127.0.0.1:$DP"; do
        run resolve $how -t A target.nb.test
        assert_status "$how: exit 0" 0
        assert_contains "$how: the server in the header" "$OUT" "Address:${TAB}127.0.0.1#$DP"
        assert_contains "$how: the answer" "$OUT" "Address: 192.0.2.10"
    done
    write_conf "$W/one.conf" "# only our dnsmasq
nameserver 127.0.0.1#$DP
options timeout:2 attempts:1"
    run resolve --resolv-conf "$W/one.conf" -t A target.nb.test
    assert_status "resolv.conf 'nameserver 127.0.0.1#PORT': exit 0" 0
    assert_contains "resolv.conf: the server in the header" "$OUT" "Address:${TAB}127.0.0.1#$DP"
    assert_contains "resolv.conf: the answer" "$OUT" "Address: 192.0.2.10"
    NB_RESOLV_CONF=$W/one.conf run resolve --short -t A target.nb.test
    assert_eq "env NB_RESOLV_CONF names the resolv.conf" "192.0.2.10" "$OUT"
    run resolve --resolv-conf "$W/one.conf" -x -t A target.nb.test
    assert_contains "resolv.conf -x: its timeout read (2 s)" "$ERR" "timeout 2000 ms"
    assert_contains "resolv.conf -x: the file named" "$ERR" "$W/one.conf"
    run resolve -s "127.0.0.1:$DP" --resolv-conf "$W/safe.conf" --short -t A target.nb.test
    assert_eq "-s wins over the resolv.conf's servers" "192.0.2.10" "$OUT"
    if [ "$HAVE_V6" = 1 ]; then
        run resolve -s "[::1]:$DP" --short -t A c1.nb.test
        assert_status "-s [::1]:PORT: exit 0" 0
        assert_eq "-s [::1]:PORT: the same as dig @::1" "$(d6 +short -t A c1.nb.test)" "$OUT"
        write_conf "$W/v6.conf" "nameserver [::1]:$DP"
        run resolve --resolv-conf "$W/v6.conf" -t A target.nb.test
        assert_status "resolv.conf 'nameserver [::1]:PORT': exit 0" 0
        assert_contains "resolv.conf [::1]:PORT: the server in the header" "$OUT" "Address:${TAB}::1#$DP"
    else
        echo "# note: no ::1 here: IPv6 servers not tried"
    fi

    section "the next server when the first is dead"
    DEAD2=$(free_port)
    write_conf "$W/dead-first.conf" "nameserver 127.0.0.1#$DEAD2
nameserver 127.0.0.1#$DP
options timeout:3 attempts:1"
    t0=$(now_ms)
    run resolve --resolv-conf "$W/dead-first.conf" -x -t A target.nb.test
    t1=$(now_ms)
    assert_status "dead first server: exit 0" 0
    assert_contains "dead first server: the answer" "$OUT" "Address: 192.0.2.10"
    assert_contains "dead first server: the header names the one that answered" "$OUT" "Address:${TAB}127.0.0.1#$DP"
    assert_contains "dead first server -x: the dead one was tried" "$ERR" "127.0.0.1:$DEAD2"
    assert_contains "dead first server -x: the next one tried" "$ERR" "try the next server"
    # a closed port is refused at once: no waiting out the 3 s timeout
    assert_true "dead first server: no waiting for the timeout (took $((t1 - t0)) ms)" [ $((t1 - t0)) -lt 2500 ]
    if [ "$HAVE_V6" = 1 ]; then
        write_conf "$W/dead6.conf" "nameserver [::1]:$DEAD2
nameserver 127.0.0.1#$DP"
        run resolve --resolv-conf "$W/dead6.conf" -x --short -t A target.nb.test
        assert_eq "dead [::1] first: the answer from the second" "192.0.2.10" "$OUT"
        assert_contains "dead [::1] first -x: it was tried" "$ERR" "::1"
    fi
    write_conf "$W/all-dead.conf" "nameserver 127.0.0.1#$DEAD2
nameserver 127.0.0.1#$DEAD
options timeout:1 attempts:1"
    run resolve --resolv-conf "$W/all-dead.conf" -t A target.nb.test
    assert_status "every server dead (port closed): exit 3" 3
    one_line_err "every server dead"

    section "search domains and ndots (a resolv.conf of ours)"
    write_conf "$W/search.conf" "nameserver 127.0.0.1#$DP
search nb.test
options timeout:2 attempts:1"
    run resolve --resolv-conf "$W/search.conf" --short -t A target
    assert_status "'target' with search nb.test: exit 0" 0
    assert_eq "'target' with search nb.test: target.nb.test's address" "192.0.2.10" "$OUT"
    run resolve --resolv-conf "$W/search.conf" target
    assert_contains "'target': the name found is shown" "$OUT" "Name:${TAB}target.nb.test"
    run resolve --resolv-conf "$W/search.conf" -x --short -t A c1.nb.test
    assert_contains "ndots 1, two dots: asked as is" "$ERR" "asking for c1.nb.test A"
    assert_not_contains "ndots 1, two dots: found as is, no search name tried" "$ERR" "c1.nb.test.nb.test"
    write_conf "$W/ndots.conf" "nameserver 127.0.0.1#$DP
search nb.test
options ndots:3 timeout:2 attempts:1"
    run resolve --resolv-conf "$W/ndots.conf" -x --short -t A c1.nb.test
    assert_status "ndots:3, c1.nb.test: exit 0" 0
    assert_eq "ndots:3, c1.nb.test: found after the search name" "$(d +short -t A c1.nb.test)" "$OUT"
    assert_match "ndots:3 -x: the search name first, then the name as is" \
        "$(printf '%s\n' "$ERR" | grep -oE 'asking for [^ ]+' | tr '\n' ' ')" \
        '^asking for c1\.nb\.test\.nb\.test asking for c1\.nb\.test $'
    run resolve --resolv-conf "$W/search.conf" -x --short -t A target.
    assert_not_contains "'target.' (absolute): no search name" "$ERR" "target.nb.test"

    section "the hosts file (NB_HOSTS), --dns-only, --system"
    : >"$W/dnsmasq.log"
    run resolve "${S[@]}" localhost
    assert_status "localhost from the hosts file: exit 0" 0
    assert_contains "localhost: labelled as from the hosts file" "$OUT" "From the hosts file $W/hosts"
    assert_contains "localhost: 127.0.0.1" "$OUT" "Address: 127.0.0.1"
    assert_contains "localhost: ::1 too (A and AAAA are asked by default)" "$OUT" "Address: ::1"
    run resolve "${S[@]}" --short hostsalias
    assert_eq "an alias in the hosts file" "192.0.2.77" "$OUT"
    run resolve "${S[@]}" --short -t AAAA localhost
    assert_eq "-t AAAA localhost: the hosts file's ::1" "::1" "$OUT"
    run resolve "${S[@]}" --json hostsonly.nb.test
    assert_eq "--json from the hosts file: valid" "" "$(json_lines_ok "$OUT")"
    assert_eq "--json from the hosts file: source hosts" "hosts" "$(jget "$OUT" 'j[0]["source"]')"
    assert_eq "--json from the hosts file: the address" "192.0.2.77" "$(jget "$OUT" 'j[0]["answers"][0]["data"]')"
    run resolve "${S[@]}" --dns-only hostsonly.nb.test
    assert_status "--dns-only hostsonly.nb.test (dnsmasq: NXDOMAIN): exit 1" 1
    assert_contains "--dns-only: the server's NXDOMAIN" "$ERR" "not found"
    assert_not_contains "--dns-only: not from the hosts file" "$OUT" "192.0.2.77"
    assert_true "--dns-only asked dnsmasq" poll_until 3 grep -q 'hostsonly.nb.test' "$W/dnsmasq.log"
    # dnsmasq logs in order: once the --dns-only query is in its log, any
    # query for the hosts-file lookups before it would be there too
    assert_true "hosts-file answers asked dnsmasq nothing" \
        bash -c "! grep -E 'query' '$W/dnsmasq.log' | grep -vE 'query\\[[A-Z]+\\] hostsonly\\.nb\\.test ' | grep -qE '(localhost|hostsalias|hostsonly)'"
    run resolve --hosts "$W/hosts" "${S[@]}" --short -t A hostsalias
    assert_eq "--hosts FILE" "192.0.2.77" "$OUT"
    run resolve --hosts /nonexistent/hosts "${S[@]}" --short -t A target.nb.test
    assert_eq "a missing hosts file: DNS asked" "192.0.2.10" "$OUT"
    if grep -qE '^[[:space:]]*127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts 2>/dev/null; then
        run resolve --system localhost
        assert_status "--system localhost: exit 0" 0
        assert_contains "--system localhost: getaddrinfo's view" "$OUT" "getaddrinfo"
        assert_match "--system localhost: a loopback address" "$OUT" '^Address: (127\.0\.0\.1|::1)$'
    else
        echo "# note: /etc/hosts has no localhost line: --system not tried (it might ask DNS)"
    fi

    section "usage errors"
    run resolve -s not-an-ip c1.nb.test
    assert_status "-s with a name: exit 2" 2
    one_line_err "-s with a name"
    run resolve "${S[@]}" -t BOGUS c1.nb.test
    assert_status "-t BOGUS: exit 2" 2
    run resolve "${S[@]}" --timeout 0 c1.nb.test
    assert_status "--timeout 0: exit 2" 2
fi

# --- the hostile server -----------------------------------------------------

HP=
HPID=
HLOG=
HSTARTS=0
# start_hostile MODE [MAX]: sets HP, HPID and HLOG (its log of queries). Each
# start has files of its own: the shell creates a background job's output
# file only when the job runs, so a file shared with an earlier start could
# still show that start's port (a dead one) to the poll below.
start_hostile() {
    local f try
    HP=
    for try in 1 2 3; do # a loaded machine may lose a start: try again, boundedly
        HSTARTS=$((HSTARTS + 1))
        f=$W/hostile.$HSTARTS.port
        HLOG=$W/hostile.$HSTARTS.log
        "$PY" "$PEERS/dns_hostile.py" "$1" "${2:-20}" 60 </dev/null >"$f" 2>"$HLOG" &
        HPID=$!
        track "$HPID"
        poll_until 10 bash -c "grep -sqE '^[0-9]+$' '$f' || ! kill -0 $HPID 2>/dev/null"
        HP=$(grep -sE '^[0-9]+$' "$f" | head -n 1)
        [ -n "$HP" ] && break
        echo "# dns_hostile.py $1 did not print its port (try $try): $(cat "$HLOG")"
        stop_pid "$HPID"
    done
    [ -n "$HP" ] || nb_fail "dns_hostile.py $1 printed its port" "$(cat "$HLOG")"
}
# hostile_queries PROTO [LOG]: how many PROTO (udp, tcp) queries LOG (default:
# the last start's) shows.
hostile_queries() { grep -c "^$1 " "${2:-$HLOG}"; }
# hostile_asked [LOG]: the queries LOG shows, "TYPE NAME" each, space-separated.
hostile_asked() { sed -E 's/^(udp|tcp) //' "${1:-$HLOG}" | tr '\n' ' ' | sed 's/ $//'; }
H=(--timeout 1 --retries 1 --dns-only)

section "hostile: wrong id, then the right one"
start_hostile wrongid
run resolve -s "127.0.0.1:$HP" "${H[@]}" -x -t A h.test
assert_status "wrongid: exit 0" 0
assert_contains "wrongid: the right reply's address" "$OUT" "Address: 192.0.2.1"
assert_not_contains "wrongid: not the wrong id's address" "$OUT" "192.0.2.99"
assert_contains "wrongid -x: the first reply ignored" "$ERR" "ignored"
stop_pid "$HPID"

section "hostile: 0 bytes, 7 bytes, another question, then the right reply"
start_hostile junk
run resolve -s "127.0.0.1:$HP" "${H[@]}" --short -t A h.test
assert_status "junk then right: exit 0" 0
assert_eq "junk then right: the right address only" "192.0.2.1" "$OUT"
stop_pid "$HPID"

section "hostile: replies that are not replies (ignored until the timeout, exit 7)"
for m in qr0 empty short7 wrongq silent; do
    start_hostile $m
    t0=$(now_ms)
    run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
    t1=$(now_ms)
    assert_status "$m: timed out, exit 7" 7
    one_line_err "$m"
    assert_contains "$m: says no answer came" "$ERR" "no answer"
    assert_eq "$m: nothing on stdout" "" "$OUT"
    assert_true "$m: --timeout 1 --retries 1 ends within 3 s (took $((t1 - t0)) ms)" [ $((t1 - t0)) -lt 3000 ]
    assert_true "$m: waited the timeout (took $((t1 - t0)) ms)" [ $((t1 - t0)) -ge 900 ]
    stop_pid "$HPID"
done
start_hostile silent
t0=$(now_ms)
run resolve -s "127.0.0.1:$HP" --timeout 1 --retries 2 --dns-only -t A h.test
t1=$(now_ms)
assert_status "silent, --retries 2: exit 7" 7
assert_true "silent, --retries 2: ends within 4 s (took $((t1 - t0)) ms)" [ $((t1 - t0)) -lt 4000 ]
poll_until 2 test "$(hostile_queries udp)" -ge 2 # the server logs after it reads
assert_eq "silent, --retries 2: asked twice" 2 "$(hostile_queries udp)"
stop_pid "$HPID"
start_hostile silent
write_conf "$W/silent.conf" "nameserver 127.0.0.1#$HP
options timeout:1 attempts:1"
t0=$(now_ms)
run resolve --resolv-conf "$W/silent.conf" --dns-only -t A h.test
t1=$(now_ms)
assert_status "silent, resolv.conf timeout:1 attempts:1: exit 7" 7
assert_true "silent, resolv.conf's timeout obeyed (took $((t1 - t0)) ms)" [ $((t1 - t0)) -lt 3000 ]
stop_pid "$HPID"

section "hostile: malformed replies (exit 5, one line, no crash)"
malformed() { # MODE PATTERN-IN-THE-MESSAGE
    start_hostile "$1" 40
    run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
    assert_status "$1: malformed reply, exit 5" 5
    one_line_err "$1"
    assert_match "$1: the message names the rule" "$ERR" "$2"
    assert_eq "$1: nothing on stdout" "" "$OUT"
    run resolve -s "127.0.0.1:$HP" "${H[@]}" h.test
    assert_status "$1 (A and AAAA asked): exit 5" 5
    one_line_err "$1 (A and AAAA asked)"
    run resolve -s "127.0.0.1:$HP" "${H[@]}" -x -t A h.test
    assert_status "$1 -x (the reply annotated anyway): exit 5" 5
    assert_not_contains "$1 -x: no raw ESC" "$ERR" "$ESC"
    run resolve -s "127.0.0.1:$HP" "${H[@]}" --json -t A h.test
    assert_status "$1 --json: exit 5" 5
    assert_eq "$1 --json: stdout still valid JSON" "" "$(json_lines_ok "$OUT")"
    stop_pid "$HPID"
}
malformed counts '60'
malformed rdlen '255'
malformed a3 'exactly 4|3 bytes'
malformed ptrself 'pointer'
malformed ptrloop 'pointer'
malformed label64 '0x40|63'
malformed name256 '255'
malformed cnameloop 'loop'

section "hostile: TC set over TCP too"
start_hostile tctcp
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
# Either the records that came, with a warning that there may be more (exit
# 0), or an error (exit 5); never silence about the TC bit, never a loop.
if [ "$STATUS" = 0 ]; then
    assert_contains "tctcp, exit 0: the record that came" "$OUT" "Address: 192.0.2.1"
else
    assert_status "tctcp: exit 0 or else 5" 5
    one_line_err "tctcp"
fi
assert_match "tctcp: says the answer was truncated even over TCP" "$ERR" '[Tt]runcated'
assert_eq "tctcp: one UDP query" 1 "$(hostile_queries udp)"
assert_eq "tctcp: one TCP query, no loop" 1 "$(hostile_queries tcp)"
stop_pid "$HPID"
start_hostile tcpcut
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
assert_status "tcpcut (a TCP reply cut short): exit 5" 5
one_line_err "tcpcut"
assert_contains "tcpcut: says how much came" "$ERR" "20 of 100"
stop_pid "$HPID"

section "hostile: SERVFAIL, REFUSED, NXDOMAIN"
start_hostile servfail
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
assert_status "SERVFAIL from the only server: exit 3" 3
one_line_err "SERVFAIL only"
assert_contains "SERVFAIL only: named" "$ERR" "SERVFAIL"
if [ -n "$DP" ]; then
    write_conf "$W/servfail-first.conf" "nameserver 127.0.0.1#$HP
nameserver 127.0.0.1#$DP
options timeout:1 attempts:1"
    run resolve --resolv-conf "$W/servfail-first.conf" -x -t A target.nb.test
    assert_status "SERVFAIL, then dnsmasq: exit 0" 0
    assert_contains "SERVFAIL, then dnsmasq: its answer" "$OUT" "Address: 192.0.2.10"
    assert_contains "SERVFAIL, then dnsmasq: the header names dnsmasq" "$OUT" "Address:${TAB}127.0.0.1#$DP"
    assert_contains "SERVFAIL, then dnsmasq -x: the SERVFAIL seen" "$ERR" "SERVFAIL"
fi
stop_pid "$HPID"
# then_ok MODE ARGS...: a scripted server answering MODE, then one answering
# ok, in one resolv.conf; runs resolve --dns-only ARGS with it, stops both.
then_ok() {
    local mode=$1 first firstpid
    shift
    start_hostile "$mode"
    first=$HP
    firstpid=$HPID
    start_hostile ok
    write_conf "$W/$mode-ok.conf" "nameserver 127.0.0.1#$first
nameserver 127.0.0.1#$HP
options timeout:1 attempts:1"
    run resolve --resolv-conf "$W/$mode-ok.conf" --dns-only "$@"
    stop_pid "$firstpid"
    stop_pid "$HPID"
}
then_ok servfail --short -t A h.test
assert_status "SERVFAIL, then a second scripted server: exit 0" 0
assert_eq "SERVFAIL, then a second scripted server: its answer" "192.0.2.1" "$OUT"
start_hostile refused
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
assert_status "REFUSED from the only server: exit 3" 3
one_line_err "REFUSED only"
stop_pid "$HPID"
start_hostile nxdomain
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
assert_status "NXDOMAIN: exit 1" 1
assert_contains "NXDOMAIN: not found" "$ERR" "not found"
stop_pid "$HPID"

section "hostile: NOTIMP moves on to the next server"
then_ok notimp -x --short -t A h.test
assert_status "NOTIMP, then a second server: exit 0" 0
assert_eq "NOTIMP, then a second server: its answer" "192.0.2.1" "$OUT"
assert_contains "NOTIMP -x: seen, and the next server tried" "$ERR" "answered NOTIMP — try the next server"
start_hostile notimp
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t A h.test
assert_status "NOTIMP from the only server: exit 3" 3
assert_contains "NOTIMP from the only server: named" "$ERR" "NOTIMP"
one_line_err "NOTIMP only"
stop_pid "$HPID"

# The search list against glibc's res_search (resolv/res_query.c): which
# names are asked, in which order, and what stands when none is found.
# search_run RULES CONF-LINES ARGS...: a scripted server answering by RULES
# (dns_hostile.py's SUFFIX=MODE,...), a resolv.conf naming only it, then
# resolve --dns-only ARGS; ASKED is what the server was asked, in order.
search_run() {
    local rules=$1 lines=$2
    shift 2
    start_hostile "$rules" 80
    write_conf "$W/search-run.conf" "nameserver 127.0.0.1#$HP
$lines
options timeout:1 attempts:1"
    run resolve --resolv-conf "$W/search-run.conf" --dns-only "$@"
    stop_pid "$HPID" # the log is complete once the server is gone
    ASKED=$(hostile_asked)
}

section "search list: a failing domain does not end the search (glibc)"
search_run "broken.test=servfail,nb.test=ok" "search broken.test nb.test" www
assert_status "SERVFAIL for www.broken.test, then www.nb.test: exit 0" 0
assert_contains "SERVFAIL, then www.nb.test: the name found" "$OUT" "Name:${TAB}www.nb.test"
assert_eq "SERVFAIL, then www.nb.test: both addresses" "Address: 192.0.2.1
Address: 2001:db8::1" "$(printf '%s\n' "$OUT" | grep '^Address: ')"
# A and AAAA of one name are asked together (as getaddrinfo does), the names in glibc's order
assert_eq "SERVFAIL, then www.nb.test: asked in glibc's order, A and AAAA together" \
    "www.broken.test. www.broken.test. www.nb.test. www.nb.test." \
    "$(printf '%s\n' $ASKED | grep -v -x -e A -e AAAA | tr '\n' ' ' | sed 's/ $//')"
search_run "broken.test=servfail,nb.test=ok" "search broken.test nb.test" --parallel 1 www
assert_eq "--parallel 1: one question at a time, AAAA after A's NOERROR" \
    "A www.broken.test. A www.nb.test. AAAA www.nb.test." "$ASKED"
search_run "broken.test=nodata,nb.test=ok" "search broken.test nb.test" --short -t A www
assert_status "no data for www.broken.test, then www.nb.test: exit 0" 0
assert_eq "no data, then www.nb.test: its address" "192.0.2.1" "$OUT"
search_run "broken.test=ok,nb.test=ok" "search broken.test nb.test" --short -t MX www
assert_status "no MX anywhere: exit 1" 1
assert_eq "no MX anywhere: every name asked" "MX www.broken.test. MX www.nb.test. MX www." "$ASKED"
for rc in refused notimp; do
    search_run "broken.test=$rc,nb.test=ok" "search broken.test nb.test" -t A www
    assert_eq "$rc for www.broken.test: no more search domains, the name as is last (glibc)" \
        "A www.broken.test. A www." "$ASKED"
    assert_status "$rc, then www NXDOMAIN: the last answer stands, exit 1" 1
done

section "search list: what stands when no name is found (glibc's order)"
search_run "*=nxdomain" "search a.test b.test" -t A www
assert_status "NXDOMAIN everywhere: exit 1" 1
assert_contains "NXDOMAIN everywhere: not found" "$ERR" "not found"
one_line_err "NXDOMAIN everywhere"
search_run "a.test=nodata" "search a.test b.test" -t A www
assert_status "no data for one name, NXDOMAIN for the others: exit 1" 1
assert_contains "no data for one name: said so, not NXDOMAIN" "$ERR" "www has no A record"
search_run "b.test=servfail" "search a.test b.test" -t A www
assert_status "SERVFAIL for one name, NXDOMAIN for the others: exit 3" 3
assert_contains "SERVFAIL for one name: the name and the rcode" "$ERR" "www.b.test: no name server answered usefully"
assert_contains "SERVFAIL for one name: SERVFAIL named" "$ERR" "SERVFAIL"
one_line_err "SERVFAIL for one name"
search_run "a.test=servfail,b.test=nodata" "search a.test b.test" -t A www
assert_status "SERVFAIL and no data: no data stands, exit 1" 1
assert_contains "SERVFAIL and no data: no A record" "$ERR" "www has no A record"
search_run "a.test=servfail" "search a.test" -t A www.x
assert_status "www.x asked as is first (NXDOMAIN), then SERVFAIL: the first answer stands, exit 1" 1
assert_eq "www.x: the name as is first" "A www.x. A www.x.a.test." "$ASKED"
search_run "*=silent" "search a.test b.test" -t A www
assert_status "no answer in time: the search ends, exit 7" 7
assert_eq "no answer in time: no other name asked" "A www.a.test." "$ASKED"

section "search list: long names and many domains"
N253=$(printf 'a%.0s' $(seq 63)).$(printf 'b%.0s' $(seq 63)).$(printf 'c%.0s' $(seq 63)).$(printf 'd%.0s' $(seq 61))
assert_eq "a name of 253 bytes" 253 "${#N253}"
search_run "*=nxdomain" "search nb.test" -t A "$N253"
assert_status "253 bytes, NXDOMAIN: exit 1, not a length error" 1
assert_contains "253 bytes, NXDOMAIN: not found" "$ERR" "not found"
assert_not_contains "253 bytes: no 'longer than 255 bytes'" "$ERR" "255"
search_run "*=ok" "search nb.test
options ndots:5" --short -t A "$N253"
assert_status "253 bytes, ndots:5: the too long search name left out, exit 0" 0
assert_eq "253 bytes, ndots:5: the name as is asked, only" "A $N253." "$ASKED"
search_run "d9.test=ok" "search d1.test d2.test d3.test d4.test d5.test d6.test d7.test d8.test d9.test" --short -t A h
assert_status "the 9th search domain is used: exit 0" 0
assert_eq "the 9th search domain: its answer" "192.0.2.1" "$OUT"
assert_contains "the 9th search domain: asked" "$ASKED" "A h.d9.test."

# glibc itself, where it can be asked without touching this machine's
# configuration: in a private network and mount namespace (root, unshare),
# /etc/resolv.conf is bind-mounted over with one naming the scripted server
# on 127.0.0.1:53 of that namespace, and getent ahosts (getaddrinfo) asks.
# glibc_ahosts RULES CONF-LINES NAME: prints what getent printed and its exit.
glibc_ahosts() {
    unshare -n -m bash -c '
        ip link set lo up || exit 90
        mount --bind "$1" /etc/resolv.conf || exit 91
        DNS_HOSTILE_PORT=53 "$2" "$3" "$4" 40 20 >"$5" 2>/dev/null &
        for i in $(seq 100); do grep -sq "^53$" "$5" && break; sleep 0.05; done
        timeout 20 getent ahosts "$6"
        echo "exit $?"
        kill $! 2>/dev/null' glibc "$W/glibc.conf.$HSTARTS" "$PY" "$PEERS/dns_hostile.py" "$1" \
        "$W/glibc.port.$HSTARTS" "$3" 2>&1
}
glibc_compare() { # RULES CONF-LINES NAME: glibc's and netbasics' exit and name found agree
    local g ours
    HSTARTS=$((HSTARTS + 1))
    write_conf "$W/glibc.conf.$HSTARTS" "nameserver 127.0.0.1
$2
options timeout:1 attempts:1"
    g=$(glibc_ahosts "$1" "$2" "$3")
    case $g in
    *"exit 0") g="found $(printf '%s\n' "$g" | awk 'NR == 1 { print $3 }')" ;;
    *"exit 2") g="not found" ;;
    *) echo "# note: glibc could not be asked here ($(printf '%s' "$g" | tail -n 1))"; return ;;
    esac
    search_run "$1" "$2" "$3"
    case $STATUS in
    0) ours="found $(printf '%s\n' "$OUT" | awk -F'\t' '/^Name:/ { print $2; exit }')" ;;
    1 | 3) ours="not found" ;;
    *) ours="exit $STATUS" ;;
    esac
    assert_eq "glibc and resolve agree: $1, $(printf '%s' "$2" | tr '\n' ' ')" "$g" "$ours"
}
section "search list: the same as glibc's getaddrinfo"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v getent >/dev/null &&
    command -v ip >/dev/null && unshare -n -m true 2>/dev/null; then
    glibc_compare "broken.test=servfail,nb.test=ok" "search broken.test nb.test" www
    glibc_compare "broken.test=nodata,nb.test=ok" "search broken.test nb.test" www
    glibc_compare "broken.test=refused,nb.test=ok" "search broken.test nb.test" www
    glibc_compare "broken.test=notimp,nb.test=ok" "search broken.test nb.test" www
    glibc_compare "www.x=ok" "search a.test
options ndots:2" www.x
else
    echo "# note: not root or no unshare: glibc not compared"
fi

section "hostile: authoritative or not"
start_hostile ok
run resolve -s "127.0.0.1:$HP" "${H[@]}" h.test
assert_contains "AA clear: 'Non-authoritative answer:'" "$OUT" "Non-authoritative answer:"
assert_eq "AA clear: A and AAAA" "Address: 192.0.2.1
Address: 2001:db8::1" "$(printf '%s\n' "$OUT" | grep '^Address: ')"
stop_pid "$HPID"
start_hostile okaa
run resolve -s "127.0.0.1:$HP" "${H[@]}" h.test
assert_match "AA set: 'Authoritative answer:'" "$OUT" '^Authoritative answer:$'
stop_pid "$HPID"

section "hostile: ESC bytes in a TXT and in a name"
start_hostile esc 40
run resolve -s "127.0.0.1:$HP" "${H[@]}" -t TXT h.test
assert_status "TXT with ESC: exit 0" 0
assert_contains "TXT with ESC: shown as \\027" "$OUT" 'text = "\027[31mred\027[0m\007"'
no_raw_esc "TXT with ESC"
run resolve -s "127.0.0.1:$HP" "${H[@]}" --short -t TXT h.test
assert_eq "TXT with ESC --short" '"\027[31mred\027[0m\007"' "$OUT"
run resolve -s "127.0.0.1:$HP" "${H[@]}" --json -t TXT h.test
assert_eq "TXT with ESC --json: valid" "" "$(json_lines_ok "$OUT")"
no_raw_esc "TXT with ESC --json"
run resolve -s "127.0.0.1:$HP" "${H[@]}" -x -t TXT h.test
no_raw_esc "TXT with ESC -x"
run resolve -s "127.0.0.1:$HP" "${H[@]}" h.test
assert_status "a CNAME to a name with ESC: exit 0" 0
assert_contains "a CNAME to a name with ESC: the hop escaped" "$OUT" "h.test${TAB}canonical name = e\\027[2Jvil.test."
assert_contains "a CNAME to a name with ESC: the owner escaped" "$OUT" "Name:${TAB}e\\027[2Jvil.test"
no_raw_esc "a name with ESC"
run resolve -s "127.0.0.1:$HP" "${H[@]}" --json h.test
no_raw_esc "a name with ESC --json"
assert_eq "a name with ESC --json: valid" "" "$(json_lines_ok "$OUT")"
run resolve -s "127.0.0.1:$HP" "${H[@]}" -x h.test
no_raw_esc "a name with ESC -x"
stop_pid "$HPID"

if [ -n "$DNS_PID" ]; then
    stop_pid "$DNS_PID"
    assert_true "dnsmasq stopped" pid_gone "$DNS_PID"
fi
echo "# test_resolve.sh ran in $(($(date +%s) - T_START)) s"
section "reverse lookups answered from the hosts file"
run resolve 127.0.0.1
assert_status "127.0.0.1 from the hosts file: exit 0" 0
assert_contains "127.0.0.1 from the hosts file: labelled" "$OUT" "From the hosts file $NB_HOSTS"
assert_contains "127.0.0.1 from the hosts file: the PTR line" "$OUT" "1.0.0.127.in-addr.arpa${TAB}name = localhost."
run resolve --short ::1
assert_eq "::1 --short: the hosts file's name" "localhost." "$OUT"
run resolve --json 127.0.0.1
assert_eq "127.0.0.1 --json: source" hosts "$(jget "$OUT" 'j[0]["source"]')"
assert_eq "127.0.0.1 --json: the name" localhost "$(jget "$OUT" 'j[0]["answers"][0]["data"]')"


# ==========================================================================
# dig's forms: @SERVER NAME TYPE, +words, side by side with dig's own output
# against a dnsmasq of their own (the one above is stopped by now).
if [ -x "$DNSMASQ" ] && [ "$HAVE_DIG" = 1 ] &&
    start_dnsmasq "$W" dnsmasq_ready --local=/nb.test/ \
        --host-record=target.nb.test,192.0.2.10,2001:db8::10 \
        --cname=c1.nb.test,target.nb.test \
        --mx-host=nb.test,mail.nb.test,10 --mx-host=nb.test,mail2.nb.test,20 \
        '--txt-record=txt.nb.test,"hello world"' \
        --host-record=www.search.nb.test,192.0.2.30; then
    section "dig's forms: @SERVER NAME TYPE and +words (dnsmasq on port $DP)"
    for t in MX mx TXT A AAAA; do
        case $t in [Mm][Xx]) n=nb.test ;; TXT) n=txt.nb.test ;; *) n=c1.nb.test ;; esac
        run resolve "@127.0.0.1:$DP" "$n" "$t" +short
        assert_status "@SERVER $n $t +short: exit 0" 0
        assert_eq "@SERVER $n $t +short: as dig @SERVER $n $t +short" \
            "$(sorted "$(d "$n" "$t" +short)")" "$(sorted "$OUT")"
        run resolve +short "$t" "@127.0.0.1:$DP" "$n"
        assert_eq "+short $t @SERVER $n (type first, as dig takes it): the same" \
            "$(sorted "$(d "$t" "$n" +short)")" "$(sorted "$OUT")"
    done
    run resolve "@127.0.0.1:$DP" nb.test MX
    assert_contains "NAME MX without +short: nslookup's view of MX" "$OUT" "nb.test${TAB}mail exchanger = 10 mail.nb.test."
    assert_not_contains "NAME MX: MX was not looked up as a name" "$OUT$ERR" "MX: not found"
    run resolve "@127.0.0.1:$DP" -x +short mx
    assert_contains "a lone type word is the NAME (no other name given): 'mx' asked" "$ERR" "asking for mx A"
    run resolve "@127.0.0.1:$DP" +json nb.test MX
    assert_eq "+json: --json's object" MX "$(jget "$OUT" 'j[0]["answers"][0]["type"]')"
    run resolve "@127.0.0.1:$DP" +tcp -x +short target.nb.test A
    assert_eq "+tcp: the answer" 192.0.2.10 "$OUT"
    assert_contains "+tcp: asked over TCP" "$ERR" "SOCK_STREAM"
    assert_not_contains "+tcp: never over UDP" "$ERR" "SOCK_DGRAM"
    write_conf "$W/vc.conf" "nameserver 127.0.0.1#$DP
options use-vc"
    run resolve --resolv-conf "$W/vc.conf" +notcp -x +short target.nb.test A
    assert_eq "+notcp over resolv.conf's use-vc: the answer" 192.0.2.10 "$OUT"
    assert_not_contains "+notcp over use-vc: not over TCP" "$ERR" "SOCK_STREAM"
    run resolve --resolv-conf "$W/vc.conf" -x +short target.nb.test A
    assert_contains "use-vc alone: over TCP (what +notcp overrode)" "$ERR" "SOCK_STREAM"
    write_conf "$W/search2.conf" "nameserver 127.0.0.1#$DP
search search.nb.test"
    run resolve --resolv-conf "$W/search2.conf" +short www
    assert_eq "the search list by default (nslookup's way)" 192.0.2.30 "$(head -n 1 <<<"$OUT")"
    run resolve --resolv-conf "$W/search2.conf" +search +short www A
    assert_eq "+search: the same" 192.0.2.30 "$OUT"
    run resolve --resolv-conf "$W/search2.conf" +nosearch +short www A
    assert_contains "+nosearch: www alone asked (dnsmasq refuses it: not its domain)" "$ERR" "www: "
    assert_eq "+nosearch: no answer, as dig's default" "$(d www A +short)" "$OUT"
    run resolve --resolv-conf "$W/search2.conf" --no-search -x www A
    assert_not_contains "--no-search: www.search.nb.test never asked" "$ERR" "www.search.nb.test"
    DEADP=$(free_port)
    T0=$(now_ms)
    run resolve "@127.0.0.1:$DEADP" +time=0.3 +tries=2 +short target.nb.test
    T1=$(now_ms)
    assert_status "+time=0.3 +tries=2 at a closed port: no answer" 3
    assert_true "+time=0.3 +tries=2: ended within 2 s ($((T1 - T0)) ms)" test $((T1 - T0)) -lt 2000
    run resolve "@127.0.0.1:$DP" -x +time=0.5 +tries=3 +short target.nb.test A
    assert_contains "+time and +tries: the configuration told" "$ERR" "timeout 500 ms, 3 rounds"
    stop_pid "$DNS_PID"
fi

finish
