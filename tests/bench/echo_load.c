/* echo_load.c - a load client for line echo servers (bench_keepopen.sh).
 *
 *   echo_load -p PORT [-c CONNS] [-k ROUNDS] [-t TOTAL_S] [-s SERVER_PID]
 *
 * Opens CONNS connections to 127.0.0.1:PORT, one after another (each connect
 * waits for the handshake, up to 5 s, retrying a refused first connect for up
 * to 5 s while the server starts).  Then every connection sends one short line
 * and waits for one reply line, untimed (a warm-up: servers that fork per
 * client have their process by then).  Then ROUNDS timed round trips per
 * connection, all connections at once, one line in flight each: send
 * "c<conn> r<round>\n", wait for the reply line, send the next.  A reply must
 * end with the line sent: "LINE" (an echo) or "You said LINE" (netbasics
 * listen) both pass, anyone else's line fails.  One poll(2) loop over all
 * connections.
 *
 * With -s, while the connections are still open after the timed part, the
 * memory of SERVER_PID and all its descendants is read from /proc: the number
 * of processes, the sum of their Pss (smaps_rollup; shared pages split between
 * the processes that share them) and the main process's peak RSS (VmHWM).
 *
 * Output, one line on stdout:
 *   conns=N rounds=K connect_s=X warm_s=X rt=N rt_s=X rtps=X [procs=N pss_kb=N hwm_kb=N]
 * Exit 0 when every round trip was answered correctly within TOTAL_S seconds
 * (default 120), 1 otherwise (with the reason on stderr), 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS    100000
#define LINE_MAX_LEN 64
#define RBUF         256

struct conn {
    int fd;
    int round;               /* the round whose reply is awaited */
    char sent[LINE_MAX_LEN]; /* the line in flight, without the newline */
    size_t sent_len;
    char in[RBUF]; /* reply bytes so far */
    size_t in_len;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("echo_load: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: echo_load -p PORT [-c CONNS] [-k ROUNDS] [-t TOTAL_S] [-s SERVER_PID]\n");
    exit(2);
}

static long num(const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        usage();
    return v;
}

/* Non-blocking connect to 127.0.0.1:port, waiting up to 5 s for the handshake. */
static int connect_one(unsigned port, int retry_refused)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    double give_up = now_s() + 5;
    for (;;) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            die("socket: %s", strerror(errno));
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        int err = 0;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            err = errno;
            if (err == EINPROGRESS) {
                struct pollfd p = {fd, POLLOUT, 0};
                int left = (int)((give_up - now_s()) * 1000);
                int r = poll(&p, 1, left > 0 ? left : 0);
                if (r == 0)
                    die("connect to 127.0.0.1:%u: no answer in 5 s", port);
                socklen_t len = sizeof err;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            }
        }
        if (err == 0)
            return fd;
        close(fd);
        if (err != ECONNREFUSED || !retry_refused || now_s() > give_up)
            die("connect to 127.0.0.1:%u: %s", port, strerror(err));
        struct timespec d = {0, 2000000};
        nanosleep(&d, NULL);
    }
}

static void send_line(struct conn *c, int i, int round)
{
    char buf[LINE_MAX_LEN + 1];
    int n = snprintf(c->sent, sizeof c->sent, "c%d r%d", i, round);
    c->sent_len = (size_t)n;
    memcpy(buf, c->sent, (size_t)n);
    buf[n] = '\n';
    c->round = round;
    c->in_len = 0;
    /* a short line into an empty socket buffer: one send takes it all */
    ssize_t k = send(c->fd, buf, (size_t)n + 1, MSG_NOSIGNAL);
    if (k != n + 1)
        die("connection %d: send: %s", i, k < 0 ? strerror(errno) : "short write");
}

/* Reads what is there; returns 1 when a full reply line has come (checked). */
static int read_reply(struct conn *c, int i)
{
    ssize_t k = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (k < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        die("connection %d: recv: %s", i, strerror(errno));
    }
    if (k == 0)
        die("connection %d: the server closed it (round %d)", i, c->round);
    c->in_len += (size_t)k;
    char *nl = memchr(c->in, '\n', c->in_len);
    if (!nl) {
        if (c->in_len == sizeof c->in)
            die("connection %d: a reply line longer than %d bytes", i, RBUF);
        return 0;
    }
    size_t len = (size_t)(nl - c->in);
    if (len > 0 && c->in[len - 1] == '\r')
        len--;
    if (nl + 1 != c->in + c->in_len)
        die("connection %d: more than one reply line to one line", i);
    if (len < c->sent_len || memcmp(c->in + len - c->sent_len, c->sent, c->sent_len) != 0 ||
        (len != c->sent_len && (len != c->sent_len + 9 || memcmp(c->in, "You said ", 9) != 0)))
        die("connection %d: sent '%s', the reply was '%.*s'", i, c->sent, (int)len, c->in);
    return 1;
}

/* Every connection sends round `first`, ..., `first + rounds - 1`, in lockstep per connection. */
static long run_rounds(struct conn *cs, struct pollfd *pf, int n, int first, int rounds,
                       double deadline)
{
    long done = 0, want = (long)n * rounds;
    for (int i = 0; i < n; i++) {
        send_line(&cs[i], i, first);
        pf[i].fd = cs[i].fd;
        pf[i].events = POLLIN;
    }
    while (done < want) {
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0)
            die("time is up: %ld of %ld round trips done", done, want);
        int r = poll(pf, (nfds_t)n, left);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            die("poll: %s", strerror(errno));
        }
        for (int i = 0; i < n && r > 0; i++) {
            if (!pf[i].revents)
                continue;
            r--;
            if (read_reply(&cs[i], i)) {
                done++;
                if (cs[i].round + 1 < first + rounds)
                    send_line(&cs[i], i, cs[i].round + 1);
                else
                    pf[i].fd = -1; /* this one is done */
            }
        }
    }
    return done;
}

/* ---- memory of a process tree, from /proc ---- */

static long ppid_of(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    long ppid = -1;
    if (p && sscanf(p + 1, " %*c %ld", &ppid) != 1)
        ppid = -1;
    return ppid;
}

static long field_kb(const char *path, const char *key)
{
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl)) {
            v = strtol(line + kl, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static void tree_memory(long root, long *procs, long *pss_kb, long *hwm_kb)
{
    static long pid[1 << 16], par[1 << 16];
    static char in[1 << 16];
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    if (!d)
        die("/proc: %s", strerror(errno));
    while ((e = readdir(d)) && n < (1 << 16)) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        long p = strtol(e->d_name, NULL, 10);
        long pp = ppid_of(p);
        if (pp < 0)
            continue;
        pid[n] = p;
        par[n] = pp;
        in[n] = p == root;
        n++;
    }
    closedir(d);
    /* descendants: repeat until nothing changes (the tree is at most a few levels deep) */
    for (int changed = 1, pass = 0; changed && pass < 64; pass++) {
        changed = 0;
        for (int i = 0; i < n; i++) {
            if (in[i])
                continue;
            for (int j = 0; j < n; j++)
                if (in[j] && pid[j] == par[i]) {
                    in[i] = 1;
                    changed = 1;
                    break;
                }
        }
    }
    *procs = *pss_kb = 0;
    *hwm_kb = -1;
    for (int i = 0; i < n; i++) {
        if (!in[i])
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", pid[i]);
        long pss = field_kb(path, "Pss:");
        if (pss < 0)
            continue; /* gone meanwhile */
        (*procs)++;
        *pss_kb += pss;
        if (pid[i] == root) {
            snprintf(path, sizeof path, "/proc/%ld/status", pid[i]);
            *hwm_kb = field_kb(path, "VmHWM:");
        }
    }
}

int main(int argc, char **argv)
{
    unsigned port = 0;
    int n = 1000, rounds = 100;
    double total = 120;
    long server = 0;
    int opt;

    while ((opt = getopt(argc, argv, "p:c:k:t:s:")) != -1) {
        switch (opt) {
        case 'p':
            port = (unsigned)num(optarg, 1, 65535);
            break;
        case 'c':
            n = (int)num(optarg, 1, MAX_CONNS);
            break;
        case 'k':
            rounds = (int)num(optarg, 1, 1000000);
            break;
        case 't':
            total = (double)num(optarg, 1, 86400);
            break;
        case 's':
            server = num(optarg, 1, 1L << 30);
            break;
        default:
            usage();
        }
    }
    if (!port || optind != argc)
        usage();
    signal(SIGPIPE, SIG_IGN);
    alarm((unsigned)total + 10); /* a safety net over the deadline checks below */

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)n + 16)
            die("%d connections need %d file descriptors; the limit is %ld", n, n + 16,
                (long)rl.rlim_cur);
    }
    struct conn *cs = calloc((size_t)n, sizeof *cs);
    struct pollfd *pf = calloc((size_t)n, sizeof *pf);
    if (!cs || !pf)
        die("out of memory");

    double t0 = now_s(), deadline = t0 + total;
    for (int i = 0; i < n; i++) {
        cs[i].fd = connect_one(port, i == 0);
        if (now_s() > deadline)
            die("time is up after %d of %d connections", i + 1, n);
    }
    double t1 = now_s();
    run_rounds(cs, pf, n, 0, 1, deadline); /* warm-up: one untimed round trip each */
    double t2 = now_s();
    long rt = run_rounds(cs, pf, n, 1, rounds, deadline);
    double t3 = now_s();

    printf("conns=%d rounds=%d connect_s=%.4f warm_s=%.4f rt=%ld rt_s=%.4f rtps=%.0f", n, rounds,
           t1 - t0, t2 - t1, rt, t3 - t2, (double)rt / (t3 - t2));
    if (server) {
        long procs, pss, hwm;
        tree_memory(server, &procs, &pss, &hwm);
        printf(" procs=%ld pss_kb=%ld hwm_kb=%ld", procs, pss, hwm);
    }
    printf("\n");
    fflush(stdout);
    for (int i = 0; i < n; i++)
        close(cs[i].fd);
    return 0;
}
