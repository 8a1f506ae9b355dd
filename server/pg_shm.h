/* pg_shm.h -- memory shared by the SQL process's backends (each connection is its own
 * process, forked after this is mapped): an anonymous MAP_SHARED region that starts with a
 * process-shared robust mutex. Holders only copy bytes under it, so when a backend dies
 * holding it the next locker takes it over (EOWNERDEAD) and the data is still whole. */
#ifndef PG_SHM_H
#define PG_SHM_H

#include <pthread.h>
#include <stddef.h>

/* Maps size bytes (zeroed) and initialises the mutex at the start; NULL on failure. */
void *pg_shm_map(size_t size);
void pg_shm_unmap(void *region, size_t size);
void pg_shm_lock(pthread_mutex_t *mu);
void pg_shm_unlock(pthread_mutex_t *mu);

#endif
