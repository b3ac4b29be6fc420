/* httpclient.c - one HTTP/1.1 exchange: connect, request, parse the reply. */
#include <netbasics/httpclient.h>
#include <netbasics/tls.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define READ_SIZE (1u << 20) /* 1 MiB reads: measured as fast as a minimal C reader */

/* Wraps the caller's callbacks so the exchange narrates itself for --explain. */
struct tap {
    const struct nb_http_cb *user;
    const struct nb_explain *x;
    int chunks;
};

static void tap_status(void *ctx, int status, const char *reason, size_t len)
{
    struct tap *t = ctx;
    char esc[512];

    nb_escape(reason, len, NB_ESC_C, esc, sizeof esc);
    nb_explainf(t->x, "< HTTP/1.1 %d %s — the status line: %s", status, esc,
                status < 300   ? "success"
                : status < 400 ? "go elsewhere (a redirect)"
                : status < 500 ? "the request was refused"
                               : "the server failed");
    if (t->user->on_status)
        t->user->on_status(t->user->ctx, status, reason, len);
}

static void tap_header(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
    struct tap *t = ctx;
    char esc[1024];

    if (nb_explaining(t->x)) {
        nb_escape(v, vl, NB_ESC_C, esc, sizeof esc);
        nb_explainf(t->x, "< %.*s: %s", (int)nl, n, esc);
    }
    if (t->user->on_header)
        t->user->on_header(t->user->ctx, n, nl, v, vl);
}

static void tap_done(void *ctx)
{
    struct tap *t = ctx;

    if (t->user->on_headers_done)
        t->user->on_headers_done(t->user->ctx);
}

static int tap_body(void *ctx, const uint8_t *p, size_t n)
{
    struct tap *t = ctx;

    return t->user->on_body ? t->user->on_body(t->user->ctx, p, n) : 0;
}

static void tap_chunk(void *ctx, uint64_t size)
{
    struct tap *t = ctx;

    /* the first few chunk sizes, then only the last one: a body can have thousands */
    if (++t->chunks <= 5 || size == 0) {
        if (size == 0 && t->chunks > 6)
            nb_explainf(t->x, "(chunks 6 to %d are not shown)", t->chunks - 1);
        nb_explainf(t->x, "chunk %d: %llu bytes%s", t->chunks, (unsigned long long)size,
                    size ? " — the size line in hex, then that many bytes, then CRLF"
                         : " — the last chunk: the body is complete");
    }
    if (t->user->on_chunk)
        t->user->on_chunk(t->user->ctx, size);
}

/* Whether a head line carries a password, never to be shown. */
static int secret_line(const char *p, size_t l)
{
    return (l >= 14 && !strncasecmp(p, "Authorization:", 14)) ||
           (l >= 20 && !strncasecmp(p, "Proxy-Authorization:", 20));
}

/* -xx: the request head byte for byte as it goes out, "\r\n" and all; a
 * password's line is shown only up to its name. */
static void explain_request_bytes(const struct nb_explain *x, const char *req, size_t len)
{
    const char *p = req, *end = req + len;

    if (!nb_explaining_at(x, NB_EXPLAIN_PACKETS))
        return;
    nb_explainf(x, "the request as sent, %zu bytes, each line ending in \r\n:", len);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (secret_line(p, l))
            nb_explainf(x, "  > %.*s (hidden)", (int)strcspn(p, ":") + 1, p);
        else
            nb_explain_bytes(x, ">", p, l, l);
        p += l;
    }
}

static void explain_request(const struct nb_explain *x, const char *req, size_t len)
{
    const char *p = req, *end = req + len;

    explain_request_bytes(x, req, len);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l == 0)
            break;
        if (secret_line(p, l))
            nb_explainf(x, "> %.*s (hidden: the password is never shown)", (int)strcspn(p, ":") + 1,
                        p);
        else
            nb_explainf(x, "> %.*s", (int)l, p);
        p = nl ? nl + 1 : end;
    }
    nb_explainf(x, "> (an empty line ends the request)");
}

/* Waits up to wait_ms (-1: no limit) for fd to have bytes, or for *stop to
 * be set. The stop signals are blocked around the wait and let in only inside
 * it (nb_sock_poll), so a signal can never slip in between the check of the
 * flag and the sleep; restoring the mask afterwards delivers one that came
 * while the fd was ready. Returns 1 ready, 0 timed out, -1 stopped (e set to
 * NB_E_NONE) or failed (e set). */
static int wait_readable(int fd, int64_t wait_ms, const volatile sig_atomic_t *stop,
                         struct nb_err *e)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    struct nb_deadline d;
    sigset_t set, old;
    int r;

    nb_deadline_init(&d, wait_ms);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &old);
    r = nb_sock_poll(&pfd, 1, &d, stop, e);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (r < 0)
        return -1;
    if (*stop) {
        nb_err_set(e, NB_E_NONE, "stopped by a signal");
        return -1;
    }
    return r > 0;
}

/* -xx: the response head byte for byte as it came, up to the empty line
 * that ends it, over as many reads as it took. *state: 0 before the head,
 * 1 at the start of a line in it, 2 within a line, 3 when it is over. */
static void explain_head_bytes(const struct nb_explain *x, const uint8_t *p, size_t n, int *state)
{
    size_t end = 0;

    if (*state == 3 || !nb_explaining_at(x, NB_EXPLAIN_PACKETS))
        return;
    if (*state == 0) {
        nb_explainf(x, "the response head as it came, each line ending in \r\n:");
        *state = 2;
    }
    while (end < n && *state != 3) {
        if (p[end] == '\n')
            *state = *state == 1 ? 3 : 1;
        else if (p[end] != '\r')
            *state = 2;
        end++;
    }
    nb_explain_bytes(x, "<", p, end, end);
}

/* Reads the reply into p until it is complete, within the idle and total
 * limits. Returns 0, or -1 with e set. */
static int read_reply(struct nb_stream *s, const struct nb_http_get_opts *o,
                      const struct nb_http_cb *cb, struct nb_http_parser *p, struct nb_err *e)
{
    char idle[NB_DURATION_TEXT_MAX];
    uint8_t *buf = malloc(READ_SIZE);
    int rc = -1, head = 0;

    if (!buf)
        return nb_err_set(e, NB_E_SYS, "out of memory");
    for (;;) {
        int64_t wait = o->idle_ms;
        ssize_t n;
        if (o->total) {
            int left = nb_deadline_left(o->total);
            if (left >= 0 && (wait < 0 || left < wait))
                wait = left;
        }
        if (o->stop && !nb_stream_pending(s)) {
            int r = wait_readable(s->fd, wait, o->stop, e);
            if (r < 0)
                break;
            if (r == 0)
                wait = 0; /* the read below reports the timeout */
        }
        n = nb_stream_read(s, buf, READ_SIZE, wait, e);
        if (n < 0) {
            if (e->code != NB_E_TIMEOUT)
                break;
            if (o->total && nb_deadline_passed(o->total))
                nb_err_set(e, NB_E_TIMEOUT,
                           "the transfer took longer than --max-time "
                           "(after %llu body bytes)",
                           (unsigned long long)p->body_bytes);
            else
                nb_err_set(e, NB_E_TIMEOUT,
                           "no data for %s (after %llu body bytes; "
                           "--timeout sets the wait)",
                           nb_duration_format(o->idle_ms, idle, sizeof idle),
                           (unsigned long long)p->body_bytes);
            break;
        }
        if (n == 0) {
            rc = nb_http_finish(p, e);
            break;
        }
        explain_head_bytes(o->x, buf, (size_t)n, &head);
        if (nb_http_feed(p, buf, (size_t)n, cb, e) < 0)
            break;
        if (nb_http_done(p)) {
            rc = 0;
            break;
        }
    }
    free(buf);
    return rc;
}

/* A wait of want_ms (-1: none) cut to what is left of the total deadline. */
static int64_t bounded(int64_t want_ms, const struct nb_deadline *total)
{
    int left = total ? nb_deadline_left(total) : -1;

    return left >= 0 && (want_ms < 0 || left < want_ms) ? left : want_ms;
}

/* A step that timed out because --max-time ran out says so, with what it was
 * doing, rather than naming its own limit (a connect cut short after 1 s did
 * not time out "after 10 s"). Returns -1, for the caller's return. */
static int over_max_time(const struct nb_http_get_opts *o, const char *during, struct nb_err *e)
{
    if (e->code == NB_E_TIMEOUT && o->total && nb_deadline_passed(o->total))
        nb_err_set(e, NB_E_TIMEOUT, "the transfer took longer than --max-time (%s)", during);
    return -1;
}

/* Asks the proxy on s for a tunnel to u (CONNECT), for TLS to go through.
 * Returns 0 once the proxy said 2xx, or -1 with e set. */
static int tunnel(struct nb_stream *s, const struct nb_url *u, const struct nb_http_get_opts *o,
                  struct nb_err *e)
{
    struct nb_http_parser *p = malloc(sizeof *p);
    struct nb_http_cb none = {0};
    char req[2048], got[1];
    size_t len;
    int status, rc = -1;

    if (!p)
        return nb_err_set(e, NB_E_SYS, "out of memory");
    if (nb_http_connect_request(u, o->proxy, o->headers, o->nheaders, req, sizeof req, &len, e) < 0)
        goto out;
    explain_request(o->x, req, len);
    if (nb_stream_write_all(s, req, len, bounded(o->idle_ms, o->total), e) < 0)
        goto out;
    nb_http_init(p, 1); /* the answer to CONNECT has no body */
    /* a byte at a time: what follows the head is the server's TLS, not ours to read */
    while (!nb_http_done(p)) {
        ssize_t n = nb_stream_read(s, got, 1, bounded(o->idle_ms, o->total), e);
        if (n < 0)
            goto out;
        if (n == 0) {
            nb_err_set(e, NB_E_PROTO, "the proxy closed the connection instead of a tunnel");
            goto out;
        }
        if (nb_http_feed(p, (const uint8_t *)got, 1, &none, e) < 0)
            goto out;
    }
    status = p->status;
    if (status < 200 || status > 299) {
        nb_err_set(e, status == 407 ? NB_E_CONNECT : NB_E_PROTO,
                   "the proxy refused a tunnel to %s: HTTP %03d%s", u->host, status,
                   status == 407 ? " (it wants credentials: http_proxy=http://user:pass@...)" : "");
        goto out;
    }
    nb_explainf(o->x, "the proxy answered %d: from here the connection is a tunnel to %s", status,
                u->host);
    rc = 0;
out:
    free(p);
    return rc;
}

/* Opens what the request goes over: TCP to the server or the proxy, a
 * CONNECT tunnel through the proxy for https, and TLS for https - each step
 * within the total deadline. Returns 0 with *s open, or -1 with e set. */
static int open_stream(const struct nb_url *u, const struct nb_http_get_opts *o,
                       struct nb_stream *s, struct nb_err *e)
{
    const struct nb_url *via = o->proxy ? o->proxy : u;
    struct nb_sockaddr addrs[NB_RESOLVE_MAX];
    char host[NB_URL_HOST_MAX + 1];
    size_t count;
    int fd;

    snprintf(host, sizeof host, "%s", via->host);
    if (nb_sock_resolve_within(host, via->port, o->family, SOCK_STREAM, bounded(-1, o->total),
                               addrs, NB_RESOLVE_MAX, &count, o->x, e) < 0)
        return over_max_time(o, "looking up the name", e);
    fd = nb_sock_connect_within(addrs, count, o->connect_ms, o->total, o->x, e);
    if (fd < 0)
        return over_max_time(o, "connecting", e);
    nb_sock_stream(s, fd, o->x);
    if (strcmp(u->scheme, "https"))
        return 0;
    if (o->proxy && tunnel(s, u, o, e) < 0) {
        nb_stream_close(s);
        return over_max_time(o, "asking the proxy for a tunnel", e);
    }
    {
        struct nb_tls_opts t = o->tls ? *o->tls : (struct nb_tls_opts){0};
        struct nb_deadline d;
        t.host = u->host;
        t.alpn = "http/1.1";
        t.x = o->x;
        nb_deadline_init(&d, bounded(o->idle_ms, o->total));
        if (nb_tls_stream(s, fd, &t, &d, o->tls_info, e) < 0) {
            nb_stream_close(s);
            return over_max_time(o, "in the TLS handshake", e);
        }
    }
    return 0;
}

int nb_http_get(const struct nb_url *u, const struct nb_http_get_opts *o,
                const struct nb_http_cb *cb, struct nb_http_parser *p, struct nb_err *e)
{
    struct tap t = {cb, o->x, 0};
    struct nb_http_cb wrapped = {&t, tap_status, tap_header, tap_done, tap_body, tap_chunk};
    const struct nb_url *proxy = !strcmp(u->scheme, "https") ? NULL : o->proxy;
    const char *extra[64];
    char req[16384];
    struct nb_stream s;
    size_t rlen, nextra = 0;
    int rc = -1;

    /* through a tunnel the server sees the request, the proxy only CONNECT:
     * the proxy's credentials stay out of the tunnel */
    for (size_t i = 0; i < o->nheaders && nextra < sizeof extra / sizeof extra[0]; i++)
        if (proxy || !o->proxy || strncasecmp(o->headers[i], "Proxy-Authorization:", 20))
            extra[nextra++] = o->headers[i];
    nb_http_init(p, o->head);
    if (nb_http_request(u, o->head, proxy, extra, nextra, req, sizeof req, &rlen, e) < 0)
        return -1;
    if (open_stream(u, o, &s, e) < 0)
        return -1;
    explain_request(o->x, req, rlen);
    if (nb_stream_write_all(&s, req, rlen, bounded(o->idle_ms, o->total), e) == 0)
        rc = read_reply(&s, o, &wrapped, p, e);
    else
        over_max_time(o, "sending the request", e);
    nb_stream_close(&s);
    return rc;
}
