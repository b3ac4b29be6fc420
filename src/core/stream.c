/* stream.c - waiting, partial writes and deadlines over any stream's
 * non-blocking operations, written once for every transport. */
#include <netbasics/clock.h>
#include <netbasics/sock.h>
#include <netbasics/stream.h>

#include <limits.h>

ssize_t nb_stream_read_now(struct nb_stream *s, void *buf, size_t cap, struct nb_err *e)
{
    return s->ops->read(s, buf, cap, e);
}

ssize_t nb_stream_write_now(struct nb_stream *s, const void *buf, size_t len, struct nb_err *e)
{
    return s->ops->write(s, buf, len, e);
}

short nb_stream_events(const struct nb_stream *s, short usual)
{
    return s->want ? s->want : usual;
}

int nb_stream_pending(const struct nb_stream *s)
{
    return s->ops->pending && s->ops->pending(s);
}

/* Waits until s->fd has events (or those the transport asked for) or d
 * passes: 1 ready, 0 deadline, -1 e set. */
static int wait_ready(struct nb_stream *s, short events, const struct nb_deadline *d,
                      struct nb_err *e)
{
    struct pollfd p = {s->fd, nb_stream_events(s, events), 0};

    return nb_sock_poll(&p, 1, d, NULL, e);
}

ssize_t nb_stream_read(struct nb_stream *s, void *buf, size_t cap, int64_t timeout_ms,
                       struct nb_err *e)
{
    char took[NB_DURATION_TEXT_MAX];
    struct nb_deadline d;
    int waiting = 0;

    if (cap == 0) /* a read of 0 bytes would look like end of stream */
        return nb_err_set(e, NB_E_INVALID, "no room to read into");
    if (cap > SSIZE_MAX)
        cap = SSIZE_MAX;
    for (;;) {
        ssize_t n = s->ops->read(s, buf, cap, e);
        int r;
        if (n != NB_STREAM_AGAIN)
            return n;
        if (!waiting) /* the clock starts at the first wait, not at every call */
            nb_deadline_init(&d, timeout_ms);
        waiting = 1;
        r = wait_ready(s, POLLIN, &d, e);
        if (r < 0)
            return -1;
        if (r == 0)
            return nb_err_set(e, NB_E_TIMEOUT, "nothing received for %s",
                              nb_duration_format(timeout_ms, took, sizeof took));
    }
}

int nb_stream_write_all(struct nb_stream *s, const void *buf, size_t len, int64_t timeout_ms,
                        struct nb_err *e)
{
    const unsigned char *p = buf;
    char took[NB_DURATION_TEXT_MAX];
    struct nb_deadline d;
    int fresh = 1;

    while (len > 0) {
        ssize_t n = s->ops->write(s, p, len > SSIZE_MAX ? SSIZE_MAX : len, e);
        int r;
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            fresh = 1;
            continue;
        }
        if (n != NB_STREAM_AGAIN)
            return -1;
        if (fresh) /* the timeout counts from the last progress */
            nb_deadline_init(&d, timeout_ms);
        fresh = 0;
        r = wait_ready(s, POLLOUT, &d, e);
        if (r < 0)
            return -1;
        if (r == 0)
            return nb_err_set(e, NB_E_TIMEOUT, "the peer took no data for %s",
                              nb_duration_format(timeout_ms, took, sizeof took));
    }
    return 0;
}

int nb_stream_shutdown_write(struct nb_stream *s, struct nb_err *e)
{
    return s->ops->shutdown_write(s, e);
}

void nb_stream_close(struct nb_stream *s)
{
    if (s->fd >= 0)
        s->ops->close(s);
    s->fd = -1;
}
