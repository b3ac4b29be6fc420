/* procnet.h - the lesson's `netstat -an`, sans-IO: one line of Linux's
 * /proc/net/{tcp,tcp6,udp,udp6} parsed into addresses, ports, state and inode. */
#ifndef NETBASICS_PROCNET_H
#define NETBASICS_PROCNET_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/addr.h>
#include <netbasics/err.h>

struct nb_procnet_entry {
    int tcp; /* 1 TCP, 0 UDP */
    struct nb_addr local, remote;
    uint16_t lport, rport;
    unsigned state; /* the kernel's number: 0x0A is TCP LISTEN */
    unsigned long uid;
    unsigned long inode; /* links the socket to the process holding it */
};

/* Parses one data line (not the header) of a /proc/net table: family 4 or 6
 * says how wide the hex addresses are (the kernel writes each 32-bit word in
 * host byte order). Returns 0, or -1 with e set to NB_E_PROTO. */
int nb_procnet_parse(const char *line, size_t len, int family, int tcp,
                     struct nb_procnet_entry *out, struct nb_err *e);

/* The state's name as netstat prints it: "LISTEN", "ESTABLISHED", ...; for
 * UDP, "UNCONN" (7) or "ESTABLISHED" (1). Static text. */
const char *nb_procnet_state_name(int tcp, unsigned state);

/* Reads a state name back (case-insensitive, "listen", "established"...).
 * Returns 0 and sets *state, or -1 with e set to NB_E_INVALID. */
int nb_procnet_state_parse(const char *s, unsigned *state, struct nb_err *e);

#endif
