/* arena.h -- a per-request memory pool: allocate freely, free everything at once. */
#ifndef LX_ARENA_H
#define LX_ARENA_H
#include <stddef.h>

typedef struct arena arena;

/* A new, empty arena; free it with arena_free. */
arena *arena_new(void);
/* Free every block the arena handed out, and the arena. Accepts NULL. */
void arena_free(arena *a);

/* Memory aligned for any type, valid until arena_free; never NULL. */
void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
