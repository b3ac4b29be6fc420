/* sock.c - the one socket layer: every socket call, its errors, its --explain narration. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, getaddrinfo_a */
#endif

#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest name DNS can carry, in its text form. */
#define HOST_NAME_MAX_LEN 253

/* --- clock and waiting ------------------------------------------------- */

/* The signals that end a wait given a stop flag. */
static const int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};
#define NSTOP (sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])

/* Runs the handlers of stop signals that are pending (blocked): on Linux a
 * ppoll that finds an fd ready returns without delivering a signal that
 * arrived during it, so a server kept busy would never see its flag. Letting
 * the signals in for the length of one sigprocmask call delivers them there. */
static void deliver_pending(void)
{
    sigset_t pending, stops, old;
    int any = 0;

    if (sigpending(&pending) < 0)
        return;
    sigemptyset(&stops);
    for (size_t i = 0; i < NSTOP; i++) {
        sigaddset(&stops, STOP_SIGNALS[i]);
        any |= sigismember(&pending, STOP_SIGNALS[i]) == 1;
    }
    if (!any)
        return;
    sigprocmask(SIG_UNBLOCK, &stops, &old);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int nb_sock_stopping(const volatile sig_atomic_t *stop)
{
    if (!*stop)
        deliver_pending();
    return *stop != 0;
}

int nb_sock_poll(struct pollfd *fds, size_t n, const struct nb_deadline *d,
                 const volatile sig_atomic_t *stop, struct nb_err *e)
{
    sigset_t during;
    int r;

    /* With a stop flag, SIGINT, SIGTERM and SIGHUP are let in only inside
     * ppoll, so a signal can never land between the flag check and the wait
     * (the caller blocks them beforehand, e.g. with nb_sock_block_stop_signals),
     * and after it, for one that came while fds were ready (nb_sock_stopping). */
    if (stop) {
        sigprocmask(SIG_SETMASK, NULL, &during);
        for (size_t i = 0; i < NSTOP; i++)
            sigdelset(&during, STOP_SIGNALS[i]);
    }
    for (;;) {
        int left = d ? nb_deadline_left(d) : -1;
        if (stop && *stop)
            return 0;
        if (stop) {
            struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};
            r = ppoll(fds, (nfds_t)n, left < 0 ? NULL : &ts, &during);
            if (r > 0 && nb_sock_stopping(stop))
                return 0;
        } else {
            r = poll(fds, (nfds_t)n, left);
        }
        if (r > 0)
            return r;
        if (r == 0) {
            if (!d || nb_deadline_passed(d))
                return 0;
            continue; /* woke early: wait out the rest */
        }
        if (errno != EINTR)
            return nb_err_sys(e, NB_E_SYS, errno, "poll failed");
    }
}

/* Waits for events on one fd: 1 when ready (or in error, which the next call
 * will report), 0 when the deadline passed, -1 with e set. */
static int wait_fd(int fd, short events, const struct nb_deadline *d, struct nb_err *e)
{
    struct pollfd p;

    p.fd = fd;
    p.events = events;
    p.revents = 0;
    return nb_sock_poll(&p, 1, d, NULL, e);
}

/* --- addresses --------------------------------------------------------- */

/* A zone of 1-10 digits as an interface index, 0 if it is not one. */
static unsigned zone_number(const char *z)
{
    size_t n = strlen(z);
    uint64_t v;

    if (n == 0 || n > 10 || nb_scan_uint(z, n, 10, n, &v) != n)
        return 0;
    return v > UINT_MAX ? 0 : (unsigned)v;
}

int nb_sockaddr_from_addr(const struct nb_addr *a, uint16_t port, struct nb_sockaddr *out,
                          struct nb_err *e)
{
    char name[IF_NAMESIZE];
    unsigned idx;

    memset(out, 0, sizeof *out);
    if (a->family == 4) {
        out->u.in4.sin_family = AF_INET;
        out->u.in4.sin_port = htons(port);
        memcpy(&out->u.in4.sin_addr, a->b, 4);
        out->len = sizeof out->u.in4;
        return 0;
    }
    if (a->family != 6)
        return nb_err_set(e, NB_E_INVALID, "address family %d is neither 4 nor 6", a->family);
    out->u.in6.sin6_family = AF_INET6;
    out->u.in6.sin6_port = htons(port);
    memcpy(&out->u.in6.sin6_addr, a->b, 16);
    out->len = sizeof out->u.in6;
    if (a->zone[0]) {
        idx = if_nametoindex(a->zone);
        if (idx == 0) {
            idx = zone_number(a->zone);
            if (idx == 0 || !if_indextoname(idx, name))
                return nb_err_set(e, NB_E_INVALID, "zone '%s' names no network interface here",
                                  a->zone);
        }
        out->u.in6.sin6_scope_id = idx;
    }
    return 0;
}

int nb_sockaddr_to_addr(const struct nb_sockaddr *sa, struct nb_addr *out, uint16_t *port,
                        struct nb_err *e)
{
    char name[IF_NAMESIZE];
    struct nb_addr a;
    uint16_t p;

    memset(&a, 0, sizeof a);
    if (sa->u.sa.sa_family == AF_INET && sa->len >= (socklen_t)sizeof sa->u.in4) {
        a.family = 4;
        memcpy(a.b, &sa->u.in4.sin_addr, 4);
        p = ntohs(sa->u.in4.sin_port);
    } else if (sa->u.sa.sa_family == AF_INET6 && sa->len >= (socklen_t)sizeof sa->u.in6) {
        a.family = 6;
        memcpy(a.b, &sa->u.in6.sin6_addr, 16);
        p = ntohs(sa->u.in6.sin6_port);
        if (sa->u.in6.sin6_scope_id) {
            if (if_indextoname(sa->u.in6.sin6_scope_id, name) && strlen(name) < sizeof a.zone)
                memcpy(a.zone, name, strlen(name) + 1);
            else
                snprintf(a.zone, sizeof a.zone, "%u", (unsigned)sa->u.in6.sin6_scope_id);
        }
    } else {
        return nb_err_set(e, NB_E_INVALID, "socket address family %d is neither IPv4 nor IPv6",
                          (int)sa->u.sa.sa_family);
    }
    if (out)
        *out = a;
    if (port)
        *port = p;
    return 0;
}

uint16_t nb_sockaddr_port(const struct nb_sockaddr *sa)
{
    uint16_t port = 0;

    if (nb_sockaddr_to_addr(sa, NULL, &port, NULL) < 0)
        return 0;
    return port;
}

char *nb_sockaddr_format(const struct nb_sockaddr *sa, char *buf, size_t n)
{
    char text[NB_ADDR_TEXT_MAX];
    struct nb_addr a;
    uint16_t port = 0;

    if (n == 0)
        return buf;
    if (nb_sockaddr_to_addr(sa, &a, &port, NULL) < 0) {
        snprintf(buf, n, "?");
        return buf;
    }
    nb_addr_format(&a, text, sizeof text);
    if (a.family == 4)
        snprintf(buf, n, "%s:%u", text, (unsigned)port);
    else
        snprintf(buf, n, "[%s]:%u", text, (unsigned)port);
    return buf;
}

/* Same family, address, scope and port. */
static int sockaddr_same(const struct nb_sockaddr *a, const struct nb_sockaddr *b)
{
    if (a->u.sa.sa_family != b->u.sa.sa_family)
        return 0;
    if (a->u.sa.sa_family == AF_INET)
        return a->u.in4.sin_port == b->u.in4.sin_port &&
               memcmp(&a->u.in4.sin_addr, &b->u.in4.sin_addr, 4) == 0;
    if (a->u.sa.sa_family == AF_INET6)
        return a->u.in6.sin6_port == b->u.in6.sin6_port &&
               a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id &&
               memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0;
    return a->len == b->len && memcmp(&a->u, &b->u, a->len) == 0;
}

int nb_sockaddr_equal(const struct nb_sockaddr *a, const struct nb_sockaddr *b)
{
    return sockaddr_same(a, b);
}

/* --- narration helpers ------------------------------------------------- */

static const char *family_name(int af)
{
    return af == AF_INET6 ? "AF_INET6" : af == AF_INET ? "AF_INET" : "AF_UNSPEC";
}

/* "::1, 127.0.0.1": the addresses of a lookup for the narration. */
static void format_list(const struct nb_sockaddr *list, size_t count, char *buf, size_t n)
{
    char text[NB_ADDR_TEXT_MAX];
    struct nb_addr a;
    size_t used = 0, i;
    int w;

    buf[0] = '\0';
    for (i = 0; i < count; i++) {
        if (nb_sockaddr_to_addr(&list[i], &a, NULL, NULL) < 0)
            continue;
        nb_addr_format(&a, text, sizeof text);
        w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", text);
        if (w < 0 || (size_t)w >= n - used) {
            buf[used] = '\0';
            snprintf(buf + used, n - used, "%s...", used ? ", " : "");
            return;
        }
        used += (size_t)w;
    }
}

/* --- the socket calls -------------------------------------------------- */

void nb_sock_block_stop_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Text that a resolver would read as an address: only digits and dots, or a
 * ':' anywhere, or something inet_aton takes (0x7f.1, 0177.1). It never goes
 * to DNS, whether or not it is a valid strict address. */
static int looks_numeric(const char *s, size_t len)
{
    struct nb_addr a;
    struct nb_err scratch;
    size_t i;
    int only_digits_dots = 1;

    for (i = 0; i < len; i++) {
        if (s[i] == ':')
            return 1;
        if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
            only_digits_dots = 0;
    }
    return only_digits_dots || nb_ip4_parse_lenient(s, len, &a, NULL, &scratch) == 0;
}

static int resolve_numeric(const char *host, const struct nb_addr *a, uint16_t port, int family,
                           struct nb_sockaddr *out, size_t *count, const struct nb_explain *x,
                           struct nb_err *e)
{
    char text[NB_ADDR_TEXT_MAX];

    if (family && family != a->family)
        return nb_err_set(e, NB_E_INVALID, "'%s' is an IPv%d address, but IPv%d was asked for",
                          host, a->family, family);
    if (nb_sockaddr_from_addr(a, port, &out[0], e) < 0)
        return -1;
    *count = 1;
    if (nb_explaining(x))
        nb_explainf(x, "inet_pton(\"%s\") = %s — a numeric address, no DNS lookup needed", host,
                    nb_addr_format(a, text, sizeof text));
    return 0;
}

static int resolve_error(const char *host, int family, int rc, int saved_errno,
                         const struct nb_explain *x, struct nb_err *e)
{
    const char *fam = family == 4 ? "IPv4 " : family == 6 ? "IPv6 " : "";

    if (rc == EAI_SYSTEM) {
        nb_explainf(x, "getaddrinfo(\"%s\") = %s — the lookup itself failed", host,
                    strerror(saved_errno));
        return nb_err_sys(e, NB_E_SYS, saved_errno, "cannot resolve '%s'", host);
    }
    nb_explainf(x, "getaddrinfo(\"%s\") = %s — the name does not resolve", host, gai_strerror(rc));
    switch (rc) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
        return nb_err_set(e, NB_E_RESOLVE, "no %saddress found for '%s'", fam, host);
    case EAI_MEMORY:
        return nb_err_set(e, NB_E_SYS, "cannot resolve '%s': %s", host, gai_strerror(rc));
    default:
        return nb_err_set(e, NB_E_RESOLVE, "cannot resolve '%s': %s", host, gai_strerror(rc));
    }
}

/* getaddrinfo, ended at timeout_ms (-1: none) with glibc's asynchronous
 * form: the lookup goes on in libc's helper thread and gai_suspend waits for
 * it with a limit. Returns getaddrinfo's code, or EAI_AGAIN with *late set
 * when the time ran out (a request that cannot be cancelled then is left to
 * finish on its own: its few bytes are not freed). */
static int lookup(const char *host, const struct addrinfo *hints, int64_t timeout_ms,
                  struct addrinfo **res, int *late)
{
    struct gaicb *req, *start[1];
    const struct gaicb *wait[1];
    struct timespec ts;
    int rc;

    *late = 0;
    if (timeout_ms < 0)
        return getaddrinfo(host, NULL, hints, res);
    req = calloc(1, sizeof *req);
    if (!req)
        return EAI_MEMORY;
    req->ar_name = host;
    req->ar_request = hints;
    start[0] = req;
    wait[0] = req;
    rc = getaddrinfo_a(GAI_NOWAIT, start, 1, NULL);
    if (rc != 0) {
        free(req);
        return rc;
    }
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    while ((rc = gai_suspend(wait, 1, &ts)) == EAI_INTR)
        ; /* a signal: the remaining time is not tracked; the caller's deadline is */
    rc = gai_error(req);
    if (rc == EAI_INPROGRESS) {
        *late = 1;
        if (gai_cancel(req) != EAI_CANCELED)
            return EAI_AGAIN; /* still running: req must outlive us */
        free(req);
        return EAI_AGAIN;
    }
    *res = req->ar_result;
    free(req);
    return rc;
}

static int resolve_name(const char *host, uint16_t port, int family, int socktype,
                        int64_t timeout_ms, struct nb_sockaddr *out, size_t max, size_t *count,
                        const struct nb_explain *x, struct nb_err *e)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct nb_sockaddr sa;
    size_t n = 0, i;
    char list[512], took[NB_DURATION_TEXT_MAX];
    int rc, late;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = socktype;
    /* No AI_ADDRCONFIG: it hides ::1 where only loopback is up. No service
     * either: the port is set below, so /etc/services is never read. */
    hints.ai_flags = 0;
    errno = 0;
    rc = lookup(host, &hints, timeout_ms, &res, &late);
    if (late)
        return nb_err_set(e, NB_E_TIMEOUT, "looking up '%s' took longer than %s", host,
                          nb_duration_format(timeout_ms, took, sizeof took));
    if (rc != 0)
        return resolve_error(host, family, rc, errno, x, e);
    for (ai = res; ai && n < max; ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof sa.u.ss)
            continue;
        memset(&sa, 0, sizeof sa);
        memcpy(&sa.u.ss, ai->ai_addr, ai->ai_addrlen);
        sa.len = ai->ai_addrlen;
        if (ai->ai_family == AF_INET)
            sa.u.in4.sin_port = htons(port);
        else
            sa.u.in6.sin6_port = htons(port);
        for (i = 0; i < n && !sockaddr_same(&out[i], &sa); i++)
            ;
        if (i == n)
            out[n++] = sa;
    }
    freeaddrinfo(res);
    if (n == 0)
        return resolve_error(host, family, EAI_NONAME, 0, x, e);
    *count = n;
    if (nb_explaining(x)) {
        format_list(out, n, list, sizeof list);
        nb_explainf(x, "getaddrinfo(\"%s\") = %s — the name's addresses", host, list);
    }
    return 0;
}

int nb_sock_resolve(const char *host, uint16_t port, int family, int socktype,
                    struct nb_sockaddr *out, size_t max, size_t *count, const struct nb_explain *x,
                    struct nb_err *e)
{
    return nb_sock_resolve_within(host, port, family, socktype, -1, out, max, count, x, e);
}

int nb_sock_resolve_within(const char *host, uint16_t port, int family, int socktype,
                           int64_t timeout_ms, struct nb_sockaddr *out, size_t max, size_t *count,
                           const struct nb_explain *x, struct nb_err *e)
{
    struct nb_err scratch;
    struct nb_addr a;
    size_t len, i;

    if (count)
        *count = 0;
    if (!host || !out || !count || max == 0)
        return nb_err_set(e, NB_E_INVALID, "no host or no room for its addresses");
    if (family != 0 && family != 4 && family != 6)
        return nb_err_set(e, NB_E_INVALID, "address family %d is not 0, 4 or 6", family);
    len = strnlen(host, HOST_NAME_MAX_LEN + 1);
    if (len == 0)
        return nb_err_set(e, NB_E_INVALID, "the host name is empty");
    if (len > HOST_NAME_MAX_LEN)
        return nb_err_set(e, NB_E_INVALID, "the host name is longer than %d bytes",
                          HOST_NAME_MAX_LEN);
    for (i = 0; i < len; i++) {
        if ((unsigned char)host[i] <= ' ' || (unsigned char)host[i] >= 0x7f)
            return nb_err_set(e, NB_E_INVALID,
                              "byte %zu of the host name is a space, a control byte or not ASCII, "
                              "which no name holds",
                              i + 1);
    }
    if (host[0] == '[') {
        struct nb_hostport hp;
        if (nb_hostport_parse(host, len, NB_HP_BRACKETED_HOST, 0, &hp, e) < 0)
            return -1;
        return resolve_numeric(host, &hp.addr, port, family, out, count, x, e);
    }
    if (nb_addr_parse(host, len, &a, &scratch) == 0)
        return resolve_numeric(host, &a, port, family, out, count, x, e);
    if (looks_numeric(host, len)) {
        /* Parse again for the message that names the broken rule. */
        nb_addr_parse(host, len, &a, e);
        if (e)
            e->code = NB_E_INVALID;
        return -1;
    }
    return resolve_name(host, port, family, socktype, timeout_ms, out, max, count, x, e);
}

/* The words for a failed connect: what happened, and what it means. */
static void connect_words(int err, const char **what, const char **means)
{
    switch (err) {
    case ECONNREFUSED:
        *what = "refused";
        *means = "nobody is listening on that port";
        return;
    case ENETUNREACH:
        *what = "network unreachable";
        *means = "no route to that network";
        return;
    case EHOSTUNREACH:
        *what = "host unreachable";
        *means = "no route to that host";
        return;
    default:
        *what = strerror(err);
        *means = "this address did not work";
        return;
    }
}

/* One attempt. Returns the connected fd; -1 when this address failed (*err
 * is its errno, ETIMEDOUT with *timed_out set for our own timeout); -2 with e
 * set for a local failure that the next address would hit too. */
static int connect_one(const struct nb_sockaddr *sa, int64_t timeout_ms, const struct nb_explain *x,
                       int *err, int *timed_out, struct nb_err *e)
{
    char at[NB_SOCKADDR_TEXT_MAX], ms[NB_DURATION_TEXT_MAX];
    struct nb_deadline d;
    const char *what, *means;
    socklen_t len;
    int fd, r, soerr, fl, af = sa->u.sa.sa_family;

    *timed_out = 0;
    nb_sockaddr_format(sa, at, sizeof at);
    fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        nb_explainf(x, "socket(%s, SOCK_STREAM) = %s — this machine cannot make that socket",
                    family_name(af), strerror(*err));
        if (*err == EAFNOSUPPORT || *err == EPROTONOSUPPORT || *err == EINVAL)
            return -1;
        nb_err_sys(e, NB_E_SYS, *err, "cannot make a socket for %s", at);
        return -2;
    }
    nb_explainf(x, "socket(%s, SOCK_STREAM) = %d — a new TCP socket", family_name(af), fd);

    /* Non-blocking, so the wait for the answer has a limit (OpenBSD nc's
     * timeout_connect); EINTR leaves the connect going on, like EINPROGRESS. */
    nb_deadline_init(&d, timeout_ms);
    soerr = 0;
    if (connect(fd, &sa->u.sa, sa->len) < 0) {
        soerr = errno;
        if (soerr == EINPROGRESS || soerr == EINTR) {
            r = wait_fd(fd, POLLOUT, &d, e);
            if (r < 0) {
                nb_sock_close(fd, x);
                return -2;
            }
            if (r == 0) {
                *timed_out = 1;
                soerr = ETIMEDOUT;
            } else {
                len = sizeof soerr;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
                    soerr = errno;
            }
        }
    }
    if (soerr == 0) {
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
            nb_err_sys(e, NB_E_SYS, errno, "cannot make the socket for %s blocking", at);
            nb_sock_close(fd, x);
            return -2;
        }
        nb_explainf(x, "connect(%d, %s) — call the server", fd, at);
        return fd;
    }
    *err = soerr;
    if (*timed_out)
        nb_explainf(x, "connect(%d, %s) = timed out — no answer within %s", fd, at,
                    nb_duration_format(timeout_ms, ms, sizeof ms));
    else if (nb_explaining(x)) {
        connect_words(soerr, &what, &means);
        nb_explainf(x, "connect(%d, %s) = %s — %s", fd, at, what, means);
    }
    nb_sock_close(fd, x);
    return -1;
}

int nb_sock_connect(const struct nb_sockaddr *list, size_t count, int64_t timeout_ms,
                    const struct nb_explain *x, struct nb_err *e)
{
    return nb_sock_connect_within(list, count, timeout_ms, NULL, x, e);
}

int nb_sock_connect_within(const struct nb_sockaddr *list, size_t count, int64_t timeout_ms,
                           const struct nb_deadline *total, const struct nb_explain *x,
                           struct nb_err *e)
{
    char at[NB_SOCKADDR_TEXT_MAX], ms[NB_DURATION_TEXT_MAX], tried[48];
    int fd, err = 0, timed_out = 0;
    size_t i;

    if (!list || count == 0)
        return nb_err_set(e, NB_E_INVALID, "no address to connect to");
    for (i = 0; i < count && !(total && nb_deadline_passed(total)); i++) {
        int64_t wait = timeout_ms;
        int left = total ? nb_deadline_left(total) : -1;
        if (left >= 0 && (wait < 0 || left < wait))
            wait = left; /* the whole of it must end by then too */
        fd = connect_one(&list[i], wait, x, &err, &timed_out, e);
        if (fd >= 0) {
            nb_err_clear(e);
            return fd;
        }
        if (fd == -2)
            return -1;
    }
    if (err == 0) /* the deadline passed before an attempt */
        timed_out = 1;
    nb_sockaddr_format(&list[count - 1], at, sizeof at);
    tried[0] = '\0';
    if (count > 1)
        snprintf(tried, sizeof tried, " (%zu addresses tried)", count);
    if (timed_out) {
        nb_err_set(e, NB_E_TIMEOUT, "connect to %s timed out after %s%s", at,
                   nb_duration_format(timeout_ms, ms, sizeof ms), tried);
    } else {
        nb_err_set(e, NB_E_CONNECT, "connect to %s failed: %s%s", at, strerror(err), tried);
    }
    if (e)
        e->sys_errno = err;
    return -1;
}

/* A UDP socket for sa's family, then connect (fix the peer) or bind (own the
 * address) with sa: the fd, or -1 with e set. */
static int udp_socket(const struct nb_sockaddr *sa, int binding, const struct nb_explain *x,
                      struct nb_err *e)
{
    char at[NB_SOCKADDR_TEXT_MAX];
    int af = sa->u.sa.sa_family, fd, err;

    nb_sockaddr_format(sa, at, sizeof at);
    fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot make a UDP socket for %s", at);
    nb_explainf(x,
                "socket(%s, SOCK_DGRAM) = %d — a new UDP socket: single messages, no "
                "connection",
                family_name(af), fd);
    /* connect() on UDP only fixes the peer: the kernel then drops datagrams
     * from any other address, and reports a closed port as ECONNREFUSED */
    if ((binding ? bind(fd, &sa->u.sa, sa->len) : connect(fd, &sa->u.sa, sa->len)) < 0) {
        err = errno;
        nb_sock_close(fd, x);
        return binding ? nb_err_sys(e, NB_E_SYS, err, "cannot bind %s", at)
                       : nb_err_sys(e, NB_E_CONNECT, err, "cannot send to %s", at);
    }
    if (binding)
        nb_explainf(x, "bind(%d, %s) — own the IP and port", fd, at);
    else
        nb_explainf(x, "connect(%d, %s) — only replies from this server will be read", fd, at);
    return fd;
}

int nb_sock_udp_connect(const struct nb_sockaddr *sa, const struct nb_explain *x, struct nb_err *e)
{
    return udp_socket(sa, 0, x, e);
}

int nb_sock_udp_bind(const struct nb_sockaddr *sa, const struct nb_explain *x, struct nb_err *e)
{
    return udp_socket(sa, 1, x, e);
}

ssize_t nb_sock_recvfrom(int fd, void *buf, size_t cap, int64_t timeout_ms,
                         struct nb_sockaddr *peer, struct nb_err *e)
{
    char ms[NB_DURATION_TEXT_MAX];
    struct nb_deadline d;

    nb_deadline_init(&d, timeout_ms);
    for (;;) {
        ssize_t n;
        int r = wait_fd(fd, POLLIN, &d, e), err;
        if (r < 0)
            return -1;
        if (r == 0)
            return nb_err_set(e, NB_E_TIMEOUT, "no datagram arrived within %s",
                              nb_duration_format(timeout_ms, ms, sizeof ms));
        if (peer)
            peer->len = sizeof peer->u.ss;
        n = recvfrom(fd, buf, cap, MSG_DONTWAIT, peer ? &peer->u.sa : NULL,
                     peer ? &peer->len : NULL);
        if (n >= 0)
            return n;
        err = errno;
        if (err != EINTR && err != EAGAIN && err != EWOULDBLOCK)
            return nb_err_sys(e, err == ECONNREFUSED ? NB_E_CONNECT : NB_E_SYS, err,
                              "cannot receive a datagram");
    }
}

int nb_sock_sendto(int fd, const void *buf, size_t len, const struct nb_sockaddr *peer,
                   struct nb_err *e)
{
    ssize_t n;

    do
        n = sendto(fd, buf, len, MSG_NOSIGNAL, peer ? &peer->u.sa : NULL, peer ? peer->len : 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return nb_err_sys(e, errno == ECONNREFUSED ? NB_E_CONNECT : NB_E_SYS, errno,
                          "cannot send a datagram");
    return 0;
}

size_t nb_sock_udp_max(int af)
{
    return af == AF_INET6 ? 65527 : 65507;
}

/* Why a server could not own its address, in the user's words; kind is ""
 * (TCP) or "UDP " in "port N is in use". Returns -1. */
static int bind_error(const char *at, uint16_t port, const char *kind, int err, struct nb_err *e)
{
    if (err == EADDRINUSE && port != 0)
        nb_err_set(e, NB_E_SYS, "cannot bind %s: %sport %u is in use", at, kind, (unsigned)port);
    else if (err == EACCES && port != 0 && port < 1024)
        nb_err_set(e, NB_E_SYS,
                   "cannot bind %s: ports below 1024 need root or "
                   "CAP_NET_BIND_SERVICE",
                   at);
    else if (err == EADDRNOTAVAIL)
        nb_err_set(e, NB_E_SYS, "cannot bind %s: the address is not one of this machine's", at);
    else
        nb_err_sys(e, NB_E_SYS, err, "cannot bind %s", at);
    if (e)
        e->sys_errno = err;
    return -1;
}

int nb_sock_udp_serve(const struct nb_sockaddr *sa, int v6only, const struct nb_explain *x,
                      struct nb_err *e)
{
    char at[NB_SOCKADDR_TEXT_MAX], got[NB_SOCKADDR_TEXT_MAX];
    struct nb_sockaddr local;
    int af = sa->u.sa.sa_family, fd, err;
    uint16_t port = nb_sockaddr_port(sa);

    if (af != AF_INET && af != AF_INET6)
        return nb_err_set(e, NB_E_INVALID, "can only serve UDP on an IPv4 or IPv6 address");
    nb_sockaddr_format(sa, at, sizeof at);
    fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot make a UDP socket for %s", at);
    nb_explainf(x,
                "socket(%s, SOCK_DGRAM) = %d — a UDP socket: no listen(), no accept(), "
                "one socket for every sender",
                family_name(af), fd);
    if (af == AF_INET6 && v6only >= 0) {
        int on = v6only ? 1 : 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0) {
            nb_err_sys(e, NB_E_SYS, errno, "cannot set IPV6_V6ONLY for %s", at);
            nb_sock_close(fd, x);
            return -1;
        }
    }
    if (bind(fd, &sa->u.sa, sa->len) < 0) {
        err = errno;
        nb_explainf(x, "bind(%d, %s) = %s — could not own the IP and port", fd, at, strerror(err));
        nb_sock_close(fd, x);
        return bind_error(at, port, "UDP ", err, e);
    }
    nb_explainf(x, "bind(%d, %s) — own the IP and port: datagrams to it now queue for us", fd, at);
    if (port == 0 && nb_explaining(x) && nb_sock_local(fd, &local, NULL) == 0)
        nb_explainf(x, "getsockname(%d) = %s — the port the kernel picked", fd,
                    nb_sockaddr_format(&local, got, sizeof got));
    return fd;
}

ssize_t nb_sock_recvfrom_now(int fd, void *buf, size_t cap, struct nb_sockaddr *peer,
                             struct nb_err *e)
{
    ssize_t n;
    int err;

    if (peer) {
        memset(peer, 0, sizeof *peer);
        peer->len = sizeof peer->u.ss;
    }
    /* MSG_TRUNC: the answer is the datagram's full length, so a cut one shows */
    n = recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC, peer ? &peer->u.sa : NULL,
                 peer ? &peer->len : NULL);
    if (n >= 0)
        return n;
    err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR)
        return NB_SOCK_AGAIN;
    return nb_err_sys(e, err == ECONNREFUSED ? NB_E_CONNECT : NB_E_SYS, err,
                      "cannot receive a datagram");
}

#define BATCH_MAX 64

ssize_t nb_sock_recv_batch(int fd, char *bufs, size_t each, struct nb_sock_dgram *out, size_t n,
                           struct nb_err *e)
{
    struct mmsghdr m[BATCH_MAX];
    struct iovec v[BATCH_MAX];
    int got, err;

    if (n > BATCH_MAX)
        n = BATCH_MAX;
    memset(m, 0, n * sizeof m[0]);
    for (size_t i = 0; i < n; i++) {
        v[i].iov_base = bufs + i * each;
        v[i].iov_len = each;
        m[i].msg_hdr.msg_iov = &v[i];
        m[i].msg_hdr.msg_iovlen = 1;
        m[i].msg_hdr.msg_name = &out[i].peer.u.ss;
        m[i].msg_hdr.msg_namelen = sizeof out[i].peer.u.ss;
    }
    got = recvmmsg(fd, m, (unsigned)n, MSG_DONTWAIT | MSG_TRUNC, NULL);
    if (got < 0) {
        err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR)
            return NB_SOCK_AGAIN;
        return nb_err_sys(e, NB_E_SYS, err, "cannot receive datagrams");
    }
    for (int i = 0; i < got; i++) {
        out[i].peer.len = m[i].msg_hdr.msg_namelen;
        out[i].len = m[i].msg_len;
        if (m[i].msg_hdr.msg_flags & MSG_TRUNC && out[i].len <= each)
            out[i].len = each + 1; /* cut, full length unknown */
    }
    return got == 0 ? NB_SOCK_AGAIN : got;
}

int nb_sock_send_now(int fd, const void *buf, size_t len, struct nb_err *e)
{
    ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n >= 0)
        return 0;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
        return NB_SOCK_AGAIN;
    return nb_err_sys(e, errno == ECONNREFUSED ? NB_E_CONNECT : NB_E_SYS, errno,
                      "cannot send a datagram");
}

int nb_sock_listen(const struct nb_sockaddr *sa, int backlog, int v6only,
                   const struct nb_explain *x, struct nb_err *e)
{
    char at[NB_SOCKADDR_TEXT_MAX], got[NB_SOCKADDR_TEXT_MAX];
    struct nb_sockaddr local;
    int fd, one = 1, err, af = sa->u.sa.sa_family;
    uint16_t port = nb_sockaddr_port(sa);

    if (af != AF_INET && af != AF_INET6)
        return nb_err_set(e, NB_E_INVALID, "can only listen on an IPv4 or IPv6 address");
    nb_sockaddr_format(sa, at, sizeof at);
    fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot make a socket for %s", at);
    nb_explainf(x, "socket(%s, SOCK_STREAM) = %d — a new TCP socket", family_name(af), fd);

    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
        nb_err_sys(e, NB_E_SYS, errno, "cannot set SO_REUSEADDR for %s", at);
        goto fail;
    }
    nb_explainf(x, "setsockopt(%d, SO_REUSEADDR, 1) — let a restart reuse the port at once", fd);

    if (af == AF_INET6 && v6only >= 0) {
        int on = v6only ? 1 : 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0) {
            nb_err_sys(e, NB_E_SYS, errno, "cannot set IPV6_V6ONLY for %s", at);
            goto fail;
        }
        nb_explainf(x, "setsockopt(%d, IPV6_V6ONLY, %d) — %s", fd, on,
                    on ? "IPv6 clients only" : "IPv4 clients too, seen as ::ffff:a.b.c.d");
    }

    if (bind(fd, &sa->u.sa, sa->len) < 0) {
        err = errno;
        nb_explainf(x, "bind(%d, %s) = %s — could not own the IP and port", fd, at, strerror(err));
        bind_error(at, port, "", err, e);
        goto fail;
    }
    nb_explainf(x, "bind(%d, %s) — own the IP and port", fd, at);
    if (port == 0 && nb_explaining(x) && nb_sock_local(fd, &local, NULL) == 0)
        nb_explainf(x, "getsockname(%d) = %s — the port the kernel picked", fd,
                    nb_sockaddr_format(&local, got, sizeof got));

    if (listen(fd, backlog) < 0) {
        err = errno;
        nb_explainf(x, "listen(%d, %d) = %s — could not start listening", fd, backlog,
                    strerror(err));
        nb_err_sys(e, NB_E_SYS, err, "cannot listen on %s", at);
        goto fail;
    }
    nb_explainf(x, "listen(%d, %d) — start listening", fd, backlog);
    return fd;

fail:
    nb_sock_close(fd, x);
    return -1;
}

int nb_sock_accept(int lfd, struct nb_sockaddr *peer, int flags, const struct nb_explain *x,
                   struct nb_err *e)
{
    char from[NB_SOCKADDR_TEXT_MAX];
    struct nb_sockaddr sa;
    socklen_t len = sizeof sa.u.ss;
    int fd, err;

    if (flags & ~SOCK_NONBLOCK)
        return nb_err_set(e, NB_E_INVALID, "accept takes no flag but SOCK_NONBLOCK");
    memset(&sa, 0, sizeof sa);
    fd = accept4(lfd, &sa.u.sa, &len, flags | SOCK_CLOEXEC);
    if (fd >= 0) {
        sa.len = len > sizeof sa.u.ss ? (socklen_t)sizeof sa.u.ss : len;
        if (peer)
            *peer = sa;
        nb_explainf(x, "accept(%d) = %d from %s — see who is talking to us", lfd, fd,
                    nb_sockaddr_format(&sa, from, sizeof from));
        return fd;
    }
    err = errno;
    switch (err) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINTR:
    /* The client left before we took it, or (Linux) a network error of the
     * new connection: accept4(2) says to treat these like EAGAIN. */
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTUNREACH:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
#ifdef ENONET
    case ENONET:
#endif
        nb_err_clear(e);
        if (e)
            e->sys_errno = err;
        return NB_SOCK_AGAIN;
    default:
        return nb_err_sys(e, NB_E_SYS, err, "cannot accept a client");
    }
}

int nb_sock_local(int fd, struct nb_sockaddr *out, struct nb_err *e)
{
    socklen_t len = sizeof out->u.ss;

    memset(out, 0, sizeof *out);
    if (getsockname(fd, &out->u.sa, &len) < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "getsockname failed");
    out->len = len;
    return 0;
}

int nb_sock_peer(int fd, struct nb_sockaddr *out, struct nb_err *e)
{
    socklen_t len = sizeof out->u.ss;
    int err;

    memset(out, 0, sizeof *out);
    if (getpeername(fd, &out->u.sa, &len) < 0) {
        err = errno;
        return nb_err_sys(e, err == ENOTCONN ? NB_E_CONNECT : NB_E_SYS, err, "getpeername failed");
    }
    out->len = len;
    return 0;
}

int nb_sock_set_nonblock(int fd, int on, struct nb_err *e)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "fcntl(F_GETFL) failed");
    fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
    if (fcntl(fd, F_SETFL, fl) < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "fcntl(F_SETFL) failed");
    return 0;
}

/* The peer going away, as opposed to a local failure. */
static int peer_gone(int err)
{
    return err == EPIPE || err == ECONNRESET || err == ETIMEDOUT || err == EHOSTUNREACH ||
           err == ENETUNREACH || err == ENOTCONN;
}

/* Fills e for a stream call (recv, send, shutdown) that failed with err and
 * returns -1. A peer that is gone is NB_E_CONNECT, and a reset is said in
 * one way for every command and every call: after an RST, recv says
 * ECONNRESET, and send, shutdown and a later recv say EPIPE or ENOTCONN. */
static int stream_failed(struct nb_err *e, const char *call, int err)
{
    if (err == ECONNRESET || err == ENOTCONN || err == EPIPE) {
        nb_err_set(e, NB_E_CONNECT, "the peer reset the connection");
        if (e)
            e->sys_errno = err;
        return -1;
    }
    return nb_err_sys(e, peer_gone(err) ? NB_E_CONNECT : NB_E_SYS, err, "%s failed", call);
}

/* --- the socket stream ------------------------------------------------ */

static ssize_t sock_read(struct nb_stream *s, void *buf, size_t cap, struct nb_err *e)
{
    for (;;) {
        ssize_t n = recv(s->fd, buf, cap, MSG_DONTWAIT);
        int err = errno;
        if (n >= 0)
            return n;
        if (err == EINTR)
            continue;
        if (err == EAGAIN || err == EWOULDBLOCK)
            return NB_STREAM_AGAIN;
        if (err == ENOTSOCK) { /* a pipe or file after all: the io module's stream */
            nb_io_stream(s, s->fd, s->x);
            return s->ops->read(s, buf, cap, e);
        }
        return stream_failed(e, "receive", err);
    }
}

static ssize_t sock_write(struct nb_stream *s, const void *buf, size_t len, struct nb_err *e)
{
    for (;;) {
        /* MSG_NOSIGNAL: a peer that is gone is EPIPE here, never SIGPIPE */
        ssize_t n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        int err = errno;
        if (n > 0)
            return n;
        if (n == 0)
            return nb_err_set(e, NB_E_SYS, "send made no progress");
        if (err == EINTR)
            continue;
        if (err == EAGAIN || err == EWOULDBLOCK)
            return NB_STREAM_AGAIN;
        if (err == ENOTSOCK) {
            nb_io_stream(s, s->fd, s->x);
            return s->ops->write(s, buf, len, e);
        }
        return stream_failed(e, "send", err);
    }
}

static int sock_shutdown_write(struct nb_stream *s, struct nb_err *e)
{
    int err;

    if (shutdown(s->fd, SHUT_WR) < 0) {
        err = errno;
        nb_explainf(s->x, "shutdown(%d, SHUT_WR) = %s — could not half-close", s->fd,
                    strerror(err));
        return stream_failed(e, "shutdown", err);
    }
    nb_explainf(s->x, "shutdown(%d, SHUT_WR) — tell the peer we are done sending (half-close)",
                s->fd);
    return 0;
}

static void sock_close(struct nb_stream *s)
{
    nb_sock_close(s->fd, s->x);
    s->fd = -1;
}

static const struct nb_stream_ops SOCK_OPS = {sock_read, sock_write, sock_shutdown_write,
                                              sock_close, NULL};

void nb_sock_stream(struct nb_stream *s, int fd, const struct nb_explain *x)
{
    *s = (struct nb_stream){.ops = &SOCK_OPS, .fd = fd, .x = x};
}
void nb_sock_close(int fd, const struct nb_explain *x)
{
    if (fd < 0)
        return;
    nb_explainf(x, "close(%d)", fd);
    /* Linux frees the fd even when close says EINTR: never retry. */
    close(fd);
}

int nb_sock_service_port(const char *name, uint16_t *port, struct nb_err *e)
{
    struct servent *se = getservbyname(name, "tcp");
    char q[48];

    endservent();
    if (se) {
        *port = ntohs((uint16_t)se->s_port);
        return 0;
    }
    nb_quote(name, strlen(name), 32, q, sizeof q);
    if (access("/etc/services", R_OK) < 0)
        return nb_err_set(e, NB_E_INVALID,
                          "port '%s' is not a number, and there is no /etc/services to look "
                          "service names up in (Debian: apt-get install netbase)",
                          q);
    return nb_err_set(e, NB_E_INVALID,
                      "port '%s' is neither a number nor a TCP service name in /etc/services", q);
}

/* Whether s is a service name's shape: a letter, then letters, digits, '-'. */
static int service_word(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    return n > 0 && n <= 32 && !s[n] &&
           ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
}

const char *nb_sock_service_text(const char *text, int alone_is_port, char *buf, size_t n,
                                 struct nb_err *e)
{
    const char *colon = strrchr(text, ':');
    /* HOST:WORD with one ':', or [IPv6]:WORD; a bare IPv6 address is left alone */
    int split = colon && (memchr(text, ':', (size_t)(colon - text)) == NULL ||
                          (colon > text && colon[-1] == ']'));
    const char *word = split ? colon + 1 : text;
    uint16_t port;

    if (!(split || (alone_is_port && !colon)) || !service_word(word))
        return text;
    if (nb_sock_service_port(word, &port, e) < 0)
        return NULL;
    if ((size_t)snprintf(buf, n, "%.*s%u", (int)(word - text), text, port) >= n) {
        nb_err_set(e, NB_E_INVALID, "'%.40s...' is too long", text);
        return NULL;
    }
    return buf;
}
