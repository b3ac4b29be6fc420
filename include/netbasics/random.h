/* random.h - unpredictable numbers from the kernel, for DNS query ids and
 * temporary file names: not for keys. */
#ifndef NETBASICS_RANDOM_H
#define NETBASICS_RANDOM_H

#include <stdint.h>

/* A random 16-bit number from getrandom; when the kernel has none to give
 * without blocking (early boot), one derived from the monotonic clock. */
uint16_t nb_random_u16(void);

#endif
