/* procscan.c - which process holds which socket: the fds under /proc/PID/fd. */
#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/procscan.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OWNERS_MAX 1000000 /* sockets remembered at most */

static void read_comm(const char *proc, long pid, char *comm, size_t n)
{
    char path[300], *text = NULL;
    size_t len = 0;
    struct nb_err e; /* a process gone meanwhile is only a '?' */

    snprintf(path, sizeof path, "%s/%ld/comm", proc, pid);
    if (nb_file_read(path, 256, &text, &len, &e) < 0) {
        snprintf(comm, n, "?");
        return;
    }
    while (len && (text[len - 1] == '\n'))
        len--;
    nb_escape(text, len, NB_ESC_C, comm, n); /* a process may name itself anything */
    free(text);
}

int nb_socket_owners(const char *proc, struct nb_socket_owner **out, size_t *n, struct nb_err *e)
{
    DIR *d = opendir(proc);
    struct dirent *de;
    struct nb_socket_owner *list = NULL;
    size_t cap = 0, count = 0;

    *out = NULL;
    *n = 0;
    if (!d)
        return nb_err_sys(e, NB_E_SYS, errno, "cannot read %s", proc);
    while ((de = readdir(d)) != NULL) {
        char fddir[300], comm[32] = "";
        long pid;
        uint64_t v;
        size_t nlen;
        DIR *fds;
        struct dirent *fe;

        /* a process's directory is its pid: digits only */
        nlen = strlen(de->d_name);
        if (nb_scan_uint(de->d_name, nlen, 10, 19, &v) != nlen || v == 0 || v > LONG_MAX)
            continue;
        pid = (long)v;
        snprintf(fddir, sizeof fddir, "%s/%ld/fd", proc, pid);
        fds = opendir(fddir);
        if (!fds)
            continue; /* gone, or not ours to look at */
        while ((fe = readdir(fds)) != NULL && count < OWNERS_MAX) {
            char link[600], target[64];
            ssize_t k;
            unsigned long inode;
            if (fe->d_name[0] == '.')
                continue;
            snprintf(link, sizeof link, "%s/%s", fddir, fe->d_name);
            k = readlink(link, target, sizeof target - 1);
            if (k <= 0)
                continue;
            target[k] = '\0';
            /* "socket:[INODE]" */
            if (strncmp(target, "socket:[", 8) ||
                (nlen = nb_scan_uint(target + 8, (size_t)k - 8, 10, 20, &v)) == 0 ||
                target[8 + nlen] != ']' || v > ULONG_MAX)
                continue;
            inode = (unsigned long)v;
            if (!comm[0])
                read_comm(proc, pid, comm, sizeof comm);
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                struct nb_socket_owner *p = realloc(list, ncap * sizeof *p);
                if (!p) {
                    closedir(fds);
                    closedir(d);
                    free(list);
                    return nb_err_sys(e, NB_E_SYS, ENOMEM, "out of memory");
                }
                list = p;
                cap = ncap;
            }
            list[count].inode = inode;
            list[count].pid = pid;
            snprintf(list[count].comm, sizeof list[count].comm, "%s", comm);
            count++;
        }
        closedir(fds);
    }
    closedir(d);
    *out = list;
    *n = count;
    return 0;
}
