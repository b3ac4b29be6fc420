/* checksock.c - `netbasics checksock`: the lesson's isipandport done right:
 * strict IP:PORT validation, --lenient to show the lesson's rules, a grep-fast
 * filter for pipelines, and the lesson's 'Thanks!'/'Wrong!' exercise. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/lesson.h>
#include <netbasics/lines.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/port.h>
#include <netbasics/sock.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: netbasics checksock [OPTIONS] [SOCKET...]\n"
    "\n"
    "Checks that each SOCKET is IPv4:PORT or [IPv6]:PORT, strictly: four decimal\n"
    "octets 0 to 255 without leading zeros (inet_pton's rules), a port of ASCII\n"
    "digits 1 to 65535. Every refusal names the rule it broke. With no SOCKET or\n"
    "'-', checks one per line from standard input.\n";

static const char EPILOG[] =
    "Exit status: 0 every socket was valid (and open, with --connect), 1 some\n"
    "were not, 2 usage error.\n";

struct checksock_opts {
    int filter, quiet, json, lenient, ask, connect;
    int udp;
    const char *color;
    int64_t timeout_ms;
    struct nb_explain explain;
    int tty_out;
    const struct nb_colors *c;
};

/* What a --connect probe found. */
enum reach { REACH_NONE, REACH_OPEN, REACH_CLOSED, REACH_TIMEOUT, REACH_OTHER };
static const char *const REACH_WORD[] = {"", "open", "closed", "no answer", "unreachable"};

/* The verdict on one socket, in both rule sets. */
struct verdict {
    int valid;
    enum reach reach;
    char reach_why[NB_ERR_MSG_MAX]; /* for REACH_OTHER */
    struct nb_endpoint ep;          /* strict */
    struct nb_err err;              /* strict refusal */
    struct nb_lesson_verdict l;     /* lenient */
};

/* Tries a TCP connection to a valid socket, like nc -z. */
static void probe(struct verdict *v, const struct checksock_opts *o)
{
    struct nb_sockaddr sa;
    struct nb_err e;
    int fd;

    if (o->lenient) /* the lesson's rules: connect where inet_aton points */
        v->ep.addr = v->l.addr, v->ep.port = (uint16_t)v->l.port;
    if (nb_sockaddr_from_addr(&v->ep.addr, v->ep.port, &sa, &e) < 0) {
        v->reach = REACH_OTHER;
        snprintf(v->reach_why, sizeof v->reach_why, "%s", e.msg);
        return;
    }
    fd = nb_sock_connect(&sa, 1, o->timeout_ms, &o->explain, &e);
    if (fd >= 0) {
        v->reach = REACH_OPEN;
        nb_sock_close(fd, &o->explain);
    } else if (e.code == NB_E_TIMEOUT) {
        v->reach = REACH_TIMEOUT;
    } else if (e.sys_errno == ECONNREFUSED) {
        v->reach = REACH_CLOSED;
    } else {
        v->reach = REACH_OTHER;
        snprintf(v->reach_why, sizeof v->reach_why, "%s", e.msg);
    }
}

/* Narrates how a socket is checked: split at its port colon, then each rule. */
static void explain_check(const char *s, size_t len, const struct verdict *v,
                          const struct checksock_opts *o)
{
    struct nb_hostport_parts p;
    char in[300], host[300], port[90];

    if (!nb_explaining(&o->explain))
        return;
    nb_escape(s, len > 200 ? 200 : len, NB_ESC_C, in, sizeof in);
    if (nb_hostport_split(s, len, NB_HP_ENDPOINT, &p, NULL) < 0 || !p.has_port) {
        nb_explainf(&o->explain, "'%s': no port ':' to split the IP from the port: %s", in,
                    v->err.msg);
        return;
    }
    nb_escape(s + p.host_at, p.host_len > 64 ? 64 : p.host_len, NB_ESC_C, host, sizeof host);
    nb_escape(s + p.port_at, p.port_len > 20 ? 20 : p.port_len, NB_ESC_C, port, sizeof port);
    nb_explainf(&o->explain, "'%s': the port ':' splits it into the address '%s' and the port '%s'",
                in, host, port);
    nb_explainf(&o->explain, "  strict rules (inet_pton, ports 1-65535 in ASCII digits): %s",
                v->err.code ? v->err.msg : "accepted");
}

/* Judges one socket; returns 1 when it passes (valid, and open with --connect). */
static int judge(const char *s, size_t len, const struct checksock_opts *o, struct verdict *v)
{
    nb_err_clear(&v->err);
    v->reach = REACH_NONE;
    v->valid = nb_endpoint_parse(s, len, &v->ep, &v->err) == 0;
    explain_check(s, len, v, o);
    if (o->lenient) {
        nb_lesson_isipandport(s, len, &v->l);
        v->valid = v->l.accepted;
        if (o->connect && v->l.accepted &&
            (v->l.port_big || v->l.port_neg || v->l.port == 0 || v->l.port > 65535)) {
            v->reach = REACH_OTHER;
            snprintf(v->reach_why, sizeof v->reach_why, "no connection can use that port");
        }
    }
    if (o->connect && v->valid && v->reach == REACH_NONE)
        probe(v, o);
    return v->valid && (!o->connect || v->reach == REACH_OPEN);
}

/* What inet_aton did, in words: "inet_aton reads 127.1 as 127.0.0.1 (...)". */
static void describe_lenient(const char *s, size_t len, const struct verdict *v, char *buf,
                             size_t n)
{
    char txt[NB_ADDR_TEXT_MAX], port[48];
    unsigned q = v->l.quirks;
    size_t o;

    nb_addr_format(&v->l.addr, txt, sizeof txt);
    if (v->l.port_big)
        snprintf(port, sizeof port, "%s(more than 20 digits)", v->l.port_neg ? "-" : "");
    else
        snprintf(port, sizeof port, "%s%llu", v->l.port_neg ? "-" : "",
                 (unsigned long long)v->l.port);
    o = (size_t)snprintf(buf, n, "inet_aton reads the IP as %s, int() reads the port as %s", txt,
                         port);
    if (q && o < n)
        o += (size_t)snprintf(buf + o, n - o, " (%s%s%s%s)",
                              q & NB_Q_SHORT ? "fewer than 4 parts: the last fills the rest; " : "",
                              q & NB_Q_OCTAL ? "a leading 0 means octal; " : "",
                              q & NB_Q_HEX ? "0x means hex; " : "",
                              q & NB_Q_TRAILING ? "text after a space is ignored; " : "");
    if (q && o >= 3 && o < n && buf[o - 3] == ';') {
        buf[o - 3] = ')';
        buf[o - 2] = '\0';
        o -= 2;
    }
    if (v->l.port_warning && o < n)
        o += (size_t)snprintf(buf + o, n - o,
                              "; the lesson warns 'port out of range' but accepts it");
    if (!v->err.code && o < n)
        snprintf(buf + o, n - o, "; the strict rules accept it too");
    else if (o < n)
        snprintf(buf + o, n - o, "; the strict rules refuse it: %s", v->err.msg);
}

static void print_json(const char *s, size_t len, const struct verdict *v, int lenient)
{
    struct nb_json j;
    char txt[NB_ADDR_TEXT_MAX];

    nb_json_begin(&j, stdout);
    nb_json_strn(&j, "input", s, len);
    nb_json_bool(&j, "valid", v->valid);
    if (!v->err.code) {
        nb_json_int(&j, "family", v->ep.addr.family);
        nb_json_str(&j, "address", nb_addr_format(&v->ep.addr, txt, sizeof txt));
        nb_json_int(&j, "port", v->ep.port);
        nb_json_str(&j, "kind", nb_addr_kind_of(&v->ep.addr)->kind);
        nb_json_str(&j, "port_kind", nb_port_kind_of(v->ep.port)->kind);
    } else if (!lenient) {
        nb_json_str(&j, "error", v->err.msg);
    }
    if (lenient) {
        nb_json_bool(&j, "strict_valid", !v->err.code);
        if (v->err.code)
            nb_json_str(&j, "strict_error", v->err.msg);
        if (v->l.accepted) {
            nb_json_str(&j, "inet_aton", nb_addr_format(&v->l.addr, txt, sizeof txt));
            nb_json_bool(&j, "port_warning", v->l.port_warning);
        } else {
            nb_json_str(&j, "error", v->l.why);
        }
    }
    if (v->reach != REACH_NONE) {
        static const char *const key[] = {"", "open", "closed", "timeout", "unreachable"};
        nb_json_str(&j, "connect", key[v->reach]);
        if (v->reach == REACH_OTHER)
            nb_json_str(&j, "connect_error", v->reach_why);
    }
    nb_json_end(&j);
}

static void put_str(struct nb_wbuf *w, const char *s)
{
    nb_wbuf_put(w, s, strlen(s));
}

/* A message (a refusal, what inet_aton did): escaped as nb_errorf's are,
 * whatever it quotes. */
static void put_msg(struct nb_wbuf *w, const char *msg)
{
    char esc[4 * NB_ERR_MSG_MAX + 512];
    size_t n = nb_escape(msg, strlen(msg), NB_ESC_TEXT, esc, sizeof esc);

    nb_wbuf_put(w, esc, n < sizeof esc ? n : sizeof esc - 1);
}

/* The input as it should be shown: raw when it is plain printable ASCII
 * (every valid socket is), else escaped so no byte reaches a terminal raw;
 * cut at 256 bytes, enough to recognise the line. */
static void put_input(struct nb_wbuf *w, const char *s, size_t len)
{
    char esc[4 * 256 + 4];
    size_t i;

    for (i = 0; i < len && i < 256; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e || s[i] == '\\')
            break;
    if (i == len)
        nb_wbuf_put(w, s, len);
    else
        put_str(w, nb_quote(s, len, 256, esc, sizeof esc));
}

/* "IPv4 loopback address, port 80 is well-known (...)", without printf. */
static void put_strict(struct nb_wbuf *w, const struct verdict *v)
{
    const struct nb_addr_kind *k = nb_addr_kind_of(&v->ep.addr);
    const struct nb_port_kind *pk = nb_port_kind_of(v->ep.port);
    char num[8], *p = num + sizeof num;
    unsigned port = v->ep.port;

    do
        *--p = (char)('0' + port % 10);
    while (port /= 10);
    put_str(w, v->ep.addr.family == 4 ? "IPv4 " : "IPv6 ");
    put_str(w, k->kind);
    put_str(w, " address, port ");
    nb_wbuf_put(w, p, (size_t)(num + sizeof num - p));
    put_str(w, " is ");
    put_str(w, pk->kind);
    put_str(w, " (");
    put_str(w, pk->about);
    put_str(w, ")");
}

/* What a --connect probe found, as a clause after the verdict. */
static void put_reach(struct nb_wbuf *w, const struct verdict *v, const struct checksock_opts *o)
{
    char tmp[512];

    if (v->reach == REACH_OPEN)
        snprintf(tmp, sizeof tmp, "; %sopen%s: a server accepted the connection", o->c->green,
                 o->c->reset);
    else if (v->reach == REACH_CLOSED)
        snprintf(tmp, sizeof tmp, "; %sclosed%s: the connection was refused, nothing listens there",
                 o->c->red, o->c->reset);
    else if (v->reach == REACH_TIMEOUT)
        snprintf(tmp, sizeof tmp, "; %sno answer%s within %.3g s: a firewall may drop the packets",
                 o->c->yellow, o->c->reset, (double)o->timeout_ms / 1000);
    else if (v->reach == REACH_OTHER)
        snprintf(tmp, sizeof tmp, "; %sunreachable%s: ", o->c->red, o->c->reset);
    else
        tmp[0] = '\0';
    put_str(w, tmp); /* colours: trusted */
    if (v->reach == REACH_OTHER)
        put_msg(w, v->reach_why);
}

/* The text view: "INPUT is valid: ..." or "INPUT is not valid: RULE". */
static void print_human(const char *s, size_t len, const struct verdict *v,
                        const struct checksock_opts *o, struct nb_wbuf *w)
{
    char tmp[512];

    put_input(w, s, len);
    put_str(w, " is ");
    if (!v->valid) {
        put_str(w, o->c->red);
        put_str(w, o->lenient ? "refused by the lesson's rules" : "not valid");
        put_str(w, o->c->reset);
        put_str(w, ": ");
        put_msg(w, o->lenient ? v->l.why : v->err.msg);
    } else {
        put_str(w, o->c->green);
        put_str(w, o->lenient ? "accepted by the lesson's rules" : "valid");
        put_str(w, o->c->reset);
        put_str(w, ": ");
        if (o->lenient) {
            describe_lenient(s, len, v, tmp, sizeof tmp);
            put_msg(w, tmp);
        } else {
            put_strict(w, v);
        }
        put_reach(w, v, o);
    }
    nb_wbuf_put(w, "\n", 1);
    if (o->tty_out)
        nb_wbuf_flush(w); /* a person sees each answer as it is made */
}

/* --filter: a line that passed, as it came, its CRLF given back (escaped on a
 * terminal). */
static void print_filter(const char *s, size_t len, int crlf, const struct checksock_opts *o,
                         struct nb_wbuf *w)
{
    if (o->tty_out) {
        nb_escape_write(stdout, s, len, NB_ESC_C); /* never raw bytes to a terminal */
        putchar('\n');
    } else {
        nb_wbuf_put(w, s, len);
        nb_wbuf_put(w, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
    }
}

/* The verdict on a line too long to be read whole: refused in both rule sets. */
static void verdict_toolong(struct verdict *v)
{
    v->valid = 0;
    v->reach = REACH_NONE;
    nb_err_set(&v->err, NB_E_INVALID, "longer than %d bytes: no socket is that long", NB_LINE_MAX);
    snprintf(v->l.why, sizeof v->l.why, "%s", v->err.msg);
    memset(&v->ep, 0, sizeof v->ep);
}

/* Checks one IP:PORT (computes its verdict), then prints it with the printer
 * of the options' mode; returns 1 if it passed. crlf: the line came with a
 * CRLF ending, which --filter gives back. */
static int check_one(const char *s, size_t len, int toolong, int crlf,
                     const struct checksock_opts *o, struct nb_wbuf *w)
{
    struct verdict v;
    int pass = 0;

    if (toolong)
        verdict_toolong(&v);
    else
        pass = judge(s, len, o, &v);
    if (o->quiet)
        return pass;
    if (o->filter) {
        if (pass)
            print_filter(s, len, crlf, o, w);
    } else if (o->json) {
        print_json(s, len, &v, o->lenient);
    } else {
        print_human(s, len, &v, o, w);
    }
    return pass;
}

/* The fast path for --filter and --quiet with the strict rules: no message is
 * built for a refusal, and runs of valid lines are copied in one piece. */
static int keep_valid(const char *line, size_t len)
{
    return nb_endpoint_valid(line, len);
}

static int ask(const struct checksock_opts *o)
{
    struct nb_lines in;
    struct nb_err e;
    const char *line;
    size_t len;
    int toolong, got, all = 1, tty = isatty(0);

    /* a person typed it: blanks around the answer go, as the lesson's .strip() does */
    if (nb_lines_open(&in, 0, NB_LINES_TRIM, &e) < 0)
        return nb_report("checksock", &e);
    for (;;) {
        struct verdict v;
        printf("Give me an IP address and port, like 127.0.0.1:9087: ");
        fflush(stdout);
        got = nb_lines_next(&in, &line, &len, &toolong, &e);
        if (got <= 0)
            break;
        if (!tty) {
            nb_escape_write(stdout, line, len, NB_ESC_C); /* echo a scripted answer */
            putchar('\n');
        }
        if (toolong) {
            printf("Wrong! longer than %d bytes: no socket is that long\n", NB_LINE_MAX);
            all = 0;
            continue;
        }
        if (judge(line, len, o, &v)) {
            printf("%sThanks!%s%s%s\n", o->c->green, o->c->reset,
                   o->lenient && v.l.port_warning ? " (the lesson warns: port out of range)" : "",
                   v.reach == REACH_OPEN ? " It is open." : "");
        } else {
            const char *why = !v.valid                 ? (o->lenient ? v.l.why : v.err.msg)
                              : v.reach == REACH_OTHER ? v.reach_why
                                                       : REACH_WORD[v.reach];
            printf("%sWrong!%s %s", o->c->red, o->c->reset, v.valid ? "it is valid, but " : "");
            nb_escape_write(stdout, why, strlen(why), NB_ESC_TEXT); /* it may quote the answer */
            putchar('\n');
            all = 0;
        }
    }
    putchar('\n');
    nb_lines_close(&in);
    if (got < 0)
        return nb_report("checksock", &e);
    return all ? NB_EXIT_OK : NB_EXIT_NEGATIVE;
}

int cmd_checksock(int argc, char **argv)
{
    struct checksock_opts o = {.timeout_ms = 3000, .color = "auto"};
    const struct nb_option options[] = {
        NB_OPT_BOOL('f', "filter", &o.filter, "print only the valid lines, unchanged (like grep)"),
        NB_OPT__QUIET(&o.quiet, "print nothing; the exit status tells"),
        NB_OPT__JSON(&o.json, "one JSON object per socket"),
        NB_OPT_BOOL('l', "lenient", &o.lenient,
                    "the lesson's isipandport rules: inet_aton and Python's int(), showing what "
                    "each address really becomes"),
        NB_OPT_BOOL('a', "ask", &o.ask,
                    "the lesson's exercise: ask for an IP and port, answer 'Thanks!' or "
                    "'Wrong!', until the input ends"),
        NB_OPT_BOOL('c', "connect", &o.connect,
                    "also try a TCP connection to each valid socket, like nc -z: open, closed "
                    "(refused) or no answer (timed out)"),
        NB_OPT_BOOL('u', "udp", &o.udp, "refused: --connect probes TCP only (the error says why)"),
        NB_OPT_SECONDS('w', "timeout", &o.timeout_ms, "S", 3600,
                       "how long --connect waits for an answer (default 3)"),
        NB_OPT__EXPLAIN(&o.explain, "say how each socket is split and checked, on stderr"),
        NB_OPT__COLOR(&o.color),
        NB_OPT_CLASH("--filter --quiet --json --ask"),
        NB_OPT_END,
    };
    struct nb_colors colors;
    struct nb_wbuf w;
    struct nb_err e;
    int all = 1, argi, rc;

    if ((rc = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return rc;
    if (o.udp)
        return cmd_usage("checksock",
                         "--connect probes TCP only: a UDP port cannot be probed reliably (no "
                         "handshake answers; silence may mean open, or a datagram lost)");
    if (o.ask && argi < argc)
        return cmd_usage("checksock", "--ask reads its answers from stdin: give no SOCKET with it");
    o.tty_out = isatty(1);
    nb_colors_init(&colors, !o.json && !o.filter && nb_color_wanted(1, o.color));
    o.c = &colors;
    if (o.ask)
        return ask(&o);
    nb_wbuf_init(&w, 1);
    if (argi == argc || (argi + 1 == argc && !strcmp(argv[argi], "-"))) {
        struct nb_lines in;
        const char *line;
        size_t len;
        int toolong, got;

        if (nb_lines_open(&in, 0, NB_LINES_EXACT, &e) < 0)
            return nb_report("checksock", &e);
        nb_note_stdin("checksock", "IP:PORT sockets");
        if ((o.filter || o.quiet) && !o.lenient && !o.connect && !o.tty_out) {
            /* -q keeps nothing: the status alone answers */
            got = nb_lines_filter(&in, o.quiet ? NULL : &w, keep_valid, &all, &e);
        } else {
            while ((got = nb_lines_next(&in, &line, &len, &toolong, &e)) > 0)
                if (!check_one(line, len, toolong, in.crlf, &o, &w))
                    all = 0;
        }
        nb_lines_close(&in);
        if (got < 0) {
            nb_wbuf_flush(&w);
            return nb_report("checksock", &e);
        }
    } else {
        for (int i = argi; i < argc; i++)
            if (!check_one(argv[i], strlen(argv[i]), 0, 0, &o, &w))
                all = 0;
    }
    fflush(stdout);
    if (nb_wbuf_flush(&w) < 0 && errno != EPIPE) {
        nb_errorf("checksock", "cannot write to standard output: %s", strerror(errno));
        return NB_EXIT_SYS;
    }
    return all ? NB_EXIT_OK : NB_EXIT_NEGATIVE;
}
