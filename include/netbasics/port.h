/* port.h - what a port number means to a learner: IANA's classes (RFC 6335). */
#ifndef NETBASICS_PORT_H
#define NETBASICS_PORT_H

/* IANA's classes of port numbers, for a learner. */
struct nb_port_kind {
    const char *kind;  /* "well-known", "registered", "ephemeral" */
    const char *about; /* one clause */
};
/* The class of port (0 to 65535), as static text. */
const struct nb_port_kind *nb_port_kind_of(unsigned port);

#endif
