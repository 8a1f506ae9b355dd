/* standin_flight.c -- sharing identical in-flight OpenFGA checks (standin_flight.h). A caller
 * leads the checks nobody is asking yet (asks them, publishes the answers, unlinks them) and
 * joins the others (waits for their answers). Leading never waits, so two callers leading and
 * joining each other's checks cannot deadlock. A flight is freed by the last of its leader and
 * joiners to let go of it. */
#include "standin_flight.h"
#include "standin_fga.h"

#include <stdio.h>
#include <string.h>

struct standin_flight {
    struct standin_flight *next;
    struct standin_tuple key;
    size_t hash;
    long generation;
    const void *leader; /* the call leading it (its slot array), for the joined count */
    int refs;           /* the leader and every joiner still reading it */
    bool done, failed, allowed;
    char reason[256];   /* why a failed flight failed */
};

void standin_flights_init(struct standin_flights *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->answered, NULL);
}

void standin_flights_destroy(struct standin_flights *f)
{
    pthread_cond_destroy(&f->answered);
    pthread_mutex_destroy(&f->mu);
}

void standin_flights_wrote(struct standin_flights *f)
{
    pthread_mutex_lock(&f->mu);
    f->generation++;
    pthread_mutex_unlock(&f->mu);
}

static bool same_key(const struct standin_flight *fl, size_t h, const struct standin_tuple *t)
{
    return fl->hash == h && strcmp(fl->key.object, t->object) == 0 &&
           strcmp(fl->key.relation, t->relation) == 0 && strcmp(fl->key.user, t->user) == 0;
}

/* Drops one reference; frees the flight when it was the last. Called with f->mu held. */
static void release(struct standin_flight *fl)
{
    if (--fl->refs == 0)
        lw_free(fl);
}

int standin_flight_check(struct standin_flights *f, const struct standin_fga *fga,
                         const struct standin_tuple *checks, int n, bool *allowed,
                         struct lw_err *err)
{
    struct standin_flight **slot = NULL;    /* slot[i]: the flight that answers check i */
    struct standin_tuple *mine = NULL;      /* the checks this call leads */
    int *mine_of = NULL, nmine = 0, rc = 0;
    bool *mine_allowed = NULL;

    if (n <= 0)
        return 0;
    if (!f)
        return standin_fga_check(fga, checks, n, allowed, err);
    slot = lw_calloc((size_t)n, sizeof *slot);
    mine = lw_calloc((size_t)n, sizeof *mine);
    mine_of = lw_calloc((size_t)n, sizeof *mine_of);
    mine_allowed = lw_calloc((size_t)n, sizeof *mine_allowed);
    if (!slot || !mine || !mine_of || !mine_allowed) {
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }

    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < n; i++) {
        size_t h = standin_tuple_hash(&checks[i]);
        struct standin_flight *fl = f->head;
        while (fl && !(fl->generation == f->generation && same_key(fl, h, &checks[i])))
            fl = fl->next;
        if (fl) {
            fl->refs++;
            if (fl->leader != slot)
                atomic_fetch_add(&f->joined, 1);
        } else if ((fl = lw_calloc(1, sizeof *fl)) != NULL) {
            fl->key = checks[i];
            fl->hash = h;
            fl->generation = f->generation;
            fl->leader = slot;
            fl->refs = 2;   /* held by the list until answered, and by this call */
            fl->next = f->head;
            f->head = fl;
            mine_of[nmine] = i;
            mine[nmine++] = checks[i];
        } else {
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
            break;
        }
        slot[i] = fl;
    }
    pthread_mutex_unlock(&f->mu);

    /* Lead: ask what nobody else is asking, even after a failure above, so that callers who
     * joined these flights get an answer. */
    int asked = nmine ? standin_fga_check(fga, mine, nmine, mine_allowed, err) : 0;

    pthread_mutex_lock(&f->mu);
    for (int k = 0; k < nmine; k++) {
        struct standin_flight *fl = slot[mine_of[k]], **p = &f->head;
        fl->done = true;
        fl->failed = asked != 0;
        fl->allowed = mine_allowed[k];
        if (asked)
            snprintf(fl->reason, sizeof fl->reason, "%s", err->msg);
        while (*p != fl)
            p = &(*p)->next;
        *p = fl->next;      /* answered: later callers ask again */
        release(fl);        /* the list's reference */
    }
    pthread_cond_broadcast(&f->answered);
    if (asked && rc == 0)
        rc = asked;
    /* Join: wait for the flights others lead. */
    for (int i = 0; i < n && slot[i]; i++) {
        struct standin_flight *fl = slot[i];
        while (!fl->done)
            pthread_cond_wait(&f->answered, &f->mu);
        if (fl->failed && rc == 0)
            rc = lw_err_set(err, LW_EIO, "%s", fl->reason);
        allowed[i] = fl->allowed;
        release(fl);
    }
    pthread_mutex_unlock(&f->mu);
out:
    lw_free(mine_allowed);
    lw_free(mine_of);
    lw_free(mine);
    lw_free(slot);
    return rc;
}
