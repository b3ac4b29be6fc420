# tls.sh - a private certificate authority and an nginx with TLS on loopback,
# for the https and send --tls tests: certificates that are good, for the
# wrong name, expired, not yet valid, self-signed, with and without IP
# addresses, all made here with the openssl command line. Sourced after
# procs.sh and servers.sh.

# tls_make_pki DIR: makes DIR/ca.pem (the private CA to trust with --cacert)
# and, each as DIR/NAME.pem with DIR/NAME.key:
#   good      localhost, 127.0.0.1 and ::1, signed by the CA
#   noip      localhost only (an IP-literal URL must be refused)
#   wrong     www.example.org only
#   expired   localhost, 127.0.0.1, ::1; valid in 2020 only
#   future    localhost, 127.0.0.1, ::1; valid from 2099
#   self      localhost, 127.0.0.1, ::1; signed by itself
# Returns 1 (with the reason on stderr) when openssl failed.
tls_make_pki() {
    local d=$1 name san
    mkdir -p "$d/db" || return 1
    : >"$d/db/index.txt"
    echo 1000 >"$d/db/serial"
    cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = nb
[ nb ]
dir = $d/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = netbasics test
CNF
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 30 \
        -subj "/CN=netbasics test CA" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>"$d/openssl.err" || return 1
    # tls_leaf NAME SAN [openssl ca dates...]
    tls_leaf() {
        local n=$1 s=$2
        shift 2
        openssl req -newkey rsa:2048 -nodes -keyout "$d/$n.key" -out "$d/$n.csr" \
            -subj "/CN=${n} leaf" -addext "subjectAltName=$s" 2>>"$d/openssl.err" &&
            openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" \
                -in "$d/$n.csr" -out "$d/$n.pem" -notext "$@" 2>>"$d/openssl.err" >/dev/null
    }
    san="DNS:localhost,IP:127.0.0.1,IP:::1"
    tls_leaf good "$san" -days 10 &&
        tls_leaf noip "DNS:localhost" -days 10 &&
        tls_leaf wrong "DNS:www.example.org" -days 10 &&
        tls_leaf expired "$san" -startdate 20200101000000Z -enddate 20200201000000Z &&
        tls_leaf future "$san" -startdate 20990101000000Z -enddate 20991231000000Z &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/self.key" -out "$d/self.pem" \
            -days 10 -subj "/CN=self leaf" -addext "subjectAltName=$san" 2>>"$d/openssl.err" ||
        { cat "$d/openssl.err" >&2; return 1; }
}

# tls_https_answers PORT: 0 once something on 127.0.0.1:PORT completes a TLS
# handshake (any certificate).
tls_https_answers() {
    "$PY" -c '
import socket, ssl, sys
c = ssl.create_default_context(); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1) as s:
    with c.wrap_socket(s) as t:
        pass' "$1" 2>/dev/null
}

# tls_start_nginx DIR ROOT PKI: one nginx serving ROOT over TLS with each
# certificate of PKI on a port of its own, on 127.0.0.1 and [::1] (when
# HAVE_V6), plus plain HTTP on a port of its own ("plain"). Every request is
# logged with its Authorization header in DIR/NAME.log. On the good server
# /r-http redirects to the plain one; on the plain one /r-https redirects to
# https://localhost:GOOD/. Sets TLS_PORT[good|noip|wrong|expired|future|self|plain]
# and TLS_NGINX_PID; returns 1 when no try of five came up.
declare -A TLS_PORT
tls_start_nginx() {
    local dir=$1 root=$2 pki=$3 name servers listen
    for _ in 1 2 3 4 5; do
        for name in good noip wrong expired future self plain; do
            TLS_PORT[$name]=$(free_port)
        done
        servers=
        for name in good noip wrong expired future self plain; do
            listen="listen 127.0.0.1:${TLS_PORT[$name]} ssl;"
            [ "$HAVE_V6" = 1 ] && listen="$listen listen [::1]:${TLS_PORT[$name]} ssl;"
            if [ "$name" = plain ]; then
                servers="$servers server { ${listen// ssl;/;} root $root;
                    access_log $dir/$name.log creds;
                    location /r-https { return 302 https://localhost:${TLS_PORT[good]}/; } }"
            else
                servers="$servers server { $listen root $root; access_log $dir/$name.log creds;
                    ssl_certificate $pki/$name.pem; ssl_certificate_key $pki/$name.key;
                    location /r-http { return 302 http://127.0.0.1:${TLS_PORT[plain]}/; } }"
            fi
        done
        if nginx_run "$dir" "    log_format creds '\$request auth=[\$http_authorization] cookie=[\$http_cookie]';
    $servers" tls_https_answers_or_gone "${TLS_PORT[good]}"; then
            TLS_NGINX_PID=$NGINX_PID
            return 0
        fi
    done
    return 1
}
tls_https_answers_or_gone() { tls_https_answers "$1" || pid_gone "$2"; }
