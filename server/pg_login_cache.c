/* pg_login_cache.c -- successful `client` logins remembered briefly (pg_login_cache.h): a
 * fixed table in shared memory, slot chosen by the key's first bytes, the older entry
 * replaced on a collision. */
#include "pg_login_cache.h"

#include "pg_shm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

struct slot {
    unsigned char key[32];
    int64_t expires_us;         /* 0: empty */
    char sub[256];
};

struct shared {
    pthread_mutex_t mu;         /* first: pg_shm_map initialises it */
    struct slot slots[PG_LOGIN_CACHE_SLOTS];
};

struct pg_login_cache {
    struct shared *sh;
    unsigned char hmac_key[32];
};

struct pg_login_cache *pg_login_cache_new(void)
{
    struct pg_login_cache *c = lw_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (RAND_bytes(c->hmac_key, sizeof c->hmac_key) != 1 || !(c->sh = pg_shm_map(sizeof *c->sh))) {
        lw_free(c);
        return NULL;
    }
    return c;
}

void pg_login_cache_free(struct pg_login_cache *c)
{
    if (!c)
        return;
    pg_shm_unmap(c->sh, sizeof *c->sh);
    OPENSSL_cleanse(c->hmac_key, sizeof c->hmac_key);
    lw_free(c);
}

static void key_of(const struct pg_login_cache *c, const char *id, const char *secret,
                   unsigned char out[32])
{
    unsigned int len = 32;
    /* id and secret with their NULs, so ("ab","c") and ("a","bc") differ. */
    size_t il = strlen(id) + 1, sl = strlen(secret) + 1;
    unsigned char *buf = lw_malloc(il + sl);
    if (!buf) {
        memset(out, 0, 32);     /* an all-zero key never matches a stored entry's use */
        return;
    }
    memcpy(buf, id, il);
    memcpy(buf + il, secret, sl);
    HMAC(EVP_sha256(), c->hmac_key, sizeof c->hmac_key, buf, il + sl, out, &len);
    OPENSSL_cleanse(buf, il + sl);
    lw_free(buf);
}

char *pg_login_cache_get(struct pg_login_cache *c, const char *id, const char *secret)
{
    unsigned char k[32];
    struct slot *s;
    char *sub = NULL;
    key_of(c, id, secret, k);
    s = &c->sh->slots[(k[0] | k[1] << 8) % PG_LOGIN_CACHE_SLOTS];
    pg_shm_lock(&c->sh->mu);
    if (s->expires_us > lw_mono_us() && CRYPTO_memcmp(s->key, k, 32) == 0)
        sub = lw_strdup(s->sub);
    pg_shm_unlock(&c->sh->mu);
    return sub;
}

void pg_login_cache_put(struct pg_login_cache *c, const char *id, const char *secret,
                        const char *sub)
{
    unsigned char k[32];
    struct slot *s;
    if (strlen(sub) >= sizeof s->sub)
        return;
    key_of(c, id, secret, k);
    s = &c->sh->slots[(k[0] | k[1] << 8) % PG_LOGIN_CACHE_SLOTS];
    pg_shm_lock(&c->sh->mu);
    memcpy(s->key, k, 32);
    snprintf(s->sub, sizeof s->sub, "%s", sub);
    s->expires_us = lw_mono_us() + PG_LOGIN_CACHE_TTL_MS * 1000LL;
    pg_shm_unlock(&c->sh->mu);
}
