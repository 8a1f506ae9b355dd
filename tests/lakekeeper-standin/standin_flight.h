/* standin_flight.h -- identical OpenFGA checks that concurrent requests of the stand-in's own
 * endpoints (listings, gets, /actions) ask are sent once: a request whose check is already in
 * flight waits for that answer instead of asking OpenFGA again. Concurrent listings of one
 * warehouse all ask the same warehouse checks, which in Lakekeeper's model cost OpenFGA work
 * proportional to the whole warehouse. Answers stay OpenFGA's: nothing is kept once a check is
 * answered, and a check started before a tuple write of the stand-in is never joined after it.
 * batch-check requests do not go through here (each is asked as sent). */
#ifndef STANDIN_FLIGHT_H
#define STANDIN_FLIGHT_H

#include "standin.h"
#include "standin_fga.h"

#include <pthread.h>

struct standin_flight;

struct standin_flights {
    pthread_mutex_t mu;
    pthread_cond_t answered;
    struct standin_flight *head;    /* checks in flight, not yet answered */
    long generation;                /* bumped by every tuple write (standin_flights_wrote) */
    atomic_long joined;             /* checks answered by another request's flight */
};

void standin_flights_init(struct standin_flights *f);
/* Call when no request runs any more. */
void standin_flights_destroy(struct standin_flights *f);
/* Marks a tuple write: flights started before it are not joined any more. */
void standin_flights_wrote(struct standin_flights *f);
/* standin_fga_check, sharing identical checks with concurrent callers. A check joined from a
 * flight that failed fails this call too, with that flight's reason. */
int standin_flight_check(struct standin_flights *f, const struct standin_fga *fga,
                         const struct standin_tuple *checks, int n, bool *allowed,
                         struct lw_err *err);

#endif
