/* test_spawn.c - child processes (spawn.c: pipes, bounded reads and waits)
 * and the tour's name server (dnsresponder.c) answering NXDOMAIN on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <netbasics/dns.h>
#include <netbasics/dnsclient.h>
#include <netbasics/dnsresponder.h>
#include <netbasics/sock.h>
#include <netbasics/spawn.h>

/* Reads everything from fd until its end (within 5 s) into buf. */
static size_t read_all(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    struct nb_err e;
    ssize_t n;

    while (have < cap - 1 && (n = nb_pipe_read(fd, buf + have, cap - 1 - have, 5000, &e)) > 0)
        have += (size_t)n;
    buf[have] = '\0';
    return have;
}

static void test_piped_cat_echoes_its_input(void **state)
{
    char *argv[] = {"cat", NULL}, buf[64];
    struct nb_err e;
    pid_t pid;
    int out = -1, in = nb_pipe_text("hello\nbye\n", &e);

    (void)state;
    assert_true(in >= 0);
    assert_int_equal(nb_spawn_piped("/bin/cat", argv, in, 1, &pid, &out, &e), 0);
    close(in);
    assert_int_equal(read_all(out, buf, sizeof buf), 10);
    assert_string_equal(buf, "hello\nbye\n");
    close(out);
    assert_int_equal(nb_wait(pid, 5000, &e), 0);
}

static void test_devnull_stdin_reads_nothing(void **state)
{
    char *argv[] = {"cat", NULL}, buf[64];
    struct nb_err e;
    pid_t pid;
    int out = -1;

    (void)state;
    assert_int_equal(nb_spawn_piped("/bin/cat", argv, NB_SPAWN_DEVNULL, 3, &pid, &out, &e), 0);
    assert_int_equal(read_all(out, buf, sizeof buf), 0);
    close(out);
    assert_int_equal(nb_wait(pid, 5000, &e), 0);
}

static void test_exit_status_and_missing_program(void **state)
{
    char *no[] = {"no-such-program", NULL};
    struct nb_err e;
    pid_t pid;
    int fds[3] = {NB_SPAWN_DEVNULL, NB_SPAWN_DEVNULL, NB_SPAWN_DEVNULL};

    (void)state;
    assert_int_equal(nb_spawn("/nonexistent/no-such-program", no, fds, &pid, &e), 0);
    assert_int_equal(nb_wait(pid, 5000, &e), 127); /* exec failed in the child */
}

static void test_pipe_read_and_wait_are_bounded(void **state)
{
    char *argv[] = {"sleep", "10", NULL}, buf[16];
    struct nb_err e;
    pid_t pid;
    int out = -1;
    int64_t start = nb_now_ms();

    (void)state;
    assert_int_equal(nb_spawn_piped("/bin/sleep", argv, NB_SPAWN_DEVNULL, 1, &pid, &out, &e), 0);
    assert_int_equal(nb_pipe_read(out, buf, sizeof buf, 100, &e), -1);
    assert_int_equal(e.code, NB_E_TIMEOUT);
    assert_int_equal(nb_wait(pid, 100, &e), -1); /* stopped with SIGTERM */
    assert_int_equal(e.code, NB_E_TIMEOUT);
    assert_true(nb_now_ms() - start < 3000);
    assert_int_equal(nb_pipe_read(out, buf, sizeof buf, 1000, &e), 0); /* its end */
    close(out);
}

static void test_stop_ends_a_child(void **state)
{
    char *argv[] = {"sleep", "10", NULL};
    struct nb_err e;
    pid_t pid;
    int fds[3] = {NB_SPAWN_DEVNULL, -1, -1};

    (void)state;
    assert_int_equal(nb_spawn("/bin/sleep", argv, fds, &pid, &e), 0);
    assert_int_equal(nb_spawn_stop(pid, 2000, &e), 128 + 15); /* SIGTERM */
}

static void test_pipe_text_refuses_what_does_not_fit(void **state)
{
    char big[5000];
    struct nb_err e;

    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(nb_pipe_text(big, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
}

static int exit_seven(void *arg)
{
    return *(int *)arg;
}

static void test_spawn_fn_runs_a_function(void **state)
{
    struct nb_err e;
    pid_t pid;
    int seven = 7;

    (void)state;
    assert_int_equal(nb_spawn_fn(exit_seven, &seven, &pid, &e), 0);
    assert_int_equal(nb_wait(pid, 5000, &e), 7);
}

/* Asks the responder for name and returns the reply's rcode (-1: no reply). */
static int ask(const struct nb_dns_responder *r, const char *name)
{
    struct nb_dns_client_opts o = {.timeout_ms = 2000, .attempts = 1};
    struct nb_dns_exchange_info info;
    struct nb_sockaddr sa;
    struct nb_addr lo;
    struct nb_dns_msg m;
    struct nb_err e;
    uint8_t q[512], reply[NB_DNS_REPLY_MAX];
    size_t qlen, rlen;
    int rcode;

    nb_ip4_parse("127.0.0.1", 9, &lo, NULL);
    if (nb_sockaddr_from_addr(&lo, r->port, &sa, &e) < 0 ||
        nb_dns_build_query(name, NB_DNS_A, 0x1234, 0, q, sizeof q, &qlen, &e) < 0 ||
        nb_dns_exchange(&sa, 1, q, qlen, &o, reply, sizeof reply, &rlen, &info, &e) < 0 ||
        nb_dns_parse(reply, rlen, &m, &e) < 0)
        return -1;
    rcode = (int)m.rcode;
    assert_int_equal(m.id, 0x1234);
    assert_string_equal(m.qname, name);
    nb_dns_msg_free(&m);
    return rcode;
}

/* Starts a responder on 127.0.0.1 for at most max_queries. */
static void start_responder(struct nb_dns_responder *r, unsigned max_queries)
{
    struct nb_addr lo;
    struct nb_err e;

    nb_ip4_parse("127.0.0.1", 9, &lo, NULL);
    assert_int_equal(nb_dns_responder_start(r, &lo, max_queries, 30000, &e), 0);
    assert_true(r->pid > 0 && r->port > 0);
}

static void test_responder_answers_nxdomain(void **state)
{
    struct nb_dns_responder r;
    struct nb_err e;

    (void)state;
    start_responder(&r, 10);
    assert_int_equal(ask(&r, "localhost."), NB_DNS_NXDOMAIN);
    assert_int_equal(ask(&r, "www.example.org."), NB_DNS_NXDOMAIN);
    assert_int_equal(nb_dns_responder_stop(&r, &e), 0);
    assert_int_equal(r.pid, 0);
    assert_int_equal(nb_dns_responder_stop(&r, &e), 0); /* stopping twice is harmless */
}

static void test_responder_goes_after_its_queries(void **state)
{
    struct nb_dns_responder r;
    struct nb_err e;

    (void)state;
    start_responder(&r, 1);
    assert_int_equal(ask(&r, "one.test."), NB_DNS_NXDOMAIN);
    assert_int_equal(nb_wait(r.pid, 5000, &e), 0); /* it left on its own */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_piped_cat_echoes_its_input),
        cmocka_unit_test(test_devnull_stdin_reads_nothing),
        cmocka_unit_test(test_exit_status_and_missing_program),
        cmocka_unit_test(test_pipe_read_and_wait_are_bounded),
        cmocka_unit_test(test_stop_ends_a_child),
        cmocka_unit_test(test_pipe_text_refuses_what_does_not_fit),
        cmocka_unit_test(test_spawn_fn_runs_a_function),
        cmocka_unit_test(test_responder_answers_nxdomain),
        cmocka_unit_test(test_responder_goes_after_its_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
