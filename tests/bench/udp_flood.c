/* udp_flood.c - the fixed far ends of bench_udp.sh: a fast UDP sender and a
 * counting UDP receiver, on 127.0.0.1 only.
 *
 *   udp_flood send PORT COUNT SIZE   sends COUNT datagrams of SIZE bytes to
 *                                    127.0.0.1:PORT with sendmmsg (64 a call,
 *                                    blocking socket), then prints
 *                                    "sent COUNT SECONDS" on stdout.
 *   udp_flood recv PORTFILE IDLE_MS  binds 127.0.0.1:0 (4 MiB receive buffer
 *                                    asked), writes its port to PORTFILE, counts
 *                                    datagrams until IDLE_MS pass without one
 *                                    after the first, then prints "recv
 *                                    DATAGRAMS BYTES SECONDS" (first to last).
 *
 * Built by bench_udp.sh: cc -O2 -o udp_flood udp_flood.c (not part of CMake).
 * Exit 0 on success, 1 on a failed system call, 2 on a usage error. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: udp_flood send PORT COUNT SIZE | udp_flood recv PORTFILE IDLE_MS\n");
    return 2;
}

static int flood(int port, long count, size_t size)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    struct mmsghdr m[BATCH];
    struct iovec v;
    char *buf = calloc(1, size ? size : 1);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    long sent = 0;
    double t0;

    if (!buf || fd < 0)
        return perror("udp_flood send"), 1;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(buf, 'x', size);
    v.iov_base = buf;
    v.iov_len = size;
    memset(m, 0, sizeof m);
    for (int i = 0; i < BATCH; i++) {
        m[i].msg_hdr.msg_name = &to;
        m[i].msg_hdr.msg_namelen = sizeof to;
        m[i].msg_hdr.msg_iov = &v;
        m[i].msg_hdr.msg_iovlen = 1;
    }
    t0 = now_s();
    while (sent < count) {
        long want = count - sent < BATCH ? count - sent : BATCH;
        int k = sendmmsg(fd, m, (unsigned)want, 0);
        if (k < 0)
            return perror("sendmmsg"), 1;
        sent += k;
    }
    printf("sent %ld %.6f\n", sent, now_s() - t0);
    free(buf);
    close(fd);
    return 0;
}

static int count_in(const char *portfile, int idle_ms)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_DGRAM, 0), rcvbuf = 4 << 20;
    static char buf[65536];
    long n = 0, bytes = 0;
    double first = 0, last = 0;
    FILE *f;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
        return perror("udp_flood recv"), 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    f = fopen(portfile, "w");
    if (!f)
        return perror(portfile), 1;
    fprintf(f, "%d\n", ntohs(sa.sin_port));
    fclose(f);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t k;
        if (poll(&p, 1, n ? idle_ms : 60000) <= 0)
            break;
        k = recv(fd, buf, sizeof buf, 0);
        if (k < 0)
            return perror("recv"), 1;
        last = now_s();
        if (n++ == 0)
            first = last;
        bytes += k;
    }
    printf("recv %ld %ld %.6f\n", n, bytes, last - first);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "send"))
        return flood(atoi(argv[2]), atol(argv[3]), (size_t)atol(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "recv"))
        return count_in(argv[2], atoi(argv[3]));
    return usage();
}
