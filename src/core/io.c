/* io.c - plain file descriptors: whole files, full writes, a buffered writer,
 * and the stream over a pipe or file. */
#include <netbasics/io.h>
#include <netbasics/sock.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int nb_io_std_open(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        /* open takes the lowest free number: fd, as 0..fd-1 are open by now */
        if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
            return -1;
    }
    return 0;
}

/* Grows *buf (capacity *cap + 1 for the NUL) to twice its size, up to max.
 * Returns 0, or -1 with e set. */
static int grow(char **buf, size_t *cap, size_t max, const char *path, struct nb_err *e)
{
    char *p;

    if (*cap >= max)
        return nb_err_set(e, NB_E_SYS, "%s is larger than %zu bytes", path, max);
    p = realloc(*buf, *cap * 2 + 1);
    if (!p)
        return nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot read %s", path);
    *buf = p;
    *cap *= 2;
    return 0;
}

int nb_file_read(const char *path, size_t max, char **out, size_t *len, struct nb_err *e)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    int fd, err;

    if (!buf)
        return nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot read %s", path);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        free(buf);
        return nb_err_sys(e, NB_E_SYS, err, "cannot open %s", path);
    }
    for (;;) {
        ssize_t k;
        if (n == cap && grow(&buf, &cap, max, path, e) < 0)
            goto fail;
        k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            nb_err_sys(e, NB_E_SYS, errno, "cannot read %s", path);
            goto fail;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;

fail:
    close(fd);
    free(buf);
    return -1;
}

int nb_write_all(int fd, const void *p, size_t n)
{
    const char *s = p;

    while (n > 0) {
        ssize_t k = nb_write_some(fd, s, n);
        if (k < 0)
            return -1;
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

ssize_t nb_read_some(int fd, void *p, size_t n)
{
    ssize_t k;

    if (n > SSIZE_MAX)
        n = SSIZE_MAX;
    do
        k = read(fd, p, n);
    while (k < 0 && errno == EINTR);
    return k;
}

ssize_t nb_write_some(int fd, const void *p, size_t n)
{
    ssize_t k;

    if (n > SSIZE_MAX)
        n = SSIZE_MAX;
    do
        k = write(fd, p, n);
    while (k < 0 && errno == EINTR);
    if (k == 0) { /* write(2) of n > 0 bytes never returns 0 on a working fd */
        errno = EIO;
        return -1;
    }
    return k;
}

int nb_io_reader_gone(int fd, int err)
{
    struct pollfd p = {fd, POLLOUT, 0};
    struct nb_deadline now;
    struct nb_err e;

    if (err == EPIPE)
        return 1;
    if (err != 0)
        return 0;
    /* a pipe with no reader polls POLLERR; a socket whose peer left, POLLHUP */
    nb_deadline_init(&now, 0);
    return nb_sock_poll(&p, 1, &now, NULL, &e) == 1 && (p.revents & (POLLERR | POLLHUP));
}

void nb_wbuf_init(struct nb_wbuf *w, int fd)
{
    w->fd = fd;
    w->err = 0;
    w->len = 0;
}

int nb_wbuf_flush(struct nb_wbuf *w)
{
    if (!w->err && w->len && nb_write_all(w->fd, w->buf, w->len) < 0)
        w->err = errno;
    w->len = 0;
    if (w->err) {
        errno = w->err;
        return -1;
    }
    return 0;
}

void nb_wbuf_put(struct nb_wbuf *w, const void *p, size_t n)
{
    if (w->err)
        return;
    if (w->len + n > sizeof w->buf) {
        nb_wbuf_flush(w);
        if (n > sizeof w->buf) {
            if (!w->err && nb_write_all(w->fd, p, n) < 0)
                w->err = errno;
            return;
        }
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

/* --- the stream over a pipe or file ------------------------------------ */

/* 1 when fd has events now (or an error the next call reports), 0 not yet,
 * -1 with e set: what makes read(2) and write(2) never block here. */
static int ready_now(int fd, short events, struct nb_err *e)
{
    struct pollfd p = {fd, events, 0};
    struct nb_deadline now;

    nb_deadline_init(&now, 0);
    return nb_sock_poll(&p, 1, &now, NULL, e);
}

static ssize_t fd_read(struct nb_stream *s, void *buf, size_t cap, struct nb_err *e)
{
    ssize_t n;
    int r = ready_now(s->fd, POLLIN, e);

    if (r <= 0)
        return r == 0 ? NB_STREAM_AGAIN : -1;
    n = nb_read_some(s->fd, buf, cap);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return NB_STREAM_AGAIN;
    return nb_err_sys(e, NB_E_SYS, errno, "read failed");
}

static ssize_t fd_write(struct nb_stream *s, const void *buf, size_t len, struct nb_err *e)
{
    struct stat st;
    ssize_t n;
    int r = ready_now(s->fd, POLLOUT, e);

    if (r <= 0)
        return r == 0 ? NB_STREAM_AGAIN : -1;
    /* a ready pipe takes PIPE_BUF bytes without blocking, not always more */
    if (len > PIPE_BUF && fstat(s->fd, &st) == 0 && S_ISFIFO(st.st_mode))
        len = PIPE_BUF;
    n = nb_write_some(s->fd, buf, len);
    if (n > 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return NB_STREAM_AGAIN;
    return nb_err_sys(e, NB_E_SYS, errno, "write failed");
}

static int fd_shutdown_write(struct nb_stream *s, struct nb_err *e)
{
    (void)s;
    return nb_err_set(e, NB_E_SYS, "a pipe or file has no half-close");
}

static void fd_close(struct nb_stream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static const struct nb_stream_ops FD_OPS = {fd_read, fd_write, fd_shutdown_write, fd_close, NULL};

void nb_io_stream(struct nb_stream *s, int fd, const struct nb_explain *x)
{
    *s = (struct nb_stream){.ops = &FD_OPS, .fd = fd, .x = x};
}
