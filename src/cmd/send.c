/* send.c - `netbasics send`: the lesson's netcat() client, right: send, half-
 * close, read until the peer closes; both directions at once, like nc. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/pump.h>
#include <netbasics/sock.h>
#include <netbasics/tls.h>
#include <netbasics/udp.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: netbasics send [OPTIONS] HOST PORT [MESSAGE...]\n"
    "       netbasics send [OPTIONS] HOST:PORT|[IPv6]:PORT [MESSAGE...]\n"
    "\n"
    "The lesson's netcat(): connects to HOST PORT (trying every address the name\n"
    "has), sends MESSAGE with a newline, or standard input when there is no\n"
    "MESSAGE, then half-closes (tells the server it is done sending) and prints\n"
    "everything the server sends until it closes. Both directions run at once, so\n"
    "it works interactively and in pipelines. stdout carries exactly the bytes\n"
    "received. PORT may be a service name from /etc/services (http), as with nc.\n"
    "\n"
    "With -u, UDP: each MESSAGE (with a newline unless -n), each read of standard\n"
    "input, or each line with --lines, goes out as one datagram, and every reply\n"
    "is printed as it arrives. UDP has no end of stream: after the input, send\n"
    "waits for replies until none came for -w seconds (default 2), or stops at\n"
    "once with --no-wait.\n"
    "\n"
    "With --tls, the connection is TLS (like ncat --ssl): the server's certificate\n"
    "is verified as fetch verifies it (--cacert, -k), and the half-close is TLS's\n"
    "close_notify. Speak HTTP by hand to an https server:\n"
    "  printf 'GET / HTTP/1.1\\r\\nHost: H\\r\\nConnection: close\\r\\n\\r\\n' |\n"
    "      netbasics send --tls H 443\n";

static const char EPILOG[] =
    "Exit status: 0 done, 1 a datagram too long for UDP, 2 usage error, 3 HOST does\n"
    "not resolve, 4 refused, unreachable or reset (with -u: nothing listens on the\n"
    "UDP port), 6 local error, 7 timed out, 8 --tls but no OpenSSL 3 on this\n"
    "machine, 9 TLS failed (the server's identity could not be verified).\n";

struct send_opts {
    int no_newline, repr, quiet, family;
    int udp, lines, no_wait, tls;
    struct nb_tls_opts tls_opts; /* --cacert, --capath, -k, --servername */
    int64_t timeout_ms;
    struct nb_explain explain;
};

/* --repr: the lesson's print("Received:", repr(data)) for every read. */
static void print_repr(void *ctx, const char *p, size_t n)
{
    (void)ctx;
    fputs("Received: ", stdout);
    nb_escape_write(stdout, p, n, NB_ESC_PYREPR);
    putchar('\n');
    fflush(stdout);
}

/* The message: the arguments joined by spaces, with a newline unless -n. */
static char *join(char **args, int n, int newline, size_t *len)
{
    size_t total = 1;
    char *msg, *p;

    for (int i = 0; i < n; i++)
        total += strlen(args[i]) + 1;
    msg = malloc(total);
    if (!msg)
        return NULL;
    p = msg;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(args[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, args[i], l);
        p += l;
    }
    if (newline)
        *p++ = '\n';
    *len = (size_t)(p - msg);
    return msg;
}

/* send -u: each message or input one datagram, replies as they arrive. */
static int send_udp(const struct send_opts *o, const struct nb_hostport *hp, char **msgs, int n)
{
    struct nb_sockaddr addrs[NB_RESOLVE_MAX];
    struct nb_udp_send_opts uo = {0};
    struct nb_udp_send_stats st;
    struct nb_err e;
    char ptxt[NB_SOCKADDR_TEXT_MAX];
    size_t count;
    int fd, rc;

    if (nb_sock_resolve(hp->host, hp->port, o->family, SOCK_DGRAM, addrs, NB_RESOLVE_MAX, &count,
                        &o->explain, &e) < 0)
        return cmd_arg_report("send", &e);
    /* no handshake tells which address answers: the first one is used */
    fd = nb_sock_udp_connect(&addrs[0], &o->explain, &e);
    if (fd < 0)
        return nb_report("send", &e);
    if (!o->quiet)
        nb_notef("Sending to %s over UDP (no connection: each message is one datagram)",
                 nb_sockaddr_format(&addrs[0], ptxt, sizeof ptxt));
    uo.msgs = msgs;
    uo.nmsgs = n > 0 ? (size_t)n : 0;
    uo.no_newline = o->no_newline;
    uo.in_fd = n > 0 ? -1 : 0;
    uo.lines = o->lines;
    uo.wait_ms = o->no_wait ? 0 : o->timeout_ms >= 0 ? o->timeout_ms : 2000;
    uo.out_fd = o->repr ? -1 : 1;
    uo.on_datagram = o->repr ? print_repr : NULL;
    uo.host = hp->host;
    uo.x = &o->explain;
    rc = nb_udp_send(fd, &uo, &st, &e);
    nb_sock_close(fd, &o->explain);
    if (rc < 0)
        return nb_report("send", &e);
    if (!o->quiet)
        nb_notef("sent %llu datagram%s (%llu bytes), received %llu (%llu bytes)",
                 (unsigned long long)st.sent, st.sent == 1 ? "" : "s",
                 (unsigned long long)st.bytes_sent, (unsigned long long)st.received,
                 (unsigned long long)st.bytes_received);
    return NB_EXIT_OK;
}

/* --tls: the handshake over the connected fd, within -w; *s becomes the TLS
 * stream. Returns 0, or -1 with e set (fd still to close). */
static int start_tls(struct send_opts *o, const struct nb_hostport *hp, int fd, struct nb_stream *s,
                     struct nb_err *e)
{
    struct nb_deadline d;
    struct nb_tls_info info;

    o->tls_opts.host = o->tls_opts.servername ? o->tls_opts.servername : hp->host;
    o->tls_opts.x = &o->explain;
    if (o->tls_opts.insecure)
        nb_errorf("send",
                  "warning: -k: the certificate of %s is not checked; anyone on the way "
                  "can pose as it",
                  o->tls_opts.host);
    nb_deadline_init(&d, o->timeout_ms >= 0 ? o->timeout_ms : 10000);
    if (nb_tls_stream(s, fd, &o->tls_opts, &d, &info, e) < 0)
        return -1;
    if (!o->quiet)
        nb_notef("TLS: %s, %s, %s", info.version, info.cipher,
                 info.verified ? "the certificate verified" : "the certificate NOT checked (-k)");
    return 0;
}

int cmd_send(int argc, char **argv)
{
    struct send_opts o = {.timeout_ms = -1};
    const struct nb_option options[] = {
        NB_OPT_BOOL('n', NULL, &o.no_newline, "no newline after MESSAGE"),
        NB_OPT_BOOL(0, "repr", &o.repr,
                    "print the lesson's view: Received: '...' per read, then Connection closed."),
        NB_OPT_SECONDS('w', "timeout", &o.timeout_ms, "S", 86400,
                       "give up connecting, or waiting for data, after S seconds (default: 10 "
                       "to connect, no idle limit); with -u, stop once no reply came for S "
                       "seconds after the input (default 2)"),
        NB_OPT_BOOL('u', "udp", &o.udp, "UDP: each message, or read of stdin, is one datagram"),
        NB_OPT_BOOL(0, "lines", &o.lines, "with -u, each line of stdin is one datagram"),
        NB_OPT_BOOL(0, "no-wait", &o.no_wait,
                    "with -u, stop right after the last datagram (like nc -q 0)"),
        NB_OPT_BOOL(0, "tls", &o.tls, "speak TLS, verified (like ncat --ssl)"),
        NB_OPT_STRING(0, "cacert", &o.tls_opts.cafile, "FILE",
                      "with --tls, trust the CA certificates in FILE (PEM)"),
        NB_OPT_STRING(0, "capath", &o.tls_opts.capath, "DIR",
                      "with --tls, trust the hashed CA certificates in DIR"),
        NB_OPT_BOOL('k', "insecure", &o.tls_opts.insecure,
                    "with --tls, do not check the certificate (warns every time)"),
        NB_OPT_STRING(0, "servername", &o.tls_opts.servername, "NAME",
                      "with --tls, send NAME as the server name (SNI) and check it instead "
                      "of HOST"),
        NB_OPT__FAMILY(&o.family, "use IPv4 or IPv6 addresses only"),
        NB_OPT__QUIET(&o.quiet, "no narration on stderr"),
        NB_OPT__EXPLAIN(&o.explain, "narrate each socket call on stderr; -xx adds the bytes "
                                    "each send and recv carried"),
        NB_OPT_NEEDS("--lines", "--udp"),
        NB_OPT_NEEDS("--no-wait", "--udp"),
        NB_OPT_NEEDS("--cacert", "--tls"),
        NB_OPT_NEEDS("--capath", "--tls"),
        NB_OPT_NEEDS("--insecure", "--tls"),
        NB_OPT_NEEDS("--servername", "--tls"),
        NB_OPT_CLASH("--tls --udp"),
        NB_OPT_ARGS(1, NB_ARGS_ANY, "HOST PORT or HOST:PORT"),
        NB_OPT_IN_ORDER, /* a MESSAGE word may begin with '-' */
        /* nc's letters, answered with ours */
        NB_OPT_HABIT('z', NULL,
                     "nc's: 'netbasics checksock --connect HOST:PORT' says whether "
                     "a port accepts connections"),
        NB_OPT_HABIT('l', NULL,
                     "nc's: 'netbasics listen [PORT]' listens ('listen --raw' is "
                     "nc -l's raw bytes)"),
        NB_OPT_HABIT('p', NULL,
                     "nc's: the port is an argument here, send HOST PORT (the "
                     "source port is the kernel's choice)"),
        NB_OPT_HABIT('N', NULL, "nc's: send always half-closes when its input ends"),
        NB_OPT_HABIT('v', NULL,
                     "nc's: send says where it connected by default; -x narrates "
                     "each socket call"),
        NB_OPT_END,
    };
    struct nb_sockaddr addrs[NB_RESOLVE_MAX], peer;
    struct nb_pump_opts po = {0};
    struct nb_stream s;
    struct nb_err e;
    struct nb_hostport hp;
    char ptxt[NB_SOCKADDR_TEXT_MAX], *msg = NULL, named[NB_HOST_TEXT_MAX + 16];
    const char *where, *port_text;
    uint64_t port;
    size_t count, msg_len = 0;
    int argi, fd, first_msg, rc;

    if ((rc = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return rc;
    rc = NB_EXIT_OK;
    /* a service name where the port goes, as nc reads one: HOST:http */
    if (!(where = nb_sock_service_text(argv[argi], 0, named, sizeof named, &e)) ||
        nb_hostport_parse(where, strlen(where), NB_HP_CONNECT, 0, &hp, &e) < 0)
        return cmd_arg_report("send", &e);
    first_msg = argi + 1;
    if (!hp.port_given) {
        if (argi + 1 >= argc)
            return cmd_usage("send", "needs a PORT after '%.64s'", argv[argi]);
        if (!(port_text = nb_sock_service_text(argv[argi + 1], 1, named, sizeof named, &e)) ||
            nb_parse_uint(port_text, 1, 65535, "port", &port, &e) < 0)
            return cmd_arg_report("send", &e);
        hp.port = (uint16_t)port;
        first_msg = argi + 2;
    }
    if (o.udp)
        return send_udp(&o, &hp, argv + first_msg, argc - first_msg);
    if (o.tls && nb_tls_load(&e) < 0)
        return nb_report("send", &e);
    if (nb_sock_resolve(hp.host, hp.port, o.family, SOCK_STREAM, addrs, NB_RESOLVE_MAX, &count,
                        &o.explain, &e) < 0)
        return cmd_arg_report("send", &e);
    if (first_msg < argc) {
        msg = join(argv + first_msg, argc - first_msg, !o.no_newline, &msg_len);
        if (!msg)
            return nb_errorf("send", "out of memory"), NB_EXIT_SYS;
    }
    fd = nb_sock_connect(addrs, count, o.timeout_ms >= 0 ? o.timeout_ms : 10000, &o.explain, &e);
    if (fd < 0) {
        free(msg);
        return nb_report("send", &e);
    }
    if (!o.quiet && nb_sock_peer(fd, &peer, &e) == 0)
        nb_notef("Connected to %s", nb_sockaddr_format(&peer, ptxt, sizeof ptxt));
    nb_sock_stream(&s, fd, &o.explain);
    if (o.tls && start_tls(&o, &hp, fd, &s, &e) < 0) {
        free(msg);
        nb_sock_close(fd, &o.explain);
        return nb_report("send", &e);
    }
    if (msg) {
        if (nb_stream_write_all(&s, msg, msg_len, o.timeout_ms, &e) < 0) {
            free(msg);
            nb_stream_close(&s);
            return nb_report("send", &e);
        }
        nb_explainf(&o.explain, "sendall(%d, %zu bytes) — say what we came to say", fd, msg_len);
        nb_explain_bytes(&o.explain, ">", msg, msg_len, NB_EXPLAIN_BYTES_MAX);
        free(msg);
    }
    po.in_fd = first_msg < argc ? -1 : 0;
    po.out_fd = o.repr ? -1 : 1;
    po.on_data = o.repr ? print_repr : NULL;
    po.read_chunk =
        o.repr ? 1024 : 65536; /* --repr reads 1024 bytes at a time, as the lesson does */
    po.idle_ms = o.timeout_ms;
    po.x = &o.explain;
    if (nb_pump(&s, &po, &e) < 0)
        rc = nb_report("send", &e);
    else if (o.repr)
        printf("Connection closed.\n");
    nb_stream_close(&s);
    return rc;
}
