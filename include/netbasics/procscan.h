/* procscan.h - which process holds which socket, read from /proc/PID/fd
 * (the owners column of `ports`); the socket tables themselves are procnet.h. */
#ifndef NETBASICS_PROCSCAN_H
#define NETBASICS_PROCSCAN_H

#include <stddef.h>

#include <netbasics/err.h>

/* A process that holds a socket. */
struct nb_socket_owner {
    unsigned long inode;
    long pid;
    char comm[32]; /* the program's name, escaped for a terminal */
};

/* Scans proc (normally "/proc") for processes' open sockets: every fd that
 * links to "socket:[INODE]". Processes this user may not look into are
 * skipped. Fills *out (freed by the caller) and *n; returns 0, or -1 with e
 * set to NB_E_SYS when proc cannot be read at all. */
int nb_socket_owners(const char *proc, struct nb_socket_owner **out, size_t *n, struct nb_err *e);

#endif
