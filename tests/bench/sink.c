/* sink.c - the fixed far ends of the bulk benchmarks (bench_bulk.sh), and
 * the minimal C sender and receiver that set the loopback ceiling.
 *
 *   sink serve LOG MAXCONN TOTAL_S   the TCP sink: listens on 127.0.0.1, a port
 *                                    the kernel picks (printed on stdout at once),
 *                                    serves up to MAXCONN connections one after
 *                                    another: read(2) 64 KiB chunks until EOF,
 *                                    append the byte count to LOG, close.
 *   sink send PORT FILE              reference sender: read(2) FILE in 1 MiB
 *                                    chunks, write(2) them all to 127.0.0.1:PORT,
 *                                    half-close, read until the peer closes.
 *   sink client PORT BYTES LOG LABEL bulk-receive client: connect to
 *                                    127.0.0.1:PORT (retrying while refused, up to
 *                                    10 s), send BYTES with 1 MiB writes,
 *                                    half-close, read until the peer closes; then
 *                                    append "LABEL ok BYTES" to LOG.  It runs in a
 *                                    process group of its own (the listener it
 *                                    feeds is the timed process; the runner kills
 *                                    that one's group when it ends) and first
 *                                    appends "LABEL start PID" to LOG.
 *   sink recv PORT [CHUNK]           reference receiver: listen on 127.0.0.1:PORT
 *                                    (SO_REUSEADDR), accept one client, read(2)
 *                                    CHUNK bytes at a time (default 65536) until
 *                                    EOF, close.
 *   sink port                        print a free port the kernel picks on
 *                                    127.0.0.1 (bind to port 0, then close).
 *
 * Loopback only.  Every mode is bounded: an alarm (SINK_TIMEOUT seconds,
 * default 120; TOTAL_S for serve) ends the process, and socket reads and
 * writes time out after 30 s of silence.  Exit 0 on success, 1 on a failed
 * transfer, 2 on a usage error.  Built by bench_bulk.sh: cc -O2 -o sink sink.c.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MiB          (1024 * 1024)
#define IO_TIMEOUT_S 30

static void fail(const char *what)
{
    fprintf(stderr, "sink: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: sink serve LOG MAXCONN TOTAL_S | send PORT FILE | "
                    "client PORT BYTES LOG LABEL | recv PORT [CHUNK] | port\n");
    exit(2);
}

static unsigned long long num(const char *s, unsigned long long lo, unsigned long long hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi || s[0] == '-')
        usage();
    return v;
}

static void set_timeouts(int fd)
{
    struct timeval tv = {IO_TIMEOUT_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static struct sockaddr_in loopback(unsigned port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

static int listen_on(unsigned port, int backlog)
{
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = loopback(port);
    if (fd < 0)
        fail("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        fail("bind");
    if (listen(fd, backlog) < 0)
        fail("listen");
    return fd;
}

static unsigned port_of(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
        fail("getsockname");
    return ntohs(sa.sin_port);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Reads fd until EOF with CHUNK-byte reads; returns the byte count, or -1. */
static long long drain(int fd, char *buf, size_t chunk)
{
    long long total = 0;
    for (;;) {
        ssize_t k = read(fd, buf, chunk);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (k == 0)
            return total;
        total += k;
    }
}

static void append_line(const char *log, const char *fmt, long long v)
{
    FILE *f = fopen(log, "a");
    if (!f)
        fail(log);
    fprintf(f, fmt, v);
    if (fclose(f) != 0)
        fail(log);
}

static int mode_serve(char **av)
{
    const char *log = av[0];
    unsigned long long maxconn = num(av[1], 1, 1000000);
    unsigned total_s = (unsigned)num(av[2], 1, 86400);
    static char buf[65536];
    int lfd = listen_on(0, 16);

    alarm(total_s);
    printf("%u\n", port_of(lfd));
    fflush(stdout);
    for (unsigned long long i = 0; i < maxconn; i++) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                i--;
                continue;
            }
            fail("accept");
        }
        set_timeouts(c);
        long long n = drain(c, buf, sizeof buf);
        append_line(log, "%lld\n", n); /* -1: the read failed */
        close(c);
    }
    return 0;
}

static int connect_to(unsigned port, int retry_ms)
{
    struct sockaddr_in sa = loopback(port);
    struct timespec d = {0, 1000000}; /* 1 ms between tries */
    for (int tries = 0;; tries++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            fail("socket");
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            set_timeouts(fd);
            return fd;
        }
        int err = errno;
        close(fd);
        if (err != ECONNREFUSED || tries >= retry_ms) {
            errno = err;
            fail("connect");
        }
        nanosleep(&d, NULL);
    }
}

static int mode_send(char **av)
{
    unsigned port = (unsigned)num(av[0], 1, 65535);
    int in = open(av[1], O_RDONLY | O_CLOEXEC);
    char *buf = malloc(MiB);
    if (in < 0)
        fail(av[1]);
    if (!buf)
        fail("malloc");
    int fd = connect_to(port, 0);
    for (;;) {
        ssize_t k = read(in, buf, MiB);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            fail("read");
        }
        if (k == 0)
            break;
        if (write_all(fd, buf, (size_t)k) < 0)
            fail("write");
    }
    if (shutdown(fd, SHUT_WR) < 0)
        fail("shutdown");
    if (drain(fd, buf, MiB) < 0)
        fail("read");
    return 0;
}

static int mode_client(char **av)
{
    unsigned port = (unsigned)num(av[0], 1, 65535);
    unsigned long long bytes = num(av[1], 0, 1ULL << 40);
    const char *log = av[2], *label = av[3];
    char *buf = malloc(MiB);
    char fmt[256];

    if (strlen(label) > 100 || strchr(label, '%') || strchr(label, '\n'))
        usage();
    setpgid(0, 0);
    snprintf(fmt, sizeof fmt, "%s start %%lld\n", label);
    append_line(log, fmt, (long long)getpid());
    if (!buf)
        fail("malloc");
    for (size_t i = 0; i < MiB; i++)
        buf[i] = (char)('a' + i % 26);
    int fd = connect_to(port, 10000);
    unsigned long long left = bytes;
    while (left > 0) {
        size_t n = left < MiB ? (size_t)left : MiB;
        if (write_all(fd, buf, n) < 0)
            fail("write");
        left -= n;
    }
    if (shutdown(fd, SHUT_WR) < 0)
        fail("shutdown");
    if (drain(fd, buf, MiB) < 0) /* a listener that closes with data unread resets: ECONNRESET */
        fail("read");
    snprintf(fmt, sizeof fmt, "%s ok %%lld\n", label);
    append_line(log, fmt, (long long)bytes);
    return 0;
}

static int mode_recv(char **av, int ac)
{
    unsigned port = (unsigned)num(av[0], 1, 65535);
    size_t chunk = ac > 1 ? (size_t)num(av[1], 1, 64 * MiB) : 65536;
    char *buf = malloc(chunk);
    if (!buf)
        fail("malloc");
    int lfd = listen_on(port, 1);
    int c;
    while ((c = accept(lfd, NULL, NULL)) < 0)
        if (errno != EINTR && errno != ECONNABORTED)
            fail("accept");
    close(lfd);
    set_timeouts(c);
    long long n = drain(c, buf, chunk);
    if (n < 0)
        fail("read");
    close(c);
    fprintf(stderr, "%lld bytes\n", n);
    return 0;
}

static int mode_port(void)
{
    int fd = listen_on(0, 1);
    printf("%u\n", port_of(fd));
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    const char *t = getenv("SINK_TIMEOUT");
    signal(SIGPIPE, SIG_IGN);
    alarm(t ? (unsigned)num(t, 1, 86400) : 120); /* default SIGALRM action: the process ends */
    if (argc < 2)
        usage();
    const char *m = argv[1];
    if (!strcmp(m, "serve") && argc == 5)
        return mode_serve(argv + 2);
    if (!strcmp(m, "send") && argc == 4)
        return mode_send(argv + 2);
    if (!strcmp(m, "client") && argc == 6)
        return mode_client(argv + 2);
    if (!strcmp(m, "recv") && (argc == 3 || argc == 4))
        return mode_recv(argv + 2, argc - 2);
    if (!strcmp(m, "port") && argc == 2)
        return mode_port();
    usage();
    return 2;
}
