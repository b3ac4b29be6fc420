/* runner.c - the A B A B runner of the netbasics benchmarks (tests/bench).
 *
 *   runner -o OUT.tsv [-n ROUNDS] [-w WARMUP] [-t RUN_S] [-T TOTAL_S] [-l LOG]
 *          LABEL=CMD [LABEL=CMD ...]
 *
 * Each round runs every command once, in an order rotated by one each round
 * (A B C, then B C A, then C A B, ...), so a drift in the speed of a shared
 * machine hits every command alike.  A command runs as `/bin/sh -c CMD` in a
 * process group of its own, stdin from /dev/null and stdout/stderr to LOG
 * (default /dev/null) unless CMD redirects them; start CMD with `exec ` so the
 * timed process is the tool itself and not a shell waiting for it.
 *
 * Per run it measures the wall time from just before fork() until the child
 * has ended (waitid WNOWAIT, then wait4 reaps it; CLOCK_MONOTONIC) and the
 * peak RSS (ru_maxrss of the child, from wait4).  A run that outlives RUN_S
 * seconds has its process group killed (by the child's PID) and is recorded as
 * "timeout"; when a command ends, whatever it left in its group is killed.
 * WARMUP rounds run first and are not recorded.  No round starts after
 * TOTAL_S seconds, and the run stops early if more than 2 runs per command
 * have timed out.
 *
 * Output: a TSV with a header line, then one row per run:
 *   round  label  seconds  maxrss_kb  status
 * where status is the exit status (0, 1, ...), "sig:N" or "timeout".
 * SIGTERM, SIGHUP or SIGINT stop it: the running command's group is killed,
 * the unfinished round is not recorded, and the runner exits 128+signal.
 *
 * Built by the bench scripts: cc -O2 -o runner runner.c  (not part of CMake).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS   64
#define MAX_ROUNDS 100000

static volatile sig_atomic_t alarmed, stopping;

static void on_alarm(int sig)
{
    (void)sig;
    alarmed = 1;
}

static void on_stop(int sig)
{
    stopping = sig;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("runner: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_timer(double s)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)s;
    it.it_value.tv_usec = (suseconds_t)((s - (double)(time_t)s) * 1e6);
    if (s > 0 && it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}

static void to_fd(int fd, const char *path, int flags)
{
    int f = open(path, flags, 0644);
    if (f < 0) {
        fprintf(stderr, "runner: %s: %s\n", path, strerror(errno));
        _exit(126);
    }
    if (f != fd) {
        dup2(f, fd);
        close(f);
    }
}

/* Fork /bin/sh -c cmd in a new process group. */
static pid_t spawn(const char *cmd, const char *logpath)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGALRM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        to_fd(0, "/dev/null", O_RDONLY);
        to_fd(1, logpath, O_WRONLY | O_CREAT | O_APPEND);
        to_fd(2, logpath, O_WRONLY | O_CREAT | O_APPEND);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid); /* also here, so a kill right after fork finds the group */
    return pid;
}

/* Wait at most timeout_s for pid to end.  On timeout, kill its process group
 * (the group id is the child's PID; the child is not reaped yet, so the id
 * cannot have been reused) and record "timeout".  The end is observed with
 * waitid(WNOWAIT), which leaves the child a zombie; *end is the time of that.
 * Then anything the command left behind in its own group is killed, and the
 * child is reaped with wait4() for its rusage.  Writes the status into buf. */
static void reap(pid_t pid, double timeout_s, double *end, struct rusage *ru, char *buf, size_t bl)
{
    int st = 0, timed_out = 0, gone = 0;
    siginfo_t si;
    pid_t r;

    memset(ru, 0, sizeof *ru);
    alarmed = 0;
    set_timer(timeout_s);
    for (;;) {
        if (stopping && !timed_out) { /* we were told to stop: end this run now */
            timed_out = 1;
            kill(-pid, SIGKILL);
            set_timer(10);
        }
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == 0) {
            gone = 1;
            break;
        }
        if (errno != EINTR)
            break;
        if (alarmed && !timed_out) {
            timed_out = 1;
            kill(-pid, SIGKILL);
            alarmed = 0;
            set_timer(10); /* SIGKILL cannot be caught; this is only a safety net */
        } else if (alarmed) {
            break;
        }
    }
    *end = now_s();
    set_timer(0);
    if (gone)
        kill(-pid, SIGKILL); /* leftovers in the command's own group, if any */
    while ((r = wait4(pid, &st, 0, ru)) < 0 && errno == EINTR)
        ;
    if (timed_out)
        snprintf(buf, bl, stopping ? "stopped" : "timeout");
    else if (r < 0)
        snprintf(buf, bl, "wait:%s", strerror(errno));
    else if (WIFEXITED(st))
        snprintf(buf, bl, "%d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, bl, "sig:%d", WTERMSIG(st));
    else
        snprintf(buf, bl, "other:%d", st);
}

static double num_arg(const char *opt, const char *v, double lo, double hi)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || x < lo || x > hi)
        die("option %s: '%s' is not a number from %g to %g", opt, v, lo, hi);
    return x;
}

static void usage(void)
{
    die("usage: runner -o OUT.tsv [-n ROUNDS] [-w WARMUP] [-t RUN_S] [-T TOTAL_S] [-l LOG] "
        "LABEL=CMD...");
}

int main(int argc, char **argv)
{
    const char *out = NULL, *logp = "/dev/null";
    int rounds = 5, warm = 1;
    double run_s = 60, total_s = 600;
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i += 2) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (argv[i][2] || i + 1 >= argc)
            usage();
        const char *v = argv[i + 1];
        switch (argv[i][1]) {
        case 'o':
            out = v;
            break;
        case 'l':
            logp = v;
            break;
        case 'n':
            rounds = (int)num_arg("-n", v, 1, MAX_ROUNDS);
            break;
        case 'w':
            warm = (int)num_arg("-w", v, 0, 100);
            break;
        case 't':
            run_s = num_arg("-t", v, 0.001, 86400);
            break;
        case 'T':
            total_s = num_arg("-T", v, 0.001, 86400);
            break;
        default:
            usage();
        }
    }
    int k = argc - i;
    if (!out || k < 1)
        usage();
    if (k > MAX_CMDS)
        die("at most %d commands", MAX_CMDS);
    char *label[MAX_CMDS], *cmd[MAX_CMDS];
    for (int j = 0; j < k; j++) {
        char *eq = strchr(argv[i + j], '=');
        if (!eq || eq == argv[i + j])
            die("'%s' is not LABEL=CMD", argv[i + j]);
        *eq = 0;
        label[j] = argv[i + j];
        cmd[j] = eq + 1;
    }

    FILE *f = fopen(out, "w");
    if (!f)
        die("cannot write %s: %s", out, strerror(errno));
    fprintf(f, "round\tlabel\tseconds\tmaxrss_kb\tstatus\n");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: the timer must interrupt waitid */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* SIGTERM, SIGHUP (and SIGINT unless it is ignored, as in a background
     * job): kill the running command's group, reap it, and stop. */
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    struct sigaction old;
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGINT, &sa, NULL);

    double t0 = now_s();
    int done = 0, timeouts = 0;
    for (int r = -warm; r < rounds && !stopping; r++) {
        if (now_s() - t0 > total_s) {
            fprintf(stderr, "runner: total time bound %.0f s reached after %d of %d rounds\n",
                    total_s, done, rounds);
            break;
        }
        for (int jj = 0; jj < k && !stopping; jj++) {
            int j = (jj + (r < 0 ? 0 : r)) % k; /* rotate the order every round */
            struct rusage ru;
            char st[64];
            double a = now_s(), b;
            pid_t pid = spawn(cmd[j], logp);
            reap(pid, run_s, &b, &ru, st, sizeof st);
            double wall = b - a;
            if (!strcmp(st, "timeout"))
                timeouts++;
            if (r >= 0 && !stopping)
                fprintf(f, "%d\t%s\t%.6f\t%ld\t%s\n", r, label[j], wall, ru.ru_maxrss, st);
        }
        if (r >= 0 && !stopping)
            done++;
        fflush(f);
        if (timeouts > 2 * k) {
            fprintf(stderr, "runner: %d runs timed out; stopping\n", timeouts);
            break;
        }
    }
    if (fclose(f) != 0)
        die("writing %s: %s", out, strerror(errno));
    if (stopping) {
        fprintf(stderr, "runner: stopped by signal %d after %d rounds\n", (int)stopping, done);
        return 128 + stopping;
    }
    return 0;
}
