/* lines.c - a bounded line reader over a file descriptor, and the line filter. */
#include <netbasics/lines.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 65536

int nb_lines_open(struct nb_lines *r, int fd, struct nb_err *e)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->cap = READ_CHUNK + NB_LINE_MAX + 1;
    r->buf = malloc(r->cap);
    if (!r->buf)
        return nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate a line buffer");
    return 0;
}

/* Reads more input after what is buffered; returns bytes read, 0 at EOF, -1. */
static ssize_t fill(struct nb_lines *r)
{
    ssize_t n;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    do
        n = read(r->fd, r->buf + r->end, r->cap - r->end);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        r->end += (size_t)n;
    return n;
}

/* Drops input up to and including the next newline (the rest of a cut line). */
static int skip_rest(struct nb_lines *r, struct nb_err *e)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        ssize_t n;
        if (nl) {
            r->start = (size_t)(nl - r->buf) + 1;
            r->skip = 0;
            return 0;
        }
        r->start = r->end = 0;
        n = fill(r);
        if (n < 0)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot read input");
        if (n == 0) {
            r->eof = 1;
            r->skip = 0;
            return 0;
        }
    }
}

int nb_lines_next(struct nb_lines *r, int strip_cr, const char **line, size_t *len, int *toolong,
                  struct nb_err *e)
{
    char *nl;

    *toolong = 0;
    if (r->skip && skip_rest(r, e) < 0)
        return -1;
    for (;;) {
        size_t avail = r->end - r->start;
        nl = memchr(r->buf + r->start, '\n', avail);
        if (nl || r->eof)
            break;
        if (avail > NB_LINE_MAX) {
            /* return the first NB_LINE_MAX bytes; the next call skips the rest */
            *line = r->buf + r->start;
            *len = NB_LINE_MAX;
            *toolong = 1;
            r->start = r->end;
            r->skip = 1;
            r->lineno++;
            return 1;
        }
        ssize_t n = fill(r);
        if (n < 0)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot read input");
        if (n == 0)
            r->eof = 1;
    }
    if (!nl && r->start == r->end)
        return 0;
    *line = r->buf + r->start;
    if (nl) {
        *len = (size_t)(nl - *line);
        r->start = (size_t)(nl - r->buf) + 1;
    } else {
        *len = r->end - r->start;
        r->start = r->end;
    }
    if (*len > NB_LINE_MAX) {
        *len = NB_LINE_MAX;
        *toolong = 1;
    }
    if (strip_cr && !*toolong && *len > 0 && (*line)[*len - 1] == '\r')
        (*len)--;
    r->lineno++;
    return 1;
}

void nb_lines_close(struct nb_lines *r)
{
    free(r->buf);
    r->buf = NULL;
}

int nb_lines_filter(int fd_in, struct nb_wbuf *w, int (*keep)(const char *line, size_t len),
                    int *all, struct nb_err *e)
{
    enum { CAP = 1 << 18 };
    static char buf[CAP + 1];
    size_t have = 0;
    int skipping = 0, eof = 0;

    *all = 1;
    while (!eof) {
        ssize_t n;
        char *p, *end, *run;

        do
            n = read(fd_in, buf + have, CAP - have);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot read input");
        if (n == 0) {
            eof = 1;
            if (have > 0 && !skipping)
                buf[have++] = '\n'; /* the last line, given its newline */
        }
        have += (size_t)n;
        p = run = buf;
        end = buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len;
            if (!nl)
                break;
            len = (size_t)(nl - p);
            if (skipping) {
                /* the rest of a line too long to keep */
                skipping = 0;
                *all = 0;
            } else if (len <= NB_LINE_MAX &&
                       keep(p, len && p[len - 1] == '\r' ? len - 1 : len)) {
                p = nl + 1;
                continue; /* the run of kept lines grows */
            } else {
                *all = 0;
            }
            if (w)
                nb_wbuf_put(w, run, (size_t)(p - run));
            p = run = nl + 1;
        }
        if (w)
            nb_wbuf_put(w, run, (size_t)(p - run));
        have = (size_t)(end - p);
        if (have == CAP) {
            /* a line as long as the buffer: not a socket; drop it to its newline */
            skipping = 1;
            have = 0;
        } else {
            memmove(buf, p, have);
        }
    }
    return 0;
}
