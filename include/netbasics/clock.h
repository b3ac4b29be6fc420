/* clock.h - the monotonic clock, deadlines for waits, and the one way a
 * duration is shown to a person ("0.5 s", "10 s"). */
#ifndef NETBASICS_CLOCK_H
#define NETBASICS_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Longest text of nb_duration_format with its NUL. */
#define NB_DURATION_TEXT_MAX 32

/* A point in time on the monotonic clock by which a wait must end. */
struct nb_deadline {
    int64_t at_ns; /* CLOCK_MONOTONIC nanoseconds, or -1: no deadline */
};

/* Milliseconds on the monotonic clock (unaffected by changes to the wall
 * clock); only differences between two calls mean anything. */
int64_t nb_now_ms(void);

/* Sets *d to timeout_ms milliseconds from now; a negative timeout_ms means no
 * deadline, and 0 a deadline that has already passed. */
void nb_deadline_init(struct nb_deadline *d, int64_t timeout_ms);

/* The milliseconds left before *d, rounded up, as poll() takes them: -1 when
 * there is no deadline, 0 once it has passed, at most INT_MAX. */
int nb_deadline_left(const struct nb_deadline *d);

/* 1 when *d has passed, 0 when it has not or there is no deadline. */
int nb_deadline_passed(const struct nb_deadline *d);

/* Writes ms as seconds the way a person gives them on the command line, with
 * no trailing zeros: 500 -> "0.5 s", 10000 -> "10 s", 250 -> "0.25 s",
 * 1 -> "0.001 s" (a negative ms is shown with its sign). Into buf of size n
 * (NB_DURATION_TEXT_MAX is always enough); returns buf. */
char *nb_duration_format(int64_t ms, char *buf, size_t n);

#endif
