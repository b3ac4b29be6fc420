/* io.h - plain file descriptors (stdin, stdout, pipes, files): whole-file
 * reads, full writes, a buffered writer, and a stream over a pipe or file. */
#ifndef NETBASICS_IO_H
#define NETBASICS_IO_H

#include <stddef.h>
#include <sys/types.h>

#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/stream.h>

/* Opens /dev/null on each of the standard descriptors 0, 1 and 2 that is
 * closed, so no socket or file opened later can take its number (a socket on
 * fd 0 would be read as stdin). Call first thing in main(). Returns 0, or -1
 * with errno set when /dev/null cannot be opened. */
int nb_io_std_open(void);

/* Reads a whole file of at most max bytes into a new NUL-terminated buffer
 * (*out, freed by the caller). Returns 0, or -1 with e set to NB_E_SYS. */
int nb_file_read(const char *path, size_t max, char **out, size_t *len, struct nb_err *e);

/* Writes all of p[0..n) to fd over partial writes and EINTR. 0, or -1/errno. */
int nb_write_all(int fd, const void *p, size_t n);

/* One read(2) of up to n bytes from fd, EINTR retried: the bytes read, 0 at
 * end of input, or -1 with errno set. */
ssize_t nb_read_some(int fd, void *p, size_t n);

/* One write(2) of up to n bytes to fd, EINTR retried. Returns the bytes
 * written (at least 1), or -1 with errno set (EPIPE: the reader is gone). */
ssize_t nb_write_some(int fd, const void *p, size_t n);

/* Whether a write to fd that failed with errno err (0 when stdio did not
 * keep it) failed because the reader is gone: EPIPE, or fd is a pipe or
 * socket whose other end is closed. The one rule for stdout: then the
 * command ends quietly with the status it had (docs/exit-codes.md). */
int nb_io_reader_gone(int fd, int err);

/* A buffered writer to a file descriptor: full writes over partial writes
 * and EINTR. Errors stick: after one, puts are ignored and flush fails. */
struct nb_wbuf {
    int fd;
    int err; /* errno of the first failed write, or 0 */
    size_t len;
    char buf[65536];
};
void nb_wbuf_init(struct nb_wbuf *w, int fd);
void nb_wbuf_put(struct nb_wbuf *w, const void *p, size_t n);
/* Writes out what is buffered. Returns 0, or -1 with errno set. */
int nb_wbuf_flush(struct nb_wbuf *w);

/* Makes *s a stream over fd, a pipe or a file (a socket has nb_sock_stream):
 * read(2) and write(2), each done only when poll says it will not block. A
 * write to a closed pipe is NB_E_SYS with sys_errno EPIPE; shutdown_write is
 * NB_E_SYS (a pipe has no half-close). The caller keeps owning fd until it
 * calls nb_stream_close. */
void nb_io_stream(struct nb_stream *s, int fd, const struct nb_explain *x);

#endif
