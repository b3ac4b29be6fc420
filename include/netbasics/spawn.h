/* spawn.h - running a child program (the tour runs netbasics itself, step by
 * step) or a function in a child process, with its stdin and stdout chosen,
 * reading what it prints through a pipe, and stopping it with a bounded wait. */
#ifndef NETBASICS_SPAWN_H
#define NETBASICS_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netbasics/err.h>

/* In nb_spawn's fds: the child's descriptor reads and writes /dev/null. */
#define NB_SPAWN_DEVNULL (-2)

/* Starts path with argv (NULL-terminated); fds[0..2], when not -1, replace
 * the child's stdin, stdout and stderr (NB_SPAWN_DEVNULL: /dev/null).
 * Returns 0 and sets *pid, or -1 with e set to NB_E_SYS. */
int nb_spawn(const char *path, char *const argv[], const int fds[3], pid_t *pid, struct nb_err *e);

/* Starts path with argv like nb_spawn, stdin from in_fd (-1: inherited,
 * NB_SPAWN_DEVNULL: /dev/null), and its stdout (outs bit 1) and/or stderr
 * (outs bit 2) into one new pipe whose read end (close-on-exec, owned by the
 * caller) is *out_fd. Returns 0, or -1 with e set to NB_E_SYS. */
int nb_spawn_piped(const char *path, char *const argv[], int in_fd, unsigned outs, pid_t *pid,
                   int *out_fd, struct nb_err *e);

/* Runs fn(arg) in a child process that exits with what fn returns; the child
 * shares nothing with the caller afterwards. Returns 0 and sets *pid, or -1
 * with e set to NB_E_SYS. */
int nb_spawn_fn(int (*fn)(void *arg), void *arg, pid_t *pid, struct nb_err *e);

/* Waits up to timeout_ms (-1: no limit) for pid; on timeout sends SIGTERM,
 * then SIGKILL after a second, and reports NB_E_TIMEOUT. Returns the child's
 * exit status (128+N for a signal N), or -1 with e set. */
int nb_wait(pid_t pid, int64_t timeout_ms, struct nb_err *e);

/* Asks pid to stop (SIGTERM) and waits for it as nb_wait does, up to
 * timeout_ms. Returns its exit status, or -1 with e set. */
int nb_spawn_stop(pid_t pid, int64_t timeout_ms, struct nb_err *e);

/* A new pipe already holding text (at most 4096 bytes, so writing it never
 * blocks), its write end closed: returns the read end (close-on-exec, owned
 * by the caller), or -1 with e set (NB_E_INVALID when text is too long). */
int nb_pipe_text(const char *text, struct nb_err *e);

/* Reads up to n bytes that a child wrote to the pipe fd, waiting at most
 * timeout_ms (-1: no limit). Returns the count, 0 at the end (every writer
 * closed it), or -1 with e set (NB_E_TIMEOUT, NB_E_SYS). A timeout of 0
 * takes only what is already there. */
ssize_t nb_pipe_read(int fd, void *buf, size_t n, int64_t timeout_ms, struct nb_err *e);

/* The path of the running program (/proc/self/exe), for running itself. */
const char *nb_self_path(void);

#endif
