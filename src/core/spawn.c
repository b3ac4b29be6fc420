/* spawn.c - child processes: fork/exec (or a function) with chosen stdin and
 * stdout, their output read through a pipe with a limit, and a bounded wait. */
#define _GNU_SOURCE /* pipe2 */
#include <netbasics/clock.h>
#include <netbasics/io.h>
#include <netbasics/stream.h>
#include <netbasics/spawn.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a new child: default signal handling, as a freshly started program has. */
static void child_signals(void)
{
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
}

/* In a new child: puts fds[i] (or /dev/null) on descriptor i. */
static int child_fds(const int fds[3])
{
    for (int i = 0; i < 3; i++) {
        int fd = fds[i];
        if (fd == NB_SPAWN_DEVNULL)
            fd = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
        if (fd >= 0 && fd != i && dup2(fd, i) < 0)
            return -1;
    }
    return 0;
}

int nb_spawn(const char *path, char *const argv[], const int fds[3], pid_t *pid, struct nb_err *e)
{
    pid_t p = fork();

    if (p < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot start %s", argv[0]);
    if (p == 0) {
        child_signals();
        if (child_fds(fds) < 0)
            _exit(127);
        execv(path, argv);
        _exit(127);
    }
    *pid = p;
    return 0;
}

int nb_spawn_piped(const char *path, char *const argv[], int in_fd, unsigned outs, pid_t *pid,
                   int *out_fd, struct nb_err *e)
{
    int p[2], fds[3] = {in_fd, -1, -1};

    if (pipe2(p, O_CLOEXEC) < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot make a pipe for %s", argv[0]);
    if (outs & 1)
        fds[1] = p[1];
    if (outs & 2)
        fds[2] = p[1];
    if (nb_spawn(path, argv, fds, pid, e) < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    close(p[1]);
    *out_fd = p[0];
    return 0;
}

int nb_spawn_fn(int (*fn)(void *arg), void *arg, pid_t *pid, struct nb_err *e)
{
    pid_t p;

    fflush(NULL); /* the child must not write the parent's buffered output again */
    p = fork();
    if (p < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot start a child process");
    if (p == 0) {
        child_signals();
        _exit(fn(arg));
    }
    *pid = p;
    return 0;
}

int nb_wait(pid_t pid, int64_t timeout_ms, struct nb_err *e)
{
    int64_t deadline = timeout_ms >= 0 ? nb_now_ms() + timeout_ms : -1;
    int status, killed = 0;

    for (;;) {
        pid_t r = waitpid(pid, &status, deadline < 0 ? 0 : WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot wait for process %ld", (long)pid);
        if (r == 0) {
            int64_t now = nb_now_ms();
            if (now >= deadline) {
                kill(pid, killed ? SIGKILL : SIGTERM);
                killed++;
                deadline = now + 1000;
            }
            usleep(10000); /* 10 ms: the children are short-lived */
        }
    }
    if (killed)
        return nb_err_set(e, NB_E_TIMEOUT, "process %ld did not finish in time and was stopped",
                          (long)pid);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

int nb_spawn_stop(pid_t pid, int64_t timeout_ms, struct nb_err *e)
{
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot stop process %ld", (long)pid);
    return nb_wait(pid, timeout_ms, e);
}

int nb_pipe_text(const char *text, struct nb_err *e)
{
    int p[2];
    size_t n = strlen(text);

    if (n > 4096)
        return nb_err_set(e, NB_E_INVALID, "%zu bytes do not fit a pipe at once", n);
    if (pipe2(p, O_CLOEXEC) < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot make a pipe");
    if (nb_write_all(p[1], text, n) < 0) { /* fits the pipe: never blocks */
        int saved = errno;
        close(p[0]);
        close(p[1]);
        return nb_err_sys(e, NB_E_SYS, saved, "cannot write to a pipe");
    }
    close(p[1]);
    return p[0];
}

ssize_t nb_pipe_read(int fd, void *buf, size_t n, int64_t timeout_ms, struct nb_err *e)
{
    struct nb_stream s;

    nb_io_stream(&s, fd, NULL); /* a view of fd: the caller still owns and closes it */
    return nb_stream_read(&s, buf, n, timeout_ms, e);
}

const char *nb_self_path(void)
{
    return "/proc/self/exe";
}
