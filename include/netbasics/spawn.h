/* spawn.h - running a child program (the tour runs netbasics itself, step by
 * step) with its stdin and stdout chosen, and waiting for it with a limit. */
#ifndef NETBASICS_SPAWN_H
#define NETBASICS_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#include <netbasics/err.h>

/* Starts path with argv (NULL-terminated); fds[0..2], when not -1, replace
 * the child's stdin, stdout and stderr. Returns 0 and sets *pid, or -1 with e
 * set to NB_E_SYS. */
int nb_spawn(const char *path, char *const argv[], const int fds[3], pid_t *pid,
             struct nb_err *e);

/* Waits up to timeout_ms (-1: no limit) for pid; on timeout sends SIGTERM,
 * then SIGKILL after a second, and reports NB_E_TIMEOUT. Returns the child's
 * exit status (128+N for a signal N), or -1 with e set. */
int nb_wait(pid_t pid, int64_t timeout_ms, struct nb_err *e);

/* The path of the running program (/proc/self/exe), for running itself. */
const char *nb_self_path(void);

#endif
