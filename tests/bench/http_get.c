/* http_get.c - the C reference of bench_fetch.sh: the least a program can do
 * to download a file over HTTP on loopback, so its time is the ceiling.
 *
 *   http_get IPV4 PORT PATH OUT BUFSIZE
 *
 * Connects to IPV4:PORT, sends "GET PATH HTTP/1.0" (the server closes after
 * the body, so no framing is needed), skips the response head, and writes the
 * rest to OUT ("-" for stdout) with read()/write() of BUFSIZE bytes. No name
 * lookup, no parsing beyond "HTTP/1.x 200" and the blank line, no checks on
 * the body. Exit 0 when the status was 200, 1 otherwise; a 60 s alarm bounds
 * a run. Built by bench_fetch.sh: cc -O2 -o http_get http_get.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "http_get: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            die("write");
        }
        p += k;
        n -= (size_t)k;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    char req[1024];
    char *buf;
    size_t bufsize;
    int s, out, state = 0, head = 1, n;
    ssize_t k;

    if (argc != 6) {
        fprintf(stderr, "usage: http_get IPV4 PORT PATH OUT BUFSIZE\n");
        return 2;
    }
    alarm(60);
    bufsize = strtoul(argv[5], NULL, 10);
    if (bufsize < 4096 || bufsize > (64u << 20))
        bufsize = 1u << 20;
    buf = malloc(bufsize);
    if (!buf)
        die("malloc");
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        errno = 0;
        die("not an IPv4 address");
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect");
    n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n", argv[3], argv[1],
                 argv[2]);
    if (n < 0 || (size_t)n >= sizeof req) {
        errno = 0;
        die("path too long");
    }
    write_all(s, req, (size_t)n);
    out = strcmp(argv[4], "-") ? open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
    if (out < 0)
        die(argv[4]);
    /* the head: check the status, then find the blank line (state counts the
     * bytes of "\r\n\r\n" seen so far, across reads) */
    k = read(s, buf, bufsize);
    if (k < 12 || memcmp(buf, "HTTP/1.", 7) || memcmp(buf + 8, " 200", 4)) {
        errno = 0;
        die("the status is not 200");
    }
    while (k > 0) {
        size_t i = 0;
        if (head) {
            static const char end[] = "\r\n\r\n";
            while (i < (size_t)k && state < 4) {
                if (buf[i] == end[state])
                    state++;
                else
                    state = buf[i] == '\r' ? 1 : 0;
                i++;
            }
            if (state == 4)
                head = 0;
        }
        if (!head && i < (size_t)k)
            write_all(out, buf + i, (size_t)k - i);
        do
            k = read(s, buf, bufsize);
        while (k < 0 && errno == EINTR);
    }
    if (k < 0)
        die("read");
    if (head) {
        errno = 0;
        die("no end of the head");
    }
    if (out != 1 && close(out) < 0)
        die("close");
    close(s);
    free(buf);
    return 0;
}
