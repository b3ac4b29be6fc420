/* spawn.c - fork/exec with chosen stdin and stdout, and a bounded wait. */
#include <netbasics/clock.h>
#include <netbasics/spawn.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int nb_spawn(const char *path, char *const argv[], const int fds[3], pid_t *pid, struct nb_err *e)
{
    pid_t p = fork();

    if (p < 0)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot start %s", argv[0]);
    if (p == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        for (int i = 0; i < 3; i++)
            if (fds[i] >= 0 && dup2(fds[i], i) < 0)
                _exit(127);
        execv(path, argv);
        _exit(127);
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

const char *nb_self_path(void)
{
    return "/proc/self/exe";
}
