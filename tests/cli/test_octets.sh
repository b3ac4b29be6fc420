#!/usr/bin/env bash
# test_octets.sh - `netbasics octets` from the outside: stdout, stderr and the
# exit status for every feature of issue 2. Usage: test_octets.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
ESC=$'\033'

# Python that answers the quiz questions it reads on stdin, one answer a line,
# worked out from each question's text (not from the program's own answers).
QUIZ_SOLVER='
import re, sys
for line in sys.stdin:
    m = re.match(r"^\d+\. (What is .*\?)", line)
    if not m:
        continue
    q = m.group(1)
    if q == "What is the biggest number that fits in an octet?":
        print(255)
    elif re.fullmatch(r"What is (\d+) in binary \(8 digits\)\?", q):
        print(format(int(re.fullmatch(r"What is (\d+) .*", q).group(1)), "08b"))
    elif re.fullmatch(r"What is ([01]{8}) in decimal\?", q):
        print(int(q.split()[2], 2))
    elif re.fullmatch(r"What is (\d+\.){3}\d+ as one 32-bit number\?", q):
        print(int.from_bytes(bytes(int(x) for x in q.split()[2].split(".")), "big"))
    else:
        print("UNKNOWN QUESTION: " + q)
'

section "the lesson's table: 185.172.165.184"
run "$NB" octets 185.172.165.184
assert_status "185.172.165.184: exit 0" 0
assert_eq "185.172.165.184: nothing on stderr" "" "$ERR"
assert_match "185.172.165.184: header row names the place values" "$OUT" '^ *octet +decimal +binary +hex +place values \(128 64 32 16 8 4 2 1\)$'
assert_match "185.172.165.184: octet 1 = 185 10111001 b9 128+32+16+8+1" "$OUT" '^ *1 +185 +10111001 +b9 +128\+32\+16\+8\+1$'
assert_match "185.172.165.184: octet 2 = 172 10101100 ac 128+32+8+4" "$OUT" '^ *2 +172 +10101100 +ac +128\+32\+8\+4$'
assert_match "185.172.165.184: octet 3 = 165 10100101 a5 128+32+4+1" "$OUT" '^ *3 +165 +10100101 +a5 +128\+32\+4\+1$'
assert_match "185.172.165.184: octet 4 = 184 10111000 b8 128+32+16+8" "$OUT" '^ *4 +184 +10111000 +b8 +128\+32\+16\+8$'
assert_match "185.172.165.184: the whole address in binary" "$OUT" '^ *binary +10111001\.10101100\.10100101\.10111000$'
assert_match "185.172.165.184: integer 3115099576 = 0xb9aca5b8" "$OUT" '^ *integer +3115099576 = 0xb9aca5b8$'
assert_match "185.172.165.184: network-order bytes" "$OUT" '^ *bytes +b9 ac a5 b8'
assert_match "185.172.165.184: kind global" "$OUT" '^ *kind +global'

section "special-purpose kinds"
run "$NB" octets 255.255.255.255
assert_status "255.255.255.255: exit 0" 0
assert_match "255.255.255.255: octet row 255 11111111 ff" "$OUT" '^ *1 +255 +11111111 +ff +128\+64\+32\+16\+8\+4\+2\+1$'
assert_match "255.255.255.255: integer 4294967295 = 0xffffffff" "$OUT" '^ *integer +4294967295 = 0xffffffff$'
assert_match "255.255.255.255: kind limited-broadcast" "$OUT" '^ *kind +limited-broadcast'
run "$NB" octets 0.0.0.0
assert_match "0.0.0.0: place value of 0 is 0" "$OUT" '^ *1 +0 +00000000 +00 +0$'
assert_match "0.0.0.0: kind unspecified" "$OUT" '^ *kind +unspecified'
run "$NB" octets 127.0.0.1
assert_match "127.0.0.1: octet 1 = 127 01111111 7f" "$OUT" '^ *1 +127 +01111111 +7f +64\+32\+16\+8\+4\+2\+1$'
assert_match "127.0.0.1: kind loopback" "$OUT" '^ *kind +loopback'
run "$NB" octets 10.1.2.3 192.168.0.1 100.64.0.1 169.254.1.1 224.0.0.1 192.0.2.1 198.18.0.1 240.0.0.1
assert_status "eight special addresses: exit 0" 0
assert_eq "eight special addresses: kinds in order" \
    "private private shared link-local multicast documentation benchmarking reserved" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^ *kind *\([a-z-]*\).*/\1/p' | paste -sd' ')"

section "special-purpose kinds follow the IANA registries, with their reachable flag (issue 10)"
kinds_of() { printf '%s\n' "$OUT" | sed -n 's/^ *kind *\([a-z0-9-]*\).*/\1/p' | paste -sd' '; }
reach_of() { printf '%s\n' "$OUT" | sed -n 's/^ *reachable *\([a-z/]*\).*/\1/p' | paste -sd' '; }
run "$NB" octets 5f00::1 100:0:0:1::1 192.31.196.1 2620:4f:8000::1 192.175.48.1 192.52.193.1 2001:3::1
assert_eq "SRv6, the dummy prefix, AS112 and AMT: kinds" \
    "srv6 dummy as112 as112 as112 amt amt" "$(kinds_of)"
assert_eq "SRv6, the dummy prefix, AS112 and AMT: reachable" "no no yes yes yes yes yes" "$(reach_of)"
run "$NB" octets 192.0.0.9 192.0.0.10 2001:1::1 2001:1::2 2001:1::3 2001:4:112::1 2001:20::1 2001:30::1
assert_eq "globally reachable entries inside the IETF blocks: kinds" \
    "anycast anycast anycast anycast anycast as112 orchid drone-id" "$(kinds_of)"
assert_eq "globally reachable entries inside the IETF blocks: reachable" \
    "yes yes yes yes yes yes yes yes" "$(reach_of)"
assert_not_contains "192.0.0.9 and the rest: not 'reserved for IETF protocol assignments'" "$OUT" "IETF protocol"
run "$NB" octets 192.0.0.100 2001:1::4 2001::1 8.8.8.8 10.0.0.1 224.0.0.1
assert_eq "the enclosing blocks, Teredo, a public and a private address, multicast: reachable" \
    "no no n/a yes no n/a" "$(reach_of)"
assert_match "the reachable line says what the registry says" "$OUT" '^ *reachable +no: not globally reachable, as the IANA registry says$'
run "$NB" octets --json 192.0.0.9 5f00::1 2002::1 8.8.8.8
assert_eq "--json: globally_reachable" "yes no n/a yes" \
    "$(jget "$OUT" '" ".join(x["globally_reachable"] for x in j)')"

section "IPv6"
run "$NB" octets 2001:db8::1
assert_status "2001:db8::1: exit 0" 0
assert_match "2001:db8::1: group 1 is 2001 in hex and binary" "$OUT" '^ *1 +2001 +00100000 00000001 +8193$'
assert_match "2001:db8::1: group 2 is 0db8" "$OUT" '^ *2 +0db8 +00001101 10111000 +3512$'
assert_match "2001:db8::1: group 8 is 0001" "$OUT" '^ *8 +0001 +00000000 00000001 +1$'
assert_eq "2001:db8::1: eight group rows" 8 "$(printf '%s\n' "$OUT" | grep -cE '^ *[1-8] +[0-9a-f]{4} ')"
assert_match "2001:db8::1: the full form" "$OUT" '^ *full +2001:0db8:0000:0000:0000:0000:0000:0001$'
assert_match "2001:db8::1: kind documentation" "$OUT" '^ *kind +documentation'
run "$NB" octets ::ffff:1.2.3.4
assert_status "::ffff:1.2.3.4: exit 0" 0
assert_match "::ffff:1.2.3.4: full form" "$OUT" '^ *full +0000:0000:0000:0000:0000:ffff:0102:0304$'
assert_match "::ffff:1.2.3.4: kind ipv4-mapped" "$OUT" '^ *kind +ipv4-mapped'
assert_match "::ffff:1.2.3.4: the IPv4 address inside" "$OUT" '^ *ipv4 +1\.2\.3\.4$'
run "$NB" octets 'fe80::1%lo'
assert_status "fe80::1%lo: exit 0" 0
assert_match "fe80::1%lo: the zone is shown" "$OUT" '^ *zone +lo\b'
assert_match "fe80::1%lo: kind link-local" "$OUT" '^ *kind +link-local'
assert_match "fe80::1%lo: full form" "$OUT" '^ *full +fe80:0000:0000:0000:0000:0000:0000:0001$'

section "CIDR"
run "$NB" octets 192.168.1.77/24
assert_status "192.168.1.77/24: exit 0" 0
assert_match "192.168.1.77/24: netmask" "$OUT" '^ *netmask +255\.255\.255\.0 '
assert_match "192.168.1.77/24: network" "$OUT" '^ *network +192\.168\.1\.0 '
assert_match "192.168.1.77/24: broadcast" "$OUT" '^ *broadcast +192\.168\.1\.255 '
assert_match "192.168.1.77/24: hosts 192.168.1.1 to 192.168.1.254 (254 ..." "$OUT" '^ *hosts +192\.168\.1\.1 to 192\.168\.1\.254 \(254 '
assert_match "192.168.1.77/24: '|' splits the prefix bits of the address" "$OUT" '^ *address +192\.168\.1\.77 +11000000\.10101000\.00000001\|01001101$'
assert_match "192.168.1.77/24: '|' in the netmask" "$OUT" '^ *netmask +255\.255\.255\.0 +11111111\.11111111\.11111111\|00000000$'
assert_match "192.168.1.77/24: 'is a host inside' note" "$OUT" '192\.168\.1\.77 is a host inside 192\.168\.1\.0/24'
assert_match "192.168.1.77/24: kind private" "$OUT" '^ *kind +private'
run "$NB" octets 192.168.1.0/24
assert_not_contains "192.168.1.0/24: no 'host inside' note for the network itself" "$OUT" "host inside"
run "$NB" octets 192.168.1.0/31
assert_match "/31: two hosts, point-to-point" "$OUT" '^ *hosts +192\.168\.1\.0 to 192\.168\.1\.1 \(2\b.*point-to-point'
assert_not_contains "/31: no broadcast row" "$OUT" "broadcast 192"
assert_match "/31: '|' before the last bit" "$OUT" '^ *address +192\.168\.1\.0 +11000000\.10101000\.00000001\.0000000\|0$'
run "$NB" octets 10.1.1.1/32
assert_match "/32: a single host" "$OUT" '^ *hosts +10\.1\.1\.1 to 10\.1\.1\.1 \(1\b'
assert_match "/32: netmask 255.255.255.255" "$OUT" '^ *netmask +255\.255\.255\.255 '
assert_match "/32: no '|' when every bit is prefix" "$OUT" '^ *address +10\.1\.1\.1 +00001010\.00000001\.00000001\.00000001$'
run "$NB" octets 1.2.3.4/0
assert_status "/0: exit 0" 0
assert_match "/0: netmask 0.0.0.0" "$OUT" '^ *netmask +0\.0\.0\.0 '
assert_match "/0: network 0.0.0.0" "$OUT" '^ *network +0\.0\.0\.0 '
assert_match "/0: broadcast 255.255.255.255" "$OUT" '^ *broadcast +255\.255\.255\.255 '
assert_match "/0: 4294967294 hosts" "$OUT" '^ *hosts +0\.0\.0\.1 to 255\.255\.255\.254 \(4294967294 '
assert_not_contains "/0: the whole address space is not called 'unspecified' (that is 0.0.0.0/32)" "$OUT" "unspecified"
run "$NB" octets 10.0.0.0/8
assert_match "10.0.0.0/8: netmask 255.0.0.0" "$OUT" '^ *netmask +255\.0\.0\.0 +11111111\|00000000\.00000000\.00000000$'
assert_match "10.0.0.0/8: broadcast 10.255.255.255" "$OUT" '^ *broadcast +10\.255\.255\.255 '
assert_match "10.0.0.0/8: 16777214 hosts" "$OUT" '^ *hosts +10\.0\.0\.1 to 10\.255\.255\.254 \(16777214 '
run "$NB" octets 2001:db8::/32
assert_status "IPv6 /32: exit 0" 0
assert_match "IPv6 /32: netmask ffff:ffff::" "$OUT" '^ *netmask +ffff:ffff::$'
assert_match "IPv6 /32: last address" "$OUT" '^ *last +2001:db8:ffff:ffff:ffff:ffff:ffff:ffff$'
assert_match "IPv6 /32: 2^96 addresses" "$OUT" '2\^96 address'
run "$NB" octets 2001:db8::1/64
assert_match "IPv6 /64: network 2001:db8::" "$OUT" '^ *network +2001:db8::$'
assert_match "IPv6 /64: last 2001:db8::ffff:ffff:ffff:ffff" "$OUT" '^ *last +2001:db8::ffff:ffff:ffff:ffff$'
assert_match "IPv6 /64: 2^64 addresses" "$OUT" '2\^64 address'
assert_contains "IPv6 /64: host-inside note" "$OUT" "2001:db8::1 is a host inside 2001:db8::/64"
run "$NB" octets ::1/128
assert_match "IPv6 /128: a single address" "$OUT" '^ *hosts +::1 to ::1 \(1 '
assert_not_contains "IPv6 /128: says '1 address', not '1 addresses'" "$OUT" "(1 addresses)"
# IPv6 host ranges as Python's ipaddress hosts() gives them (issue 10)
run "$NB" octets 2001:db8::/64
assert_match "IPv6 /64: hosts from ::1 (the all-zeros address is the Subnet-Router anycast), 2^64-1 of them" \
    "$OUT" '^ *hosts +2001:db8::1 to 2001:db8::ffff:ffff:ffff:ffff \(18446744073709551615 usable: the all-zeros Subnet-Router anycast'
run "$NB" octets 2001:db8::/126
assert_match "IPv6 /126: hosts ::1 to ::3 (3)" "$OUT" '^ *hosts +2001:db8::1 to 2001:db8::3 \(3 '
run "$NB" octets 2001:db8::/127
assert_match "IPv6 /127: both addresses, point-to-point (RFC 6164)" "$OUT" '^ *hosts +2001:db8:: to 2001:db8::1 \(2: a /127 is a point-to-point link, RFC 6164\)'
run "$NB" octets ::/0
assert_match "IPv6 /0: 2^128-1 hosts from ::1" "$OUT" '^ *hosts +::1 to ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff \(2\^128-1 '
run "$NB" octets --json 2001:db8::/64 2001:db8::/127
assert_eq "--json IPv6 /64: first_host" 2001:db8::1 "$(jget "$OUT" 'j[0]["first_host"]')"
assert_eq "--json IPv6 /64: hosts" 18446744073709551615 "$(jget "$OUT" 'j[0]["hosts"]')"
assert_eq "--json IPv6 /127: first_host" 2001:db8:: "$(jget "$OUT" 'j[1]["first_host"]')"
assert_eq "--json IPv6 /127: hosts" 2 "$(jget "$OUT" 'j[1]["hosts"]')"
run "$NB" octets 1.2.3.4/33
assert_status "prefix /33 on IPv4: exit 1" 1
run "$NB" octets 2001:db8::/129
assert_status "prefix /129 on IPv6: exit 1" 1

section "reverse input"
for input in 3115099576 0xb9aca5b8 10111001.10101100.10100101.10111000 10111001101011001010010110111000; do
    run "$NB" octets "$input"
    assert_status "$input: exit 0" 0
    assert_match "$input: gives 185.172.165.184 with a 'read as' note" "$OUT" '^185\.172\.165\.184 +\(read as [^)]+\)$'
    assert_match "$input: and the lesson's table" "$OUT" '^ *1 +185 +10111001 +b9 +128\+32\+16\+8\+1$'
done
run "$NB" octets 3115099576
assert_contains "3115099576: read as a 32-bit integer" "$OUT" "read as a 32-bit integer"
run "$NB" octets 10111001.10101100.10100101.10111000
assert_contains "binary dotted quad: read as binary" "$OUT" "read as binary"
run "$NB" octets 4294967295
assert_match "4294967295: 255.255.255.255" "$OUT" '^255\.255\.255\.255 '
run "$NB" octets 4294967296
assert_status "4294967296: exit 1" 1
assert_eq "4294967296: nothing on stdout" "" "$OUT"
assert_contains "4294967296: out of range" "$ERR" "out of range"

section "bad input: one line naming the rule, exit 1"
run "$NB" octets 256.1.1.1
assert_status "256.1.1.1: exit 1" 1
assert_eq "256.1.1.1: the exact message" "netbasics octets: '256.1.1.1': octet 1 is 256, but an octet holds 0 to 255" "$ERR"
assert_eq "256.1.1.1: nothing on stdout" "" "$OUT"
run "$NB" octets 1.2.3
assert_status "1.2.3: exit 1" 1
assert_match "1.2.3: one line saying 3 octets" "$ERR" "^netbasics octets: '1\.2\.3': .*3 octets"
run "$NB" octets 127.1
assert_status "127.1: exit 1" 1
assert_contains "127.1: says what inet_aton makes of it" "$ERR" "127.0.0.1"
run "$NB" octets 010.0.0.1
assert_status "010.0.0.1: exit 1" 1
assert_contains "010.0.0.1: mentions octal" "$ERR" "octal"
assert_contains "010.0.0.1: mentions 8.0.0.1" "$ERR" "8.0.0.1"
run "$NB" octets '1.2.3.4 junk'
assert_status "'1.2.3.4 junk': exit 1" 1
assert_match "'1.2.3.4 junk': names the input" "$ERR" "^netbasics octets: '1\.2\.3\.4 junk': "
run "$NB" octets ''
assert_status "empty string: exit 1" 1
assert_contains "empty string: says it is empty" "$ERR" "empty"
run "$NB" octets "$(printf '1%.0s' {1..10240})"
assert_status "10 KB string: exit 1" 1
assert_eq "10 KB string: one stderr line" 1 "$(count_lines "$ERR")"
assert_true "10 KB string: the line is shorter than 300 bytes" test "${#ERR}" -lt 300
run "$NB" octets '١٢٧.٠.٠.١'
assert_status "Arabic-Indic digits: exit 1" 1
assert_contains "Arabic-Indic digits: not ASCII" "$ERR" "not ASCII"
run "$NB" octets '１.２.３.４'
assert_status "fullwidth digits: exit 1" 1
# Names are resolved first; only 'localhost' (the hosts file) is looked up here:
# no test may send a DNS query to the machine's nameserver.
run "$NB" octets localhost
assert_status "host name localhost: exit 0" 0
assert_contains "host name localhost: its address" "$OUT" "127.0.0.1"
assert_contains "host name localhost: says it came from the name" "$OUT" "of the name localhost"
run "$NB" octets 1.2.3.4.5
assert_status "five octets: exit 1" 1
run "$NB" octets -- -1.2.3.4
assert_status "a sign: exit 1" 1
assert_eq "a sign: one stderr line" 1 "$(count_lines "$ERR")"

section "mixed lists"
run "$NB" octets 1.2.3.4 256.1.1.1 5.6.7.8
assert_status "good, bad, good: exit 1" 1
assert_match "good, bad, good: the first is shown" "$OUT" '^1\.2\.3\.4$'
assert_match "good, bad, good: the third is shown" "$OUT" '^5\.6\.7\.8$'
assert_eq "good, bad, good: one error line" "netbasics octets: '256.1.1.1': octet 1 is 256, but an octet holds 0 to 255" "$ERR"
run "$NB" octets 1.2.3.4 5.6.7.8 10.0.0.0/8 ::1 3115099576
assert_status "all good: exit 0" 0
assert_eq "all good: nothing on stderr" "" "$ERR"

section "standard input"
run_in $'1.2.3.4\n5.6.7.8\n' "$NB" octets
assert_status "stdin, no args: exit 0" 0
assert_eq "stdin, no args: both addresses" "1.2.3.4 5.6.7.8" "$(printf '%s\n' "$OUT" | grep -E '^[0-9.]+$' | paste -sd' ')"
run_in $'1.2.3.4\n' "$NB" octets -
assert_status "stdin, '-': exit 0" 0
assert_match "stdin, '-': the address" "$OUT" '^1\.2\.3\.4$'
run_in $'1.2.3.4\r\n5.6.7.8\r\n' "$NB" octets
assert_status "stdin, CRLF lines: exit 0" 0
assert_eq "stdin, CRLF lines: both addresses, no CR" "1.2.3.4 5.6.7.8" "$(printf '%s\n' "$OUT" | grep -E '^[0-9.]+$' | paste -sd' ')"
assert_eq "stdin, CRLF lines: nothing on stderr" "" "$ERR"
run_in $'\n\n1.2.3.4\n\n\n5.6.7.8\n\n' "$NB" octets
assert_status "stdin, blank lines skipped: exit 0" 0
assert_eq "stdin, blank lines skipped: nothing on stderr" "" "$ERR"
run_in $'\r\n1.2.3.4\n\r\n' "$NB" octets
assert_status "stdin, empty CRLF lines skipped: exit 0" 0
assert_eq "stdin, empty CRLF lines skipped: nothing on stderr" "" "$ERR"
run_in $' 1.2.3.4\n1.2.3.4\t\n' "$NB" octets
assert_status "stdin, blanks around an address: judged as given, exit 1" 1
assert_match "stdin, a leading blank: refused, naming its position" "$ERR" "' 1\.2\.3\.4': a space at position 1"
assert_match "stdin, a trailing tab: refused, naming its position" "$ERR" "'1\.2\.3\.4\\\\t': .*position 8"
run_in $'1.2.3.4\r\r\n' "$NB" octets
assert_match "stdin, a CR before the CRLF: refused, naming it" "$ERR" "'1\.2\.3\.4\\\\r': .*0x0d at position 8"
run "$NB" octets $'1.2.3.4\r'
assert_status "argument ending in CR: no line ending there, exit 1" 1
run_in $'1.2.3.4\nbad\n5.6.7.8\n' "$NB" octets
assert_status "stdin, a bad line: exit 1" 1
assert_match "stdin, a bad line: the line after it is still shown" "$OUT" '^5\.6\.7\.8$'
run_in "$(printf '1%.0s' {1..10000})"$'\n1.2.3.4\n' "$NB" octets
assert_status "stdin, a 10 KB line: exit 1" 1
assert_eq "stdin, a 10 KB line: one stderr line" 1 "$(count_lines "$ERR")"
assert_true "stdin, a 10 KB line: shorter than 300 bytes" test "${#ERR}" -lt 300
assert_match "stdin, a 10 KB line: the next line is still shown" "$OUT" '^1\.2\.3\.4$'
run_in '1.2.3.4' "$NB" octets
assert_match "stdin, no final newline: still read" "$OUT" '^1\.2\.3\.4$'

section "--json"
run "$NB" octets --json 185.172.165.184 192.168.1.77/24 2001:db8::1 3115099576 256.1.1.1
assert_status "--json with one bad input: exit 1" 1
assert_eq "--json: one line per input" 5 "$(count_lines "$OUT")"
assert_eq "--json: every line is a JSON object" "" "$(json_lines_ok "$OUT" 2>&1)"
assert_eq "--json: integer" 3115099576 "$(jget "$OUT" 'j[0]["integer"]')"
assert_eq "--json: octets decimal" "[185, 172, 165, 184]" "$(jget "$OUT" '[o["decimal"] for o in j[0]["octets"]]')"
assert_eq "--json: octets binary" '["10111001", "10101100", "10100101", "10111000"]' "$(jget "$OUT" '[o["binary"] for o in j[0]["octets"]]')"
assert_eq "--json: octets hex" '["b9", "ac", "a5", "b8"]' "$(jget "$OUT" '[o["hex"] for o in j[0]["octets"]]')"
assert_eq "--json: place values" "128+32+16+8+1" "$(jget "$OUT" 'j[0]["octets"][0]["place_values"]')"
assert_eq "--json: kind" global "$(jget "$OUT" 'j[0]["kind"]')"
assert_eq "--json: valid" true "$(jget "$OUT" 'j[0]["valid"]')"
assert_eq "--json CIDR: network" 192.168.1.0 "$(jget "$OUT" 'j[1]["network"]')"
assert_eq "--json CIDR: broadcast" 192.168.1.255 "$(jget "$OUT" 'j[1]["broadcast"]')"
assert_eq "--json CIDR: netmask" 255.255.255.0 "$(jget "$OUT" 'j[1]["netmask"]')"
assert_eq "--json IPv6: kind" documentation "$(jget "$OUT" 'j[2]["kind"]')"
assert_eq "--json reverse: the address" 185.172.165.184 "$(jget "$OUT" 'j[3]["address"]')"
assert_eq "--json invalid: valid false" false "$(jget "$OUT" 'j[4]["valid"]')"
assert_eq "--json invalid: the error" "octet 1 is 256, but an octet holds 0 to 255" "$(jget "$OUT" 'j[4]["error"]')"
run "$NB" octets --json $'\033[31m1.2.3.4' '1.2.3.4"x' $'a\\b'
assert_eq "--json: hostile inputs are still valid JSON" "" "$(json_lines_ok "$OUT" 2>&1)"
assert_eq "--json: the input comes back exactly" $'\033[31m1.2.3.4' "$(jget "$OUT" 'j[0]["input"]')"
assert_not_contains "--json: no raw ESC byte" "$OUT" "$ESC"
run_in $'1.2.3.4\r\n' "$NB" octets --json
assert_eq "--json from CRLF stdin: input without the CR" 1.2.3.4 "$(jget "$OUT" 'j[0]["input"]')"

section "--explain"
run "$NB" octets 185.172.165.184
plain_out=$OUT
run "$NB" octets -x 185.172.165.184
assert_status "-x: exit 0" 0
assert_eq "-x: stdout is the same as without -x" "$plain_out" "$OUT"
assert_contains "-x: the repeated division on stderr" "$ERR" "185 / 2 =  92 remainder 1"
assert_contains "-x: the last division step" "$ERR" "1 / 2 =   0 remainder 1"
assert_contains "-x: the place-value check" "$ERR" "10111001 = 128+32+16+8+1 = 185"
assert_contains "-x: the 32-bit integer" "$ERR" "= 3115099576"
run "$NB" octets 185.172.165.184
assert_eq "without -x: nothing on stderr" "" "$ERR"
run "$NB" octets 192.168.1.77/24
plain_out=$OUT
run "$NB" octets --explain 192.168.1.77/24
assert_eq "--explain CIDR: stdout unchanged" "$plain_out" "$OUT"
assert_contains "--explain CIDR: the AND with the netmask" "$ERR" "AND"

section "--quiz through a pipe"
answers=$(printf 'x\n%.0s' {1..5})
run_in "$answers" "$NB" octets --quiz --seed 42
first_run=$OUT
run_in "$answers" "$NB" octets --quiz --seed 42
assert_eq "--seed: the same quiz twice" "$first_run" "$OUT"
assert_match "--quiz: the first question" "$OUT" '^1\. What is the biggest number that fits in an octet\? '
assert_eq "--quiz: five questions by default" 5 "$(printf '%s\n' "$OUT" | grep -cE '^[0-9]+\. What is')"
assert_match "--quiz all wrong: score 0 of 5" "$OUT" '^Score: 0 of 5$'
assert_status "--quiz all wrong: exit 1" 1
right=$(printf '%s\n' "$first_run" | /usr/bin/python3 -c "$QUIZ_SOLVER")
assert_eq "--quiz: five questions understood" 5 "$(printf '%s\n' "$right" | grep -cxE '[0-9]+')"
run_in "$right"$'\n' "$NB" octets --quiz --seed 42
assert_match "--quiz all right: Score: 5 of 5" "$OUT" '^Score: 5 of 5$'
assert_status "--quiz all right: exit 0" 0
assert_not_contains "--quiz all right: no 'Not quite'" "$OUT" "Not quite"
wrong=$(printf '%s\n' "$right" | sed '1s/.*/254/')
run_in "$wrong"$'\n' "$NB" octets --quiz --seed 42
assert_status "--quiz one wrong: exit 1" 1
assert_match "--quiz one wrong: shows the right answer" "$OUT" 'Not quite.*255'
assert_match "--quiz one wrong: Score: 4 of 5" "$OUT" '^Score: 4 of 5$'
spaced=$(printf '%s\n' "$right" | sed 's/.*/\n \t&  \r/')
run_in "$spaced"$'\n' "$NB" octets --quiz --seed 42
assert_match "--quiz answers with blanks around them, after empty lines: Score: 5 of 5" "$OUT" '^Score: 5 of 5$'
assert_status "--quiz answers with blanks and empty lines: exit 0" 0
run_in "$(printf '%s\n' "$right" | head -2)"$'\n' "$NB" octets --quiz --seed 42
assert_status "--quiz input ends early: exit 1" 1
assert_contains "--quiz input ends early: says so" "$OUT" "the input ended"
assert_match "--quiz input ends early: the score counts only the questions answered (issue 12)" "$OUT" \
    '^Score: 2 of 2 answered; the input ended at question 3 of 5$'
run_in "" "$NB" octets --quiz
assert_status "--quiz no input at all: exit 1" 1
assert_match "--quiz no input at all: a score of the questions answered" "$OUT" \
    '^Score: 0 of 0 answered; the input ended at question 1 of 5$'
answers=$(printf 'x\n%.0s' {1..12})
run_in "$answers" "$NB" octets --quiz --seed 7 --count 12
assert_eq "--count 12: twelve questions" 12 "$(printf '%s\n' "$OUT" | grep -cE '^[0-9]+\. What is')"
right=$(printf '%s\n' "$OUT" | /usr/bin/python3 -c "$QUIZ_SOLVER")
run_in "$right"$'\n' "$NB" octets --quiz --seed 7 --count 12
assert_match "--count 12 all right: Score: 12 of 12" "$OUT" '^Score: 12 of 12$'
assert_status "--count 12 all right: exit 0" 0
run_in $'255\n' "$NB" octets --quiz --count 1
assert_match "--count 1 without --seed: Score: 1 of 1" "$OUT" '^Score: 1 of 1$'
assert_status "--count 1 without --seed: exit 0" 0
run_in $'\033[31m255\n' "$NB" octets --quiz --count 1
assert_not_contains "--quiz: an answer with ESC is not echoed raw" "$OUT" "$ESC"
assert_contains "--quiz: the answer is echoed escaped" "$OUT" '\x1b[31m255'
run "$NB" octets --quiz --count 0
assert_status "--count 0: exit 2" 2
run "$NB" octets --quiz --count 101
assert_status "--count 101: exit 2" 2
run "$NB" octets --quiz --seed abc
assert_status "--seed abc: exit 2" 2
run "$NB" octets --quiz 1.2.3.4
assert_status "--quiz with an address: exit 2" 2

section "usage"
run "$NB" octets --seed 1 1.2.3.4
assert_status "--seed without --quiz: exit 2" 2
assert_contains "--seed without --quiz: says --quiz" "$ERR" "--quiz"
run "$NB" octets --count 3 1.2.3.4
assert_status "--count without --quiz: exit 2" 2
run "$NB" octets --bogus 1.2.3.4
assert_status "unknown option: exit 2" 2
assert_contains "unknown option: names it" "$ERR" "'--bogus'"
assert_contains "unknown option: a hint" "$ERR" "--help"
assert_eq "unknown option: one line" 1 "$(count_lines "$ERR")"
assert_eq "unknown option: nothing on stdout" "" "$OUT"
run "$NB" octets --color sometimes 1.2.3.4
assert_status "--color sometimes: exit 2" 2
run "$NB" octets --help
assert_status "--help: exit 0" 0
assert_match "--help: usage on stdout" "$OUT" '^usage: netbasics octets'
assert_eq "--help: nothing on stderr" "" "$ERR"

section "colour"
run "$NB" octets 1.2.3.4 10.0.0.0/8
assert_not_contains "stdout not a TTY: no escape sequences" "$OUT" "$ESC"
run env NO_COLOR=1 "$NB" octets --color always 1.2.3.4 10.0.0.0/8
assert_contains "--color always: ESC[ sequences" "$OUT" "$ESC["
run "$NB" octets --color always --json 1.2.3.4
assert_not_contains "--color always --json: JSON has no colour" "$OUT" "$ESC"
cmd="$(printf '%q ' "$NB") octets --color auto 1.2.3.4"
if run_tty "env -u NO_COLOR TERM=xterm $cmd"; then
    assert_contains "a TTY with --color auto: colour" "$OUT" "$ESC["
    run_tty "env NO_COLOR=1 TERM=xterm $cmd"
    assert_not_contains "a TTY with NO_COLOR and --color auto: no colour" "$OUT" "$ESC"
    assert_contains "a TTY with NO_COLOR: the output is there" "$OUT" "1.2.3.4"
    run_tty "env NO_COLOR=1 TERM=xterm $(printf '%q ' "$NB") octets --color never 1.2.3.4"
    assert_not_contains "a TTY with --color never: no colour" "$OUT" "$ESC"
else
    echo "# skipped the TTY colour checks: script(1) is not installed"
fi

section "terminal safety"
run "$NB" octets $'\033[31m1.2.3.4' $'\033]0;title\a' $'1.2.3.4\033[2J'
assert_status "escape sequences in the input: exit 1" 1
assert_not_contains "escape sequences in the input: no raw ESC on stderr" "$ERR" "$ESC"
assert_not_contains "escape sequences in the input: no raw BEL on stderr" "$ERR" $'\a'
run_in $'\033[31m1.2.3.4\n' "$NB" octets
assert_not_contains "ESC on stdin: no raw ESC on stderr" "$ERR" "$ESC"


section "ipcalc's netmask: ADDR/MASK and ADDR MASK (issue 12)"
run "$NB" octets 192.168.1.7/255.255.255.0
assert_status "192.168.1.7/255.255.255.0: exit 0" 0
assert_eq "192.168.1.7/255.255.255.0: nothing on stderr" "" "$ERR"
assert_match "192.168.1.7/255.255.255.0: shown as /24" "$OUT" '^192\.168\.1\.7/24  \(IPv4 block of 256 addresses'
assert_contains "192.168.1.7/255.255.255.0: says how the mask was read" "$OUT" "(the netmask 255.255.255.0 read as /24)"
assert_match "the mask's netmask row" "$OUT" '^ *netmask +255\.255\.255\.0 '
assert_match "the network" "$OUT" '^ *network +192\.168\.1\.0 '
CIDR_OUT=$(printf '%s\n' "$OUT" | grep -v "read as")
run "$NB" octets 192.168.1.7/24
assert_eq "ADDR/MASK shows what ADDR/24 shows (but the 'read as' line)" "$(printf '%s\n' "$OUT")" "$CIDR_OUT"
run "$NB" octets 192.168.1.7 255.255.255.0
assert_status "ADDR MASK as two words: exit 0" 0
assert_match "ADDR MASK as two words: shown as /24" "$OUT" '^192\.168\.1\.7/24  '
assert_eq "ADDR MASK as two words: one result, not two addresses" 1 "$(printf '%s\n' "$OUT" | grep -c '^[0-9]')"
run "$NB" octets 10.1.2.3 255.255.240.0
assert_match "10.1.2.3 255.255.240.0: /20" "$OUT" '^10\.1\.2\.3/20 '
run "$NB" octets 0.0.0.0/0.0.0.0
assert_match "0.0.0.0/0.0.0.0: /0" "$OUT" '^0\.0\.0\.0/0 '
run "$NB" octets 1.2.3.4/255.255.255.255
assert_match "/255.255.255.255: /32" "$OUT" '^1\.2\.3\.4/32 '
run "$NB" octets --json 10.0.0.1/255.0.0.0
assert_eq "--json ADDR/MASK: prefix 8 and read_as" "8 the netmask 255.0.0.0 read as /8" \
    "$(jget "$OUT" 'str(j[0]["prefix"]) + " " + j[0]["read_as"]')"
run "$NB" octets 1.2.3.4/255.0.255.0
assert_status "non-contiguous mask: exit 1" 1
assert_eq "non-contiguous mask: names the first stray bit" \
    "netbasics octets: '1.2.3.4/255.0.255.0': the mask 255.0.255.0 is not a netmask: bit 17 (in octet 3) is 1 after bit 9 is 0, but a netmask is all its 1 bits, then all its 0 bits" "$ERR"
assert_eq "non-contiguous mask: nothing on stdout" "" "$OUT"
run "$NB" octets 1.2.3.4 255.255.255.1
assert_status "non-contiguous mask as a second word: exit 1" 1
assert_contains "non-contiguous mask as a second word: bit 32" "$ERR" "bit 32 (in octet 4) is 1 after bit 25 is 0"
run "$NB" octets 1.2.3.4/255.255.256.0
assert_status "a mask that is no address: exit 1" 1
assert_contains "a mask that is no address: says which part" "$ERR" "the mask 255.255.256.0: "
run "$NB" octets 1.2.3.4 5.6.7.8
assert_eq "two addresses (the second not a mask) are still two results" 2 "$(printf '%s\n' "$OUT" | grep -cE '^[0-9.]+$')"

section "names: said on stderr, and -n/--numeric forbids them (issue 10)"
run "$NB" octets localhost
assert_eq "a name: says it looks it up, on stderr" \
    "netbasics octets: 'localhost' is not an address: looking it up as a host name" "$ERR"
for bad in 1.a.2.3 1.2.3.4e0 localhost; do
    run "$NB" octets -n "$bad"
    assert_status "-n $bad: exit 1" 1
    assert_eq "-n $bad: refused, no lookup" \
        "netbasics octets: '$bad': not an address, and -n (--numeric) forbids looking it up as a host name" "$ERR"
    assert_eq "-n $bad: nothing on stdout" "" "$OUT"
done
run "$NB" octets --numeric -x localhost
assert_not_contains "--numeric -x: no getaddrinfo narrated" "$ERR" "getaddrinfo"
run "$NB" octets -n 1.2.3.4 ::1 10.0.0.0/8 3115099576
assert_status "-n with addresses only: exit 0" 0
assert_eq "-n with addresses only: nothing on stderr" "" "$ERR"
run_in $'1.2.3.4\nlocalhost\n' "$NB" octets -n
assert_status "-n on stdin: the name refused, exit 1" 1
assert_contains "-n on stdin: the name refused" "$ERR" "'localhost': not an address, and -n"
run "$NB" octets -n --quiz
assert_status "-n with --quiz: usage error" 2

section "the quiz's 32-bit question shows the place-value working (issue 12)"
run_in $'255\n0\n0\n0\n' "$NB" octets --quiz --seed 3 --count 4
Q4=$(printf '%s\n' "$OUT" | sed -nE 's/^4\. What is ([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+) as one 32-bit number\? .*/\1 \2 \3 \4/p')
read -r A B C D <<<"$Q4"
assert_match "question 4 is the 32-bit one" "$Q4" '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$'
assert_contains "the answer shows each octet times its place value, and the sum" "$OUT" \
    "each octet times its place value: $A*16777216 = $((A * 16777216)), $B*65536 = $((B * 65536)), $C*256 = $((C * 256)), $D*1 = $D; and $((A * 16777216)) + $((B * 65536)) + $((C * 256)) + $D = $((A * 16777216 + B * 65536 + C * 256 + D))"

finish
