/* listen.c - `netbasics listen`: the lesson's server on 0.0.0.0:9087, right
 * where the lesson's code is wrong, plus nc -l's raw and sink modes. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/clock.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/pump.h>
#include <netbasics/serve.h>
#include <netbasics/sock.h>
#include <netbasics/udp.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: netbasics listen [OPTIONS] [[ADDR:]PORT]\n"
    "\n"
    "The lesson's server: listens on ADDR:PORT (default 0.0.0.0:9087, backlog 50),\n"
    "answers every line a client sends with 'You said LINE' and prints 'I got LINE',\n"
    "until the client sends a line that is exactly 'bye'; then 'Stopping server.'.\n"
    "PORT 0 lets the kernel pick a free port; the 'Listening on' line shows it.\n"
    "ADDR may be [IPv6] as in [::]:9087. PORT may be a service name from\n"
    "/etc/services (http-alt), as with nc.\n"
    "\n"
    "With -u, the same server over UDP: each datagram is one message, answered\n"
    "'You said TEXT' to its sender (one trailing newline is not part of TEXT); a\n"
    "sender's 'bye' ends it, or with -k it serves every sender until Ctrl-C and\n"
    "counts each. --raw and --sink run until Ctrl-C or --idle-timeout.\n";

static const char EPILOG[] =
    "Exit status: 0 served (or stopped by Ctrl-C/SIGTERM), 2 usage error,\n"
    "3 ADDR is a name that does not resolve, 6 the port cannot be had (in use,\n"
    "port below 1024 without privileges).\n";

struct listen_opts {
    int keep_open, raw, sink, v6, quiet;
    int udp;
    int backlog;
    size_t max_line;
    unsigned max_clients;
    int64_t idle_ms, line_timeout_ms;
    struct nb_explain explain;
    int left_without_bye; /* the last client went without saying bye */
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* Echo mode narrates the conversation on stdout, as the lesson prints it. */
static void ev_connected(void *ctx, const struct nb_serve_client *c)
{
    const struct listen_opts *o = ctx;

    if (o->keep_open)
        printf("Connected with %s (client %u)\n", c->peer, c->id);
    else
        printf("Connected with %s\n", c->peer);
    fflush(stdout);
}

/* The lesson's "I got ..." for a line or a datagram from peer (named when
 * several are served), escaped, with why it was cut if it was. */
static void print_got(const struct listen_opts *o, const char *peer, const char *text, size_t len,
                      const char *cut)
{
    if (o->keep_open)
        printf("%s: ", peer);
    fputs("I got ", stdout);
    nb_escape_write(stdout, text, len, NB_ESC_C); /* a peer never reaches the terminal raw */
    printf("%s\n", cut ? cut : "");
}

static void ev_line(void *ctx, const struct nb_serve_client *c, const char *line, size_t len,
                    int cut)
{
    print_got(ctx, c->peer, line, len, cut ? " (part of a longer line)" : NULL);
    fflush(stdout);
}

static void ev_closed(void *ctx, const struct nb_serve_client *c, const char *why)
{
    struct listen_opts *o = ctx;
    double secs = (double)(c->ended_ms - c->started_ms) / 1000.0;

    if (o->sink) {
        double rate = secs > 0 ? (double)c->bytes_in / secs / (1 << 20) : 0;
        if (!o->quiet)
            nb_notef("%s %s: received %llu bytes in %.3f s (%.1f MiB/s)", c->peer, why,
                     (unsigned long long)c->bytes_in, secs, rate);
        return;
    }
    o->left_without_bye = strcmp(why, "said bye") != 0;
    printf("%s %s\n", c->peer, why);
    fflush(stdout);
}

static void ev_notice(void *ctx, const char *msg)
{
    (void)ctx;
    nb_errorf("listen", "%s", msg);
}

/* The summary's word on clients dropped for a line left unfinished. */
static void print_dropped(const struct nb_serve_stats *st, int64_t line_timeout_ms)
{
    char limit[NB_DURATION_TEXT_MAX];
    unsigned n = st->dropped_late + st->dropped_room;

    nb_notef("netbasics listen: dropped %u client%s whose line stayed unfinished: %u past "
             "--line-timeout (%s), %u to make room for new clients",
             n, n == 1 ? "" : "s", st->dropped_late,
             nb_duration_format(line_timeout_ms, limit, sizeof limit), st->dropped_room);
}

/* Parses [[ADDR:]PORT] into a socket address. Returns 0 or an exit status. */
static int parse_where(const char *arg, const struct listen_opts *o, struct nb_sockaddr *sa)
{
    struct nb_hostport hp = {.kind = NB_HOST_NONE, .port = 9087};
    size_t count;
    struct nb_err e;
    char named[NB_HOST_TEXT_MAX + 16];

    /* a service name where the port goes, as nc reads one: http-alt, ADDR:http-alt */
    if (arg && (!(arg = nb_sock_service_text(arg, 1, named, sizeof named, &e)) ||
                nb_hostport_parse(arg, strlen(arg), NB_HP_LISTEN, 9087, &hp, &e) < 0))
        return cmd_arg_report("listen", &e);
    if (hp.kind == NB_HOST_NONE)
        snprintf(hp.host, sizeof hp.host, "%s", o->v6 ? "::" : "0.0.0.0");
    if (nb_sock_resolve(hp.host, hp.port, o->v6 ? 6 : 0, SOCK_STREAM, sa, 1, &count, &o->explain,
                        &e) < 0)
        return cmd_arg_report("listen", &e);
    return 0;
}

static int serve_raw(int lfd, const struct listen_opts *o)
{
    int in_fd = 0;

    do {
        struct nb_sockaddr peer;
        struct nb_pump_opts po = {0};
        struct nb_stream s;
        char ptxt[NB_SOCKADDR_TEXT_MAX];
        struct nb_err e;
        int rc = nb_serve_accept_one(lfd, &stop_flag, &s, &peer, &o->explain, &e);

        if (rc == NB_STOPPED)
            return NB_EXIT_OK;
        if (rc < 0)
            return nb_report("listen", &e);
        if (!o->quiet)
            nb_notef("Connection from %s", nb_sockaddr_format(&peer, ptxt, sizeof ptxt));
        po.in_fd = in_fd;
        po.out_fd = 1;
        po.idle_ms = o->idle_ms;
        po.read_chunk = 65536;
        po.stop = &stop_flag;
        po.x = &o->explain;
        rc = nb_pump(&s, &po, &e);
        nb_stream_close(&s);
        if (rc < 0)
            return nb_report("listen", &e);
        if (rc == NB_STOPPED)
            break;
    } while (o->keep_open && !stop_flag);
    return NB_EXIT_OK;
}

/* --- listen -u ---------------------------------------------------------- */

static void udp_first(void *ctx, const struct nb_udp_sender *s)
{
    const struct listen_opts *o = ctx;

    if (o->raw) {
        if (!o->quiet)
            nb_notef("Datagram from %s", s->peer);
        return;
    }
    if (o->keep_open)
        printf("Datagram from %s (sender %u)\n", s->peer, s->id);
    else
        printf("Datagram from %s\n", s->peer);
}

static void udp_message(void *ctx, const struct nb_udp_sender *s, const char *text, size_t len,
                        int cut)
{
    const struct listen_opts *o = ctx;

    print_got(o, s->peer, text, len,
              cut ? " (answered in part: the reply would not fit a datagram)" : NULL);
    if (len == 3 && !memcmp(text, "bye", 3))
        printf("%s said bye\n", s->peer);
    fflush(stdout);
}

static void udp_tally(void *ctx, const struct nb_udp_sender *s)
{
    const struct listen_opts *o = ctx;

    if (o->quiet || (!o->keep_open && !o->raw && !o->sink))
        return;
    nb_notef("netbasics listen: %s (sender %u): %llu datagram%s in (%llu bytes), %llu out "
             "(%llu bytes)%s",
             s->peer, s->id, (unsigned long long)s->datagrams_in, s->datagrams_in == 1 ? "" : "s",
             (unsigned long long)s->bytes_in, (unsigned long long)s->datagrams_out,
             (unsigned long long)s->bytes_out, s->said_bye ? ", said bye" : "");
}

/* The summary on stderr: totals, and for --sink the rate. */
static void udp_summary(const struct listen_opts *o, int rc, const struct nb_udp_serve_stats *st)
{
    const char *how = rc == NB_STOPPED ? "stopped by a signal" : "done";
    char others[64] = "";

    if (o->quiet)
        return;
    if (st->untracked)
        snprintf(others, sizeof others, " (and %llu datagrams from senders past --max-clients)",
                 (unsigned long long)st->untracked);
    if (o->sink) {
        double secs = (double)(st->last_ms - st->first_ms) / 1000.0;
        double dps = secs > 0 ? (double)st->datagrams_in / secs : 0;
        double mib = secs > 0 ? (double)st->bytes_in / secs / (1 << 20) : 0;
        nb_notef("netbasics listen: %s: received %llu datagrams (%llu bytes) from %u sender%s "
                 "in %.3f s (%.0f datagrams/s, %.1f MiB/s)%s",
                 how, (unsigned long long)st->datagrams_in, (unsigned long long)st->bytes_in,
                 st->senders, st->senders == 1 ? "" : "s", secs, dps, mib, others);
        return;
    }
    nb_notef("netbasics listen: %s: served %u sender%s, %llu datagrams in (%llu bytes), %llu out "
             "(%llu bytes)%s",
             how, st->senders, st->senders == 1 ? "" : "s", (unsigned long long)st->datagrams_in,
             (unsigned long long)st->bytes_in, (unsigned long long)st->datagrams_out,
             (unsigned long long)st->bytes_out, others);
}

/* listen -u: the lesson's server, raw or sink mode over one UDP socket. */
static int listen_udp(const struct listen_opts *o, const struct nb_sockaddr *sa)
{
    struct nb_udp_serve_opts so = {
        .mode = o->raw    ? NB_UDP_RAW
                : o->sink ? NB_UDP_SINK
                          : NB_UDP_ECHO,
        .keep_open = o->keep_open,
        .in_fd = 0,
        .out_fd = 1,
        .idle_ms = o->idle_ms,
        .max_senders = o->max_clients,
        .stop = &stop_flag,
        .x = &o->explain,
    };
    struct nb_udp_serve_events ev = {(void *)o, udp_first, udp_message, udp_tally, ev_notice};
    struct nb_udp_serve_stats st;
    struct nb_sockaddr local;
    struct nb_err e;
    char where[NB_SOCKADDR_TEXT_MAX];
    int fd, rc;

    fd = nb_sock_udp_serve(sa, o->v6 ? 1 : -1, &o->explain, &e);
    if (fd < 0)
        return nb_report("listen", &e);
    if (nb_sock_local(fd, &local, &e) < 0) {
        nb_sock_close(fd, &o->explain);
        return nb_report("listen", &e);
    }
    nb_sockaddr_format(&local, where, sizeof where);
    if (o->raw || o->sink) {
        if (!o->quiet)
            nb_notef("Starting UDP server.");
        if (!o->quiet || nb_sockaddr_port(sa) == 0)
            nb_notef("Listening on %s", where);
        if (o->sink)
            ev.first = NULL;
    } else {
        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("Starting UDP server.\nListening on %s\n", where);
        fflush(stdout);
    }
    rc = nb_udp_serve(fd, &so, &ev, &st, &e);
    nb_sock_close(fd, &o->explain);
    if (rc < 0)
        return nb_report("listen", &e);
    if (so.mode == NB_UDP_ECHO)
        printf("Stopping server.\n");
    if (o->keep_open || o->raw || o->sink || rc == NB_STOPPED)
        udp_summary(o, rc, &st);
    return NB_EXIT_OK;
}

int cmd_listen(int argc, char **argv)
{
    struct listen_opts o = {.backlog = -1,
                            .max_line = 4096,
                            .max_clients = 1000,
                            .idle_ms = -1,
                            .line_timeout_ms = 30000};
    const struct nb_option options[] = {
        NB_OPT_BOOL('k', "keep-open", &o.keep_open,
                    "serve any number of clients at once until Ctrl-C"),
        NB_OPT_BOOL('r', "raw", &o.raw, "like nc -l: bytes from the client to stdout, stdin to it"),
        NB_OPT_BOOL('s', "sink", &o.sink, "read and discard, then report bytes and rate (stderr)"),
        NB_OPT_BOOL('6', NULL, &o.v6, "listen on [::] by default, and on IPv6 only"),
        NB_OPT_BOOL('u', "udp", &o.udp,
                    "UDP: each datagram is one message; with -k, --max-clients counts senders "
                    "and --idle-timeout ends the server"),
        NB_OPT_UINT('b', "backlog", &o.backlog, "N", 1, 65535, "backlog",
                    "queue of waiting connections (default 50; 4096 with -k)"),
        NB_OPT_UINT(0, "max-line", &o.max_line, "N", 1, 1 << 20, "line length",
                    "longest line kept, longer ones answered in pieces (default 4096)"),
        NB_OPT_UINT(0, "max-clients", &o.max_clients, "N", 1, 100000, "client count",
                    "clients served at once with -k (default 1000)"),
        NB_OPT_SECONDS(0, "idle-timeout", &o.idle_ms, "S", 86400,
                       "close a client silent for S seconds"),
        NB_OPT_SECONDS(0, "line-timeout", &o.line_timeout_ms, "S", 86400,
                       "close a client whose line stays unfinished S seconds (default 30); "
                       "when -k runs out of rows or fds, the oldest unfinished line makes room"),
        NB_OPT__QUIET(&o.quiet, "no narration on stderr"),
        NB_OPT__EXPLAIN(&o.explain, "narrate each socket call on stderr; -xx adds the bytes "
                                    "each send and recv carried"),
        NB_OPT_CLASH("--raw --sink"),
        NB_OPT_CLASH("--udp --backlog"),
        NB_OPT_CLASH("--udp --max-line"),
        NB_OPT_ARGS(0, 1, "at most one [[ADDR:]PORT]"),
        /* nc's letters, answered with ours */
        NB_OPT_HABIT('l', NULL,
                     "nc's: listen always listens; give the port as the argument, "
                     "listen [ADDR:]PORT"),
        NB_OPT_HABIT('p', NULL, "nc's: the port is the argument here, listen [ADDR:]PORT"),
        NB_OPT_HABIT('v', NULL,
                     "nc's: listen narrates by default; -x narrates each socket "
                     "call"),
        NB_OPT_END,
    };
    struct nb_sockaddr sa, local;
    struct nb_serve_stats st;
    struct nb_err e;
    struct sigaction act;
    char where[NB_SOCKADDR_TEXT_MAX];
    int argi, lfd, rc;

    if ((rc = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return rc;
    rc = parse_where(argi < argc ? argv[argi] : NULL, &o, &sa);
    if (rc)
        return rc;
    if (o.backlog < 0)
        o.backlog = o.keep_open ? 4096 : 50;

    memset(&act, 0, sizeof act);
    act.sa_handler = on_signal; /* no SA_RESTART: the wait wakes and sees the flag */
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    nb_sock_block_stop_signals();
    if (o.udp)
        return listen_udp(&o, &sa);

    lfd = nb_sock_listen(&sa, o.backlog, o.v6 ? 1 : -1, &o.explain, &e);
    if (lfd < 0)
        return nb_report("listen", &e);
    if (nb_sock_local(lfd, &local, &e) < 0) {
        nb_sock_close(lfd, &o.explain);
        return nb_report("listen", &e);
    }
    nb_sockaddr_format(&local, where, sizeof where);
    if (o.raw || o.sink) {
        /* stdout carries the data: the narration goes to stderr; a port the
         * kernel picked is always told, or nobody could connect */
        if (!o.quiet || nb_sockaddr_port(&sa) == 0)
            nb_notef("Listening on %s", where);
        if (o.raw) {
            rc = serve_raw(lfd, &o);
            nb_sock_close(lfd, &o.explain);
            return rc;
        }
    } else {
        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("Starting server.\nListening on %s\n", where);
        fflush(stdout);
    }
    {
        struct nb_serve_opts so = {
            .mode = o.sink ? NB_SERVE_SINK : NB_SERVE_ECHO,
            .keep_open = o.keep_open,
            .max_line = o.max_line,
            .idle_ms = o.idle_ms,
            .line_timeout_ms = o.line_timeout_ms,
            .max_clients = o.keep_open ? o.max_clients : 1,
            .stop = &stop_flag,
            .x = &o.explain,
        };
        struct nb_serve_events ev = {&o, ev_connected, ev_line, ev_closed, ev_notice};
        if (o.sink) {
            ev.connected = NULL;
            ev.line = NULL;
        }
        rc = nb_serve(lfd, &so, &ev, &st, &e);
    }
    nb_sock_close(lfd, &o.explain);
    if (rc < 0)
        return nb_report("listen", &e);
    if (!o.sink)
        printf("Stopping server.\n");
    /* a second client would meet "Connection refused": say why before it does */
    if (!o.keep_open && !o.sink && rc != NB_STOPPED && o.left_without_bye && !o.quiet)
        nb_notef("netbasics listen: the server served its one client and stopped, as the "
                 "lesson's does; -k keeps it listening for more");
    if ((o.keep_open || rc == NB_STOPPED) && !o.quiet)
        nb_notef("netbasics listen: %s: served %u client%s, %llu bytes in, %llu bytes out",
                 rc == NB_STOPPED ? "stopped by a signal" : "done", st.clients,
                 st.clients == 1 ? "" : "s", (unsigned long long)st.bytes_in,
                 (unsigned long long)st.bytes_out);
    if (st.dropped_late + st.dropped_room > 0 && !o.quiet)
        print_dropped(&st, o.line_timeout_ms);
    return NB_EXIT_OK;
}
