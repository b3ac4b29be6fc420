/* test_sock.c - the socket layer against real sockets on 127.0.0.1 and ::1 only,
 * on ports the kernel picks; no name server is ever asked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netbasics/io.h>
#include <netbasics/sock.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- helpers ----------------------------------------------------------- */

/* One stream call on a bare fd the test keeps owning (never closed here). */
static int stream_write_all(int fd, const void *p, size_t n, int64_t ms, struct nb_err *e)
{
    struct nb_stream s;

    nb_sock_stream(&s, fd, NULL);
    return nb_stream_write_all(&s, p, n, ms, e);
}

static ssize_t stream_read(int fd, void *buf, size_t cap, int64_t ms, struct nb_err *e)
{
    struct nb_stream s;

    nb_sock_stream(&s, fd, NULL);
    return nb_stream_read(&s, buf, cap, ms, e);
}

static int stream_shutdown_write(int fd, const struct nb_explain *x, struct nb_err *e)
{
    struct nb_stream s;

    nb_sock_stream(&s, fd, x);
    return nb_stream_shutdown_write(&s, e);
}

#define CAPTURE_LINES 64
#define CAPTURE_LEN   256

/* The --explain lines a test collects, in order. */
struct capture {
    char lines[CAPTURE_LINES][CAPTURE_LEN];
    int n;
};

static void capture_line(void *ctx, const char *line)
{
    struct capture *c = ctx;

    if (c->n < CAPTURE_LINES)
        snprintf(c->lines[c->n++], CAPTURE_LEN, "%s", line);
}

/* The index of the first line at or after from that equals want; fails the
 * test (printing what was captured) when there is none. */
static int expect_line(const struct capture *c, int from, const char *want)
{
    int i;

    for (i = from; i < c->n; i++) {
        if (strcmp(c->lines[i], want) == 0)
            return i;
    }
    print_error("missing explain line: %s\ncaptured:\n", want);
    for (i = 0; i < c->n; i++)
        print_error("  %d: %s\n", i, c->lines[i]);
    fail();
    return -1;
}

static int capture_has(const struct capture *c, const char *part)
{
    int i;

    for (i = 0; i < c->n; i++) {
        if (strstr(c->lines[i], part))
            return 1;
    }
    return 0;
}

/* The one address of a numeric host; fails the test on error. */
static struct nb_sockaddr numeric(const char *host, uint16_t port)
{
    struct nb_sockaddr sa[NB_RESOLVE_MAX];
    struct nb_err e;
    size_t n = 0;

    if (nb_sock_resolve(host, port, 0, SOCK_STREAM, sa, NB_RESOLVE_MAX, &n, NULL, &e) < 0) {
        print_error("resolve %s: %s\n", host, e.msg);
        fail();
    }
    assert_int_equal(n, 1);
    return sa[0];
}

/* A listening socket on 127.0.0.1 with a port the kernel picks; *sa gets its
 * real address. */
static int listen_local4(struct nb_sockaddr *sa, int backlog)
{
    struct nb_sockaddr want = numeric("127.0.0.1", 0);
    struct nb_err e;
    int fd;

    fd = nb_sock_listen(&want, backlog, -1, NULL, &e);
    if (fd < 0)
        print_error("listen: %s\n", e.msg);
    assert_true(fd >= 0);
    assert_int_equal(nb_sock_local(fd, sa, &e), 0);
    assert_int_not_equal(nb_sockaddr_port(sa), 0);
    return fd;
}

/* A connected pair over 127.0.0.1: *client and *server. */
static void pair4(int *client, int *server)
{
    struct nb_sockaddr sa;
    struct nb_err e;
    int lfd = listen_local4(&sa, 8);

    *client = nb_sock_connect(&sa, 1, 5000, NULL, &e);
    if (*client < 0)
        print_error("connect: %s\n", e.msg);
    assert_true(*client >= 0);
    *server = nb_sock_accept(lfd, NULL, 0, NULL, &e);
    assert_true(*server >= 0);
    nb_sock_close(lfd, NULL);
}

/* A socket bound to 127.0.0.1 on a kernel-picked port but not listening: a
 * connect to that port is refused for as long as it stays open, so no other
 * program can take the port in between. */
static int refusing_port(struct nb_sockaddr *sa)
{
    struct nb_sockaddr any = numeric("127.0.0.1", 0);
    struct nb_err e;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, &any.u.sa, any.len), 0);
    assert_int_equal(nb_sock_local(fd, sa, &e), 0);
    return fd;
}

/* 1 when IPv6 loopback works here (an fd listening on [::1]:0 in *lfd). */
static int listen_local6(struct nb_sockaddr *sa, int *lfd)
{
    struct nb_sockaddr want = numeric("::1", 0);
    struct nb_err e;

    *lfd = nb_sock_listen(&want, 8, 1, NULL, &e);
    if (*lfd < 0)
        return 0;
    assert_int_equal(nb_sock_local(*lfd, sa, &e), 0);
    return 1;
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* --- waiting ------------------------------------------------- */

static void test_poll_deadline_and_stop(void **state)
{
    struct pollfd p;
    struct nb_deadline d;
    struct nb_err e;
    volatile sig_atomic_t stop = 0;
    int fds[2];
    int64_t t0;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    p.fd = fds[0];
    p.events = POLLIN;

    /* Nothing to read: returns 0 at the deadline, not before. */
    t0 = nb_now_ms();
    nb_deadline_init(&d, 60);
    assert_int_equal(nb_sock_poll(&p, 1, &d, &stop, &e), 0);
    assert_true(nb_now_ms() - t0 >= 60);
    assert_true(nb_deadline_passed(&d));

    /* A stop flag already set returns at once even without a deadline. */
    stop = 1;
    assert_int_equal(nb_sock_poll(&p, 1, NULL, &stop, &e), 0);

    /* Ready data is reported. */
    assert_int_equal(write(fds[1], "x", 1), 1);
    nb_deadline_init(&d, 1000);
    assert_int_equal(nb_sock_poll(&p, 1, &d, NULL, &e), 1);
    assert_true(p.revents & POLLIN);
    close(fds[0]);
    close(fds[1]);
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

/* A stop signal that comes while fds are ready still stops the wait: on
 * Linux, ppoll returns the ready fds and leaves such a signal pending. */
static void test_poll_stop_signal_while_ready(void **state)
{
    struct sigaction act, old;
    struct pollfd p;
    struct nb_err e;
    sigset_t set, was;
    int fds[2];

    (void)state;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_signal;
    assert_int_equal(sigaction(SIGTERM, &act, &old), 0);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &was);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    p.fd = fds[0];
    p.events = POLLIN;

    /* nothing pending: the ready fd is reported, the flag untouched */
    got_signal = 0;
    assert_int_equal(nb_sock_poll(&p, 1, NULL, &got_signal, &e), 1);
    assert_int_equal(nb_sock_stopping(&got_signal), 0);

    /* pending while the fd is ready: the handler runs, the wait says stop */
    raise(SIGTERM);
    assert_int_equal(got_signal, 0); /* blocked until the wait lets it in */
    assert_int_equal(nb_sock_poll(&p, 1, NULL, &got_signal, &e), 0);
    assert_int_equal(got_signal, SIGTERM);

    /* between waits, nb_sock_stopping lets a pending one in */
    got_signal = 0;
    raise(SIGTERM);
    assert_int_equal(got_signal, 0);
    assert_int_equal(nb_sock_stopping(&got_signal), 1);
    assert_int_equal(got_signal, SIGTERM);

    sigprocmask(SIG_SETMASK, &was, NULL);
    sigaction(SIGTERM, &old, NULL);
    close(fds[0]);
    close(fds[1]);
}

/* --- addresses --------------------------------------------------------- */

static void test_sockaddr_convert_and_format(void **state)
{
    char buf[NB_SOCKADDR_TEXT_MAX];
    struct nb_sockaddr sa;
    struct nb_addr a, back;
    struct nb_err e;
    uint16_t port = 0;
    unsigned lo;

    (void)state;
    memset(&a, 0, sizeof a);
    a.family = 4;
    a.b[0] = 127;
    a.b[3] = 1;
    assert_int_equal(nb_sockaddr_from_addr(&a, 9087, &sa, &e), 0);
    assert_int_equal(sa.u.sa.sa_family, AF_INET);
    assert_int_equal(sa.len, sizeof(struct sockaddr_in));
    assert_int_equal(ntohs(sa.u.in4.sin_port), 9087);
    assert_string_equal(nb_sockaddr_format(&sa, buf, sizeof buf), "127.0.0.1:9087");
    assert_int_equal(nb_sockaddr_port(&sa), 9087);
    assert_int_equal(nb_sockaddr_to_addr(&sa, &back, &port, &e), 0);
    assert_int_equal(back.family, 4);
    assert_memory_equal(back.b, a.b, 4);
    assert_int_equal(port, 9087);

    memset(&a, 0, sizeof a);
    a.family = 6;
    a.b[15] = 1;
    assert_int_equal(nb_sockaddr_from_addr(&a, 80, &sa, &e), 0);
    assert_int_equal(sa.u.sa.sa_family, AF_INET6);
    assert_int_equal(sa.len, sizeof(struct sockaddr_in6));
    assert_string_equal(nb_sockaddr_format(&sa, buf, sizeof buf), "[::1]:80");

    /* A zone becomes the interface index, and back. */
    lo = if_nametoindex("lo");
    if (lo) {
        a.b[0] = 0xfe;
        a.b[1] = 0x80;
        snprintf(a.zone, sizeof a.zone, "lo");
        assert_int_equal(nb_sockaddr_from_addr(&a, 80, &sa, &e), 0);
        assert_int_equal(sa.u.in6.sin6_scope_id, lo);
        assert_string_equal(nb_sockaddr_format(&sa, buf, sizeof buf), "[fe80::1%lo]:80");
        assert_int_equal(nb_sockaddr_to_addr(&sa, &back, NULL, &e), 0);
        assert_string_equal(back.zone, "lo");
        snprintf(a.zone, sizeof a.zone, "%u", lo);
        assert_int_equal(nb_sockaddr_from_addr(&a, 80, &sa, &e), 0);
        assert_int_equal(sa.u.in6.sin6_scope_id, lo);
    }
    snprintf(a.zone, sizeof a.zone, "nosuchif0");
    assert_int_equal(nb_sockaddr_from_addr(&a, 80, &sa, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_non_null(strstr(e.msg, "'nosuchif0'"));

    /* Other families: no crash, a plain "?". */
    memset(&sa, 0, sizeof sa);
    sa.u.sa.sa_family = AF_UNIX;
    sa.len = sizeof sa.u.ss;
    assert_string_equal(nb_sockaddr_format(&sa, buf, sizeof buf), "?");
    assert_int_equal(nb_sockaddr_port(&sa), 0);
    assert_int_equal(nb_sockaddr_to_addr(&sa, &back, &port, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
}

/* --- resolve ----------------------------------------------------------- */

static void test_resolve_numeric(void **state)
{
    static const struct {
        const char *host;
        int family;
        const char *want;
    } ok[] = {
        {"127.0.0.1", 0, "127.0.0.1:80"},
        {"127.0.0.1", 4, "127.0.0.1:80"},
        {"::1", 0, "[::1]:80"},
        {"[::1]", 6, "[::1]:80"},
        {"::FFFF:127.0.0.1", 0, "[::ffff:127.0.0.1]:80"},
        {"0:0:0:0:0:0:0:1", 0, "[::1]:80"},
    };
    static const char *const bad[] = {
        "256.1.1.1", "1.2.3",       "127.0.0.01", "0x7f.1", "0x7f000001", "127.1",       "::1::",
        "[::1",      "[127.0.0.1]", "1.2.3.4.5",  "",       "a b",        "caf\xc3\xa9",
    };
    struct nb_sockaddr sa[NB_RESOLVE_MAX];
    char buf[NB_SOCKADDR_TEXT_MAX], line[CAPTURE_LEN];
    struct capture cap;
    struct nb_explain x = {capture_line, &cap, NB_EXPLAIN_WORDS};
    struct nb_err e;
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        memset(&cap, 0, sizeof cap);
        n = 99;
        assert_int_equal(nb_sock_resolve(ok[i].host, 80, ok[i].family, SOCK_STREAM, sa,
                                         NB_RESOLVE_MAX, &n, &x, &e),
                         0);
        assert_int_equal(n, 1);
        assert_string_equal(nb_sockaddr_format(&sa[0], buf, sizeof buf), ok[i].want);
        /* Parsed, never looked up. */
        assert_false(capture_has(&cap, "getaddrinfo"));
        assert_true(capture_has(&cap, "inet_pton("));
    }
    memset(&cap, 0, sizeof cap);
    assert_int_equal(nb_sock_resolve("127.0.0.1", 9, 0, 0, sa, 1, &n, &x, &e), 0);
    expect_line(&cap, 0,
                "inet_pton(\"127.0.0.1\") = 127.0.0.1 — a numeric address, no DNS lookup needed");

    /* Broken numeric forms are refused with the parser's reason and never
     * reach DNS (no getaddrinfo narration). */
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&cap, 0, sizeof cap);
        n = 99;
        assert_int_equal(
            nb_sock_resolve(bad[i], 80, 0, SOCK_STREAM, sa, NB_RESOLVE_MAX, &n, &x, &e), -1);
        if (e.code != NB_E_INVALID)
            print_error("'%s' gave code %d: %s\n", bad[i], (int)e.code, e.msg);
        assert_int_equal(e.code, NB_E_INVALID);
        assert_true(e.msg[0] != '\0');
        assert_int_equal(n, 0);
        assert_int_equal(cap.n, 0);
    }

    /* A numeric address of the other family than asked for. */
    assert_int_equal(nb_sock_resolve("127.0.0.1", 80, 6, SOCK_STREAM, sa, 4, &n, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_non_null(strstr(e.msg, "IPv4"));
    assert_int_equal(nb_sock_resolve("[::1]", 80, 4, SOCK_STREAM, sa, 4, &n, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);

    /* Bad arguments. */
    assert_int_equal(nb_sock_resolve("127.0.0.1", 80, 5, SOCK_STREAM, sa, 4, &n, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_int_equal(nb_sock_resolve("127.0.0.1", 80, 0, SOCK_STREAM, sa, 0, &n, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    assert_int_equal(nb_sock_resolve(line, 80, 0, SOCK_STREAM, sa, 4, &n, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
}

/* "localhost" comes from the hosts file; skipped when the hosts file has no
 * such line, since the lookup would then go to the machine's name server. */
static void test_resolve_localhost(void **state)
{
    struct nb_sockaddr sa[NB_RESOLVE_MAX];
    char line[512], buf[NB_SOCKADDR_TEXT_MAX];
    struct capture cap;
    struct nb_explain x = {capture_line, &cap, NB_EXPLAIN_WORDS};
    struct nb_err e;
    int in_hosts = 0;
    size_t i, n = 0;
    FILE *f;

    (void)state;
    f = fopen("/etc/hosts", "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            char *hash = strchr(line, '#'), *tok, *save = NULL;
            if (hash)
                *hash = '\0';
            tok = strtok_r(line, " \t\r\n", &save);
            if (!tok)
                continue;
            while ((tok = strtok_r(NULL, " \t\r\n", &save)))
                in_hosts |= strcmp(tok, "localhost") == 0;
        }
        fclose(f);
    }
    if (!in_hosts)
        skip();

    memset(&cap, 0, sizeof cap);
    assert_int_equal(
        nb_sock_resolve("localhost", 9087, 0, SOCK_STREAM, sa, NB_RESOLVE_MAX, &n, &x, &e), 0);
    assert_true(n >= 1 && n <= NB_RESOLVE_MAX);
    for (i = 0; i < n; i++) {
        nb_sockaddr_format(&sa[i], buf, sizeof buf);
        assert_int_equal(nb_sockaddr_port(&sa[i]), 9087);
        if (sa[i].u.sa.sa_family == AF_INET)
            assert_int_equal(((const unsigned char *)&sa[i].u.in4.sin_addr)[0], 127);
        else
            assert_string_equal(buf, "[::1]:9087");
        /* No duplicates. */
        if (i > 0)
            assert_memory_not_equal(&sa[i].u, &sa[i - 1].u, sa[i].len);
    }
    assert_true(cap.n == 1);
    assert_non_null(strstr(cap.lines[0], "getaddrinfo(\"localhost\") = "));
    assert_non_null(strstr(cap.lines[0], " — the name's addresses"));

    /* The count is bounded by max. */
    assert_int_equal(nb_sock_resolve("localhost", 80, 0, SOCK_STREAM, sa, 1, &n, NULL, &e), 0);
    assert_int_equal(n, 1);

    /* -4 keeps IPv4 only. */
    assert_int_equal(
        nb_sock_resolve("localhost", 80, 4, SOCK_STREAM, sa, NB_RESOLVE_MAX, &n, NULL, &e), 0);
    for (i = 0; i < n; i++)
        assert_int_equal(sa[i].u.sa.sa_family, AF_INET);
}

/* --- connect, listen, accept, I/O ---------------------------------------- */

static void test_listen_port0_connect_roundtrip(void **state)
{
    struct nb_sockaddr lsa, peer, cpeer, clocal;
    char buf[64], text[NB_SOCKADDR_TEXT_MAX];
    struct nb_err e;
    int lfd, cfd, sfd;
    ssize_t n;

    (void)state;
    lfd = listen_local4(&lsa, 50);
    nb_sockaddr_format(&lsa, text, sizeof text);
    assert_int_equal(strncmp(text, "127.0.0.1:", 10), 0);

    cfd = nb_sock_connect(&lsa, 1, 5000, NULL, &e);
    assert_true(cfd >= 0);
    /* Blocking again after the connect, and close-on-exec. */
    assert_int_equal(fcntl(cfd, F_GETFL) & O_NONBLOCK, 0);
    assert_true(fcntl(cfd, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl(lfd, F_GETFD) & FD_CLOEXEC);

    sfd = nb_sock_accept(lfd, &peer, 0, NULL, &e);
    assert_true(sfd >= 0);
    assert_true(fcntl(sfd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(fcntl(sfd, F_GETFL) & O_NONBLOCK, 0);

    /* Each side sees the other's real address. */
    assert_int_equal(nb_sock_peer(cfd, &cpeer, &e), 0);
    assert_int_equal(nb_sockaddr_port(&cpeer), nb_sockaddr_port(&lsa));
    assert_int_equal(nb_sock_local(cfd, &clocal, &e), 0);
    assert_int_equal(nb_sockaddr_port(&peer), nb_sockaddr_port(&clocal));
    assert_string_equal(nb_sockaddr_format(&peer, buf, sizeof buf),
                        nb_sockaddr_format(&clocal, text, sizeof text));

    assert_int_equal(stream_write_all(cfd, "hello\n", 6, 5000, &e), 0);
    n = stream_read(sfd, buf, sizeof buf, 5000, &e);
    assert_int_equal(n, 6);
    assert_memory_equal(buf, "hello\n", 6);
    assert_int_equal(stream_write_all(sfd, "You said hello\n", 15, -1, &e), 0);
    n = stream_read(cfd, buf, sizeof buf, -1, &e);
    assert_int_equal(n, 15);
    assert_memory_equal(buf, "You said hello\n", 15);

    /* Not connected: getpeername on the listener. */
    assert_int_equal(nb_sock_peer(lfd, &cpeer, &e), -1);
    assert_int_equal(e.code, NB_E_CONNECT);

    nb_sock_close(cfd, NULL);
    nb_sock_close(sfd, NULL);
    nb_sock_close(lfd, NULL);
}

#define BULK_SIZE (8u * 1024 * 1024)

/* The child: connects, reads to end of stream, answers with the byte count
 * and FNV-1a hash of what it read. Exit status 0 when all went well. */
static int bulk_child(const struct nb_sockaddr *sa)
{
    static unsigned char buf[65536];
    uint64_t h = 14695981039346656037ULL, total = 0, reply[2];
    struct nb_err e;
    ssize_t n;
    int fd = nb_sock_connect(sa, 1, 10000, NULL, &e);

    if (fd < 0)
        return 1;
    for (;;) {
        n = stream_read(fd, buf, sizeof buf, 10000, &e);
        if (n < 0)
            return 2;
        if (n == 0)
            break;
        h = fnv1a(h, buf, (size_t)n);
        total += (uint64_t)n;
    }
    reply[0] = total;
    reply[1] = h;
    if (stream_write_all(fd, reply, sizeof reply, 10000, &e) < 0)
        return 3;
    nb_sock_close(fd, NULL);
    return 0;
}

static void test_bulk_8mib_with_half_close(void **state)
{
    struct nb_sockaddr lsa;
    struct pollfd p;
    struct nb_deadline d;
    struct nb_err e;
    unsigned char *big;
    uint64_t reply[2], h = 14695981039346656037ULL;
    size_t i, got = 0;
    ssize_t n;
    pid_t pid;
    int lfd, sfd, status;

    (void)state;
    big = malloc(BULK_SIZE);
    assert_non_null(big);
    for (i = 0; i < BULK_SIZE; i++)
        big[i] = (unsigned char)(i * 7 + (i >> 13));
    h = fnv1a(h, big, BULK_SIZE);

    lfd = listen_local4(&lsa, 8);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(bulk_child(&lsa));

    /* Bounded wait for the child's connection. */
    p.fd = lfd;
    p.events = POLLIN;
    nb_deadline_init(&d, 10000);
    assert_int_equal(nb_sock_poll(&p, 1, &d, NULL, &e), 1);
    sfd = nb_sock_accept(lfd, NULL, 0, NULL, &e);
    assert_true(sfd >= 0);

    assert_int_equal(stream_write_all(sfd, big, BULK_SIZE, 10000, &e), 0);
    /* The half-close: the child reads end of stream, then still answers. */
    assert_int_equal(stream_shutdown_write(sfd, NULL, &e), 0);
    while (got < sizeof reply) {
        n = stream_read(sfd, (char *)reply + got, sizeof reply - got, 10000, &e);
        if (n <= 0)
            print_error("read: %zd %s\n", n, e.msg);
        assert_true(n > 0);
        got += (size_t)n;
    }
    assert_int_equal(stream_read(sfd, reply, 1, 10000, &e), 0);
    assert_int_equal(reply[0], BULK_SIZE);
    assert_true(reply[1] == h);

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    nb_sock_close(sfd, NULL);
    nb_sock_close(lfd, NULL);
    free(big);
}

static void test_connect_refused(void **state)
{
    struct nb_sockaddr sa;
    char want[128];
    struct nb_err e;
    int hold, fd;

    (void)state;
    hold = refusing_port(&sa);
    fd = nb_sock_connect(&sa, 1, 5000, NULL, &e);
    assert_int_equal(fd, -1);
    assert_int_equal(e.code, NB_E_CONNECT);
    assert_int_equal(e.sys_errno, ECONNREFUSED);
    snprintf(want, sizeof want, "connect to 127.0.0.1:%u failed: %s", nb_sockaddr_port(&sa),
             strerror(ECONNREFUSED));
    assert_string_equal(e.msg, want);
    assert_int_equal(nb_exit_code(e.code), NB_EXIT_CONNECT);
    close(hold);

    /* Nothing to try at all. */
    assert_int_equal(nb_sock_connect(&sa, 0, 5000, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
}

/* The first address refuses, the second answers: connect falls back and the
 * narration shows both attempts in order. */
static void test_connect_falls_back(void **state)
{
    struct nb_sockaddr list[3];
    char want[CAPTURE_LEN];
    struct capture cap;
    struct nb_explain x = {capture_line, &cap, NB_EXPLAIN_WORDS};
    struct nb_err e;
    int hold, lfd, fd, sfd, first = -1, at;

    (void)state;
    hold = refusing_port(&list[0]);
    lfd = listen_local4(&list[1], 8);
    memset(&cap, 0, sizeof cap);
    fd = nb_sock_connect(list, 2, 5000, &x, &e);
    assert_true(fd >= 0);
    assert_int_equal(e.code, NB_E_NONE);

    assert_int_equal(sscanf(cap.lines[0], "socket(AF_INET, SOCK_STREAM) = %d", &first), 1);
    snprintf(want, sizeof want,
             "connect(%d, 127.0.0.1:%u) = refused — nobody is listening on that port", first,
             nb_sockaddr_port(&list[0]));
    at = expect_line(&cap, 1, want);
    snprintf(want, sizeof want, "close(%d)", first);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "socket(AF_INET, SOCK_STREAM) = %d — a new TCP socket", fd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "connect(%d, 127.0.0.1:%u) — call the server", fd,
             nb_sockaddr_port(&list[1]));
    at = expect_line(&cap, at + 1, want);
    assert_int_equal(at, cap.n - 1);

    sfd = nb_sock_accept(lfd, NULL, 0, NULL, &e);
    assert_true(sfd >= 0);
    nb_sock_close(sfd, NULL);
    nb_sock_close(fd, NULL);

    /* All refuse: the last error names the last address and the count. */
    list[1] = list[0];
    fd = nb_sock_connect(list, 2, 5000, NULL, &e);
    assert_int_equal(fd, -1);
    assert_int_equal(e.code, NB_E_CONNECT);
    snprintf(want, sizeof want, "connect to 127.0.0.1:%u failed: %s (2 addresses tried)",
             nb_sockaddr_port(&list[0]), strerror(ECONNREFUSED));
    assert_string_equal(e.msg, want);
    nb_sock_close(lfd, NULL);
    close(hold);
}

/* A listener with backlog 0 that never accepts: once its queue is full, the
 * kernel drops new SYNs and a connect gets no answer. Skipped where the
 * kernel behaves otherwise (it still never leaves loopback). */
static void test_connect_timeout(void **state)
{
    struct nb_sockaddr sa;
    char want[128];
    struct nb_err e;
    int lfd, fds[8], nfds = 0, fd = -1, i;
    int64_t t0, took = 0;

    (void)state;
    lfd = listen_local4(&sa, 0);
    for (i = 0; i < 8; i++) {
        t0 = nb_now_ms();
        fd = nb_sock_connect(&sa, 1, 250, NULL, &e);
        took = nb_now_ms() - t0;
        if (fd < 0)
            break;
        fds[nfds++] = fd;
    }
    for (i = 0; i < nfds; i++)
        nb_sock_close(fds[i], NULL);
    nb_sock_close(lfd, NULL);
    if (fd >= 0 || e.code != NB_E_TIMEOUT)
        skip();
    assert_int_equal(e.sys_errno, ETIMEDOUT);
    assert_true(took >= 250);
    assert_true(took < 5000);
    snprintf(want, sizeof want, "connect to 127.0.0.1:%u timed out after 0.25 s",
             nb_sockaddr_port(&sa));
    assert_string_equal(e.msg, want);
    assert_int_equal(nb_exit_code(e.code), NB_EXIT_TIMEOUT);
}

static void test_listen_port_in_use(void **state)
{
    struct nb_sockaddr sa;
    char want[128];
    struct nb_err e;
    int lfd, again;

    (void)state;
    lfd = listen_local4(&sa, 8);
    again = nb_sock_listen(&sa, 8, -1, NULL, &e);
    assert_int_equal(again, -1);
    assert_int_equal(e.code, NB_E_SYS);
    assert_int_equal(e.sys_errno, EADDRINUSE);
    snprintf(want, sizeof want, "cannot bind 127.0.0.1:%u: port %u is in use",
             nb_sockaddr_port(&sa), nb_sockaddr_port(&sa));
    assert_string_equal(e.msg, want);
    nb_sock_close(lfd, NULL);

    /* Once closed, SO_REUSEADDR lets it be taken again at once. */
    lfd = nb_sock_listen(&sa, 8, -1, NULL, &e);
    assert_true(lfd >= 0);
    nb_sock_close(lfd, NULL);
}

/* Only meaningful without privileges: skipped for root. */
static void test_listen_privileged_port(void **state)
{
    struct nb_sockaddr sa = numeric("127.0.0.1", 1);
    struct nb_err e;
    int start = 1024, fd;
    FILE *f;

    (void)state;
    f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
    if (f) {
        if (fscanf(f, "%d", &start) != 1)
            start = 1024;
        fclose(f);
    }
    if (geteuid() == 0 || start <= 1)
        skip();
    fd = nb_sock_listen(&sa, 8, -1, NULL, &e);
    if (fd >= 0) { /* CAP_NET_BIND_SERVICE */
        nb_sock_close(fd, NULL);
        skip();
    }
    assert_int_equal(e.code, NB_E_SYS);
    assert_int_equal(e.sys_errno, EACCES);
    assert_string_equal(
        e.msg, "cannot bind 127.0.0.1:1: ports below 1024 need root or CAP_NET_BIND_SERVICE");
}

static void test_half_close_is_eof(void **state)
{
    struct nb_err e;
    char buf[32];
    int c, s;

    (void)state;
    pair4(&c, &s);
    assert_int_equal(stream_write_all(c, "bye\n", 4, 5000, &e), 0);
    assert_int_equal(stream_shutdown_write(c, NULL, &e), 0);
    assert_int_equal(stream_read(s, buf, sizeof buf, 5000, &e), 4);
    assert_int_equal(stream_read(s, buf, sizeof buf, 5000, &e), 0);
    assert_int_equal(stream_read(s, buf, sizeof buf, 5000, &e), 0);
    /* The other direction still works after the half-close. */
    assert_int_equal(stream_write_all(s, "ok", 2, 5000, &e), 0);
    assert_int_equal(stream_read(c, buf, sizeof buf, 5000, &e), 2);
    assert_memory_equal(buf, "ok", 2);
    nb_sock_close(s, NULL);
    assert_int_equal(stream_read(c, buf, sizeof buf, 5000, &e), 0);
    nb_sock_close(c, NULL);

    /* shutdown on something that is not a connected socket. */
    assert_int_equal(stream_shutdown_write(-1, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);
}

/* The child writes to a peer that has gone, with SIGPIPE at its default
 * (fatal) action: MSG_NOSIGNAL alone must keep it alive. */
static int sigpipe_child(void)
{
    static char chunk[65536];
    struct nb_err e;
    int c, s, i;

    signal(SIGPIPE, SIG_DFL);
    pair4(&c, &s);
    nb_sock_close(s, NULL);
    for (i = 0; i < 1000; i++) {
        if (stream_write_all(c, chunk, sizeof chunk, 5000, &e) < 0)
            return e.code == NB_E_CONNECT ? 0 : 2;
    }
    return 1;
}

/* Runs fn in a child process and asserts that it exited 0 (no signal). */
static void expect_child_ok(int (*fn)(void))
{
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn());
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFSIGNALED(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_sigpipe_survived(void **state)
{
    (void)state;
    expect_child_ok(sigpipe_child);
}

static void test_read_and_write_timeouts(void **state)
{
    struct nb_err e;
    char buf[16];
    unsigned char *big;
    size_t big_size = 64u * 1024 * 1024;
    int c, s, small = 4096;
    int64_t t0, took;

    (void)state;
    pair4(&c, &s);

    /* Nobody sends: an idle timeout. */
    t0 = nb_now_ms();
    assert_int_equal(stream_read(s, buf, sizeof buf, 100, &e), -1);
    took = nb_now_ms() - t0;
    assert_int_equal(e.code, NB_E_TIMEOUT);
    assert_string_equal(e.msg, "nothing received for 0.1 s");
    assert_true(took >= 100 && took < 5000);

    /* Nobody reads: the buffers fill and the write times out. */
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    big = calloc(1, big_size);
    assert_non_null(big);
    assert_int_equal(stream_write_all(c, big, big_size, 200, &e), -1);
    assert_int_equal(e.code, NB_E_TIMEOUT);
    assert_string_equal(e.msg, "the peer took no data for 0.2 s");
    free(big);

    nb_sock_close(c, NULL);
    nb_sock_close(s, NULL);
}

static void test_reset_by_peer(void **state)
{
    struct linger lg = {1, 0};
    struct nb_err e;
    char buf[16];
    int c, s;

    (void)state;
    pair4(&c, &s);
    /* Linger 0: close sends a reset instead of an orderly end. */
    assert_int_equal(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    nb_sock_close(s, NULL);
    assert_int_equal(stream_read(c, buf, sizeof buf, 5000, &e), -1);
    assert_int_equal(e.code, NB_E_CONNECT);
    assert_int_equal(e.sys_errno, ECONNRESET);
    assert_string_equal(e.msg, "the peer reset the connection");
    /* the half-close after it (ENOTCONN) says the same, not the errno's words */
    assert_int_equal(stream_shutdown_write(c, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_CONNECT);
    assert_string_equal(e.msg, "the peer reset the connection");
    nb_sock_close(c, NULL);
}

static void test_accept_again_and_errors(void **state)
{
    struct nb_sockaddr sa;
    struct nb_err e;
    int lfd, cfd, sfd;

    (void)state;
    lfd = listen_local4(&sa, 8);
    assert_int_equal(fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK), 0);
    assert_int_equal(nb_sock_accept(lfd, NULL, 0, NULL, &e), NB_SOCK_AGAIN);
    assert_int_equal(e.code, NB_E_NONE);
    assert_int_equal(nb_sock_accept(lfd, NULL, SOCK_CLOEXEC << 1, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);

    cfd = nb_sock_connect(&sa, 1, 5000, NULL, &e);
    assert_true(cfd >= 0);
    assert_int_equal(fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) & ~O_NONBLOCK), 0);
    sfd = nb_sock_accept(lfd, NULL, SOCK_NONBLOCK, NULL, &e);
    assert_true(sfd >= 0);
    assert_true(fcntl(sfd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(sfd, F_GETFD) & FD_CLOEXEC);

    /* A non-blocking fd with nothing to read still honours the timeout. */
    {
        char buf[8];
        assert_int_equal(stream_read(sfd, buf, sizeof buf, 50, &e), -1);
        assert_int_equal(e.code, NB_E_TIMEOUT);
        assert_int_equal(stream_write_all(cfd, "x", 1, -1, &e), 0);
        assert_int_equal(stream_read(sfd, buf, sizeof buf, -1, &e), 1);
    }
    nb_sock_close(sfd, NULL);
    nb_sock_close(cfd, NULL);
    nb_sock_close(lfd, NULL);

    /* On an fd that is not open: a plain system error. */
    assert_int_equal(nb_sock_accept(lfd, NULL, 0, NULL, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);
    assert_int_equal(e.sys_errno, EBADF);
    assert_int_equal(nb_sock_local(lfd, &sa, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);
}

/* Pipes and files go through write(2)/read(2) with the same contract. */
static void test_pipe_io(void **state)
{
    struct nb_err e;
    char buf[16];
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(stream_write_all(p[1], "pipe", 4, 1000, &e), 0);
    assert_int_equal(stream_read(p[0], buf, sizeof buf, 1000, &e), 4);
    assert_memory_equal(buf, "pipe", 4);
    assert_int_equal(stream_read(p[0], buf, sizeof buf, 50, &e), -1);
    assert_int_equal(e.code, NB_E_TIMEOUT);
    close(p[1]);
    assert_int_equal(stream_read(p[0], buf, sizeof buf, 1000, &e), 0);
    assert_int_equal(stream_read(p[0], buf, 0, 1000, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    close(p[0]);
    assert_int_equal(stream_read(p[0], buf, sizeof buf, 1000, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);

    /* A pipe whose reader has gone: EPIPE as a local error, no signal. */
    signal(SIGPIPE, SIG_IGN); /* as main does */
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    assert_int_equal(stream_write_all(p[1], "x", 1, -1, &e), -1);
    assert_int_equal(e.code, NB_E_SYS);
    assert_int_equal(e.sys_errno, EPIPE);
    close(p[1]);
}

/* Whether a failed write to stdout means its reader left: the one rule. */
static void test_reader_gone(void **state)
{
    int p[2];

    (void)state;
    assert_int_equal(nb_io_reader_gone(1, EPIPE), 1);
    assert_int_equal(nb_io_reader_gone(1, ENOSPC), 0);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(nb_io_reader_gone(p[1], 0), 0); /* a reader is there */
    close(p[0]);
    assert_int_equal(nb_io_reader_gone(p[1], 0), 1); /* errno lost, the pipe tells */
    close(p[1]);
}

/* Started with 0 and 2 closed, a command first puts /dev/null there, so the
 * next socket does not become stdin or stderr. Returns 0 when so. */
static int closed_std_fds_child(void)
{
    struct stat null, st0, st2;
    int fd;

    close(0);
    close(2);
    if (nb_io_std_open() < 0)
        return 10;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (stat("/dev/null", &null) < 0 || fstat(0, &st0) < 0 || fstat(2, &st2) < 0)
        return 11;
    if (st0.st_rdev != null.st_rdev || st2.st_rdev != null.st_rdev)
        return 12;
    return fd > 2 ? 0 : 13;
}

static void test_closed_std_fds(void **state)
{
    (void)state;
    expect_child_ok(closed_std_fds_child);
}

/* The whole lesson, narrated: the exact lines, in order. */
static void test_explain_narration(void **state)
{
    struct nb_sockaddr want_sa, lsa, list[2], clocal;
    char want[CAPTURE_LEN];
    struct capture cap;
    struct nb_explain x = {capture_line, &cap, NB_EXPLAIN_WORDS};
    struct nb_err e;
    size_t n;
    int lfd, cfd, sfd, hold, first, at;
    unsigned lport;

    (void)state;
    memset(&cap, 0, sizeof cap);
    assert_int_equal(nb_sock_resolve("127.0.0.1", 0, 4, SOCK_STREAM, &want_sa, 1, &n, &x, &e), 0);
    lfd = nb_sock_listen(&want_sa, 50, -1, &x, &e);
    assert_true(lfd >= 0);
    assert_int_equal(nb_sock_local(lfd, &lsa, &e), 0);
    lport = nb_sockaddr_port(&lsa);

    hold = refusing_port(&list[0]);
    list[1] = lsa;
    cfd = nb_sock_connect(list, 2, 5000, &x, &e);
    assert_true(cfd >= 0);
    assert_int_equal(nb_sock_local(cfd, &clocal, &e), 0);
    sfd = nb_sock_accept(lfd, NULL, 0, &x, &e);
    assert_true(sfd >= 0);
    assert_int_equal(stream_shutdown_write(cfd, &x, &e), 0);
    nb_sock_close(cfd, &x);
    nb_sock_close(sfd, &x);
    nb_sock_close(lfd, &x);
    close(hold);

    at = expect_line(
        &cap, 0, "inet_pton(\"127.0.0.1\") = 127.0.0.1 — a numeric address, no DNS lookup needed");
    snprintf(want, sizeof want, "socket(AF_INET, SOCK_STREAM) = %d — a new TCP socket", lfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want,
             "setsockopt(%d, SO_REUSEADDR, 1) — let a restart reuse the port at once", lfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "bind(%d, 127.0.0.1:0) — own the IP and port", lfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "getsockname(%d) = 127.0.0.1:%u — the port the kernel picked", lfd,
             lport);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "listen(%d, 50) — start listening", lfd);
    at = expect_line(&cap, at + 1, want);

    assert_int_equal(sscanf(cap.lines[at + 1], "socket(AF_INET, SOCK_STREAM) = %d", &first), 1);
    snprintf(want, sizeof want,
             "connect(%d, 127.0.0.1:%u) = refused — nobody is listening on that port", first,
             nb_sockaddr_port(&list[0]));
    at = expect_line(&cap, at + 2, want);
    snprintf(want, sizeof want, "close(%d)", first);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "socket(AF_INET, SOCK_STREAM) = %d — a new TCP socket", cfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "connect(%d, 127.0.0.1:%u) — call the server", cfd, lport);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "accept(%d) = %d from 127.0.0.1:%u — see who is talking to us", lfd,
             sfd, nb_sockaddr_port(&clocal));
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want,
             "shutdown(%d, SHUT_WR) — tell the peer we are done sending (half-close)", cfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "close(%d)", cfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "close(%d)", sfd);
    at = expect_line(&cap, at + 1, want);
    snprintf(want, sizeof want, "close(%d)", lfd);
    at = expect_line(&cap, at + 1, want);
    assert_int_equal(at, cap.n - 1);

    /* A failing bind is narrated too. */
    memset(&cap, 0, sizeof cap);
    lfd = nb_sock_listen(&want_sa, 50, -1, NULL, &e);
    assert_true(lfd >= 0);
    assert_int_equal(nb_sock_local(lfd, &lsa, &e), 0);
    assert_int_equal(nb_sock_listen(&lsa, 50, -1, &x, &e), -1);
    assert_true(cap.n >= 3);
    assert_int_equal(sscanf(cap.lines[0], "socket(AF_INET, SOCK_STREAM) = %d", &first), 1);
    snprintf(want, sizeof want, "bind(%d, 127.0.0.1:%u) = %s — could not own the IP and port",
             first, nb_sockaddr_port(&lsa), strerror(EADDRINUSE));
    at = expect_line(&cap, 1, want);
    snprintf(want, sizeof want, "close(%d)", first);
    at = expect_line(&cap, at + 1, want);
    assert_int_equal(at, cap.n - 1);
    nb_sock_close(lfd, NULL);
}

/* ::1 and the IPV6_V6ONLY switch; skipped where IPv6 is not available. */
static void test_ipv6_loopback(void **state)
{
    struct nb_sockaddr lsa, peer, any, v4;
    char buf[NB_SOCKADDR_TEXT_MAX], want[NB_SOCKADDR_TEXT_MAX];
    struct capture cap;
    struct nb_explain x = {capture_line, &cap, NB_EXPLAIN_WORDS};
    struct nb_err e;
    int lfd, cfd, sfd;

    (void)state;
    if (!listen_local6(&lsa, &lfd))
        skip();
    snprintf(want, sizeof want, "[::1]:%u", nb_sockaddr_port(&lsa));
    assert_string_equal(nb_sockaddr_format(&lsa, buf, sizeof buf), want);
    memset(&cap, 0, sizeof cap);
    cfd = nb_sock_connect(&lsa, 1, 5000, &x, &e);
    assert_true(cfd >= 0);
    assert_true(capture_has(&cap, "socket(AF_INET6, SOCK_STREAM) = "));
    sfd = nb_sock_accept(lfd, &peer, 0, NULL, &e);
    assert_true(sfd >= 0);
    assert_int_equal(strncmp(nb_sockaddr_format(&peer, buf, sizeof buf), "[::1]:", 6), 0);
    assert_int_equal(stream_write_all(cfd, "six", 3, 5000, &e), 0);
    assert_int_equal(stream_read(sfd, buf, sizeof buf, 5000, &e), 3);
    nb_sock_close(sfd, NULL);
    nb_sock_close(cfd, NULL);
    nb_sock_close(lfd, NULL);

    /* [::]:0 with IPV6_V6ONLY on: IPv4 clients are refused. */
    any = numeric("::", 0);
    lfd = nb_sock_listen(&any, 8, 1, NULL, &e);
    assert_true(lfd >= 0);
    assert_int_equal(nb_sock_local(lfd, &lsa, &e), 0);
    v4 = numeric("127.0.0.1", nb_sockaddr_port(&lsa));
    cfd = nb_sock_connect(&v4, 1, 5000, NULL, &e);
    if (cfd >= 0)
        nb_sock_close(cfd, NULL);
    assert_int_equal(cfd, -1);
    assert_int_equal(e.code, NB_E_CONNECT);
    nb_sock_close(lfd, NULL);

    /* Off: they come in as IPv4-mapped addresses. */
    memset(&cap, 0, sizeof cap);
    lfd = nb_sock_listen(&any, 8, 0, &x, &e);
    assert_true(lfd >= 0);
    assert_true(capture_has(&cap, "IPV6_V6ONLY, 0) — IPv4 clients too"));
    assert_int_equal(nb_sock_local(lfd, &lsa, &e), 0);
    v4 = numeric("127.0.0.1", nb_sockaddr_port(&lsa));
    cfd = nb_sock_connect(&v4, 1, 5000, NULL, &e);
    if (cfd < 0)
        print_error("dual-stack connect: %s\n", e.msg);
    assert_true(cfd >= 0);
    sfd = nb_sock_accept(lfd, &peer, 0, NULL, &e);
    assert_true(sfd >= 0);
    assert_int_equal(peer.u.sa.sa_family, AF_INET6);
    assert_int_equal(strncmp(nb_sockaddr_format(&peer, buf, sizeof buf), "[::ffff:127.0.0.1]:", 19),
                     0);
    nb_sock_close(sfd, NULL);
    nb_sock_close(cfd, NULL);
    nb_sock_close(lfd, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_deadline_and_stop),
        cmocka_unit_test(test_poll_stop_signal_while_ready),
        cmocka_unit_test(test_sockaddr_convert_and_format),
        cmocka_unit_test(test_resolve_numeric),
        cmocka_unit_test(test_resolve_localhost),
        cmocka_unit_test(test_listen_port0_connect_roundtrip),
        cmocka_unit_test(test_bulk_8mib_with_half_close),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_connect_falls_back),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_listen_port_in_use),
        cmocka_unit_test(test_listen_privileged_port),
        cmocka_unit_test(test_half_close_is_eof),
        cmocka_unit_test(test_sigpipe_survived),
        cmocka_unit_test(test_read_and_write_timeouts),
        cmocka_unit_test(test_reset_by_peer),
        cmocka_unit_test(test_accept_again_and_errors),
        cmocka_unit_test(test_pipe_io),
        cmocka_unit_test(test_reader_gone),
        cmocka_unit_test(test_closed_std_fds),
        cmocka_unit_test(test_explain_narration),
        cmocka_unit_test(test_ipv6_loopback),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
