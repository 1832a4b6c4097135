/*
 * test_exported_symbols.c - what a foreign-language caller relies on: every
 * operation the headers define inline is also an exported symbol of the
 * library, linkable by name; the WRT_*_SIZE / _ALIGN constants give enough
 * storage; the static library links into a shared object (WRT_PIC).
 *
 * This file deliberately does NOT include memory.h or sync.h (their inline
 * definitions): it finds every function with dlsym in the shared object
 * given as argv[1] (built from the whole static library) and calls it
 * through its own prototype, as Rust's FFI would. Test code only.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wrt/object_sizes.h"
#include "wrt/status.h"

/* The same tags and members as memory.h's types (compatible types). */
struct wrt_page_allocator;
struct wrt_futex;
struct wrt_region_info {
  uint8_t *base;
  size_t accessible;
  uint8_t *reserved_end;
  uint8_t *guard_start;
  uint8_t *guard_end;
};

typedef struct wrt_page_allocator *(*make_allocator_fn)(void *);
typedef struct wrt_futex *(*make_futex_fn)(void *);
typedef wrt_status (*allocate_fn)(struct wrt_page_allocator *, uint32_t, uint32_t, uint8_t **,
                                  size_t *);
typedef wrt_status (*grow_fn)(struct wrt_page_allocator *, uint32_t, uint32_t, uint8_t **,
                              size_t *);
typedef wrt_status (*protect_fn)(struct wrt_page_allocator *, size_t, size_t, int);
typedef wrt_status (*deallocate_fn)(struct wrt_page_allocator *, uint8_t *, size_t);
typedef wrt_status (*query_fn)(const struct wrt_page_allocator *, struct wrt_region_info *);
typedef bool (*where_fn)(const struct wrt_region_info *, const void *);
typedef uint32_t (*load_fn)(const struct wrt_futex *);
typedef void (*set_fn)(struct wrt_futex *, uint32_t);
typedef bool (*cas_fn)(struct wrt_futex *, uint32_t, uint32_t);
typedef wrt_status (*wait_fn)(struct wrt_futex *, uint32_t, uint64_t);
typedef wrt_status (*wake_fn)(struct wrt_futex *, uint32_t);
typedef wrt_status (*wake1_fn)(struct wrt_futex *);

static int failures;
static void *lib;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond);                          \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

/* dlsym's object pointer to a function pointer: POSIX guarantees it works;
 * memcpy keeps ISO C's -Wpedantic quiet. */
static void sym(const char *name, void *fnptr, size_t fnsize) {
  void *p = dlsym(lib, name);
  if (p == NULL) {
    fprintf(stderr, "not exported: %s\n", name);
    failures++;
  }
  memcpy(fnptr, &p, fnsize);
}
#define SYM(var, name) sym(name, &(var), sizeof(var))

static _Alignas(WRT_LINUX_ALLOCATOR_ALIGN) unsigned char alloc_storage[WRT_LINUX_ALLOCATOR_SIZE];
static _Alignas(WRT_LINUX_FUTEX_ALIGN) unsigned char futex_storage[WRT_LINUX_FUTEX_SIZE];

static void page_allocator(void) {
  make_allocator_fn make;
  allocate_fn allocate;
  grow_fn grow;
  protect_fn protect;
  deallocate_fn deallocate;
  query_fn query;
  where_fn contains, in_guard;
  SYM(make, "wrt_test_make_allocator");
  SYM(allocate, "wrt_page_allocator_allocate");
  SYM(grow, "wrt_page_allocator_grow");
  SYM(protect, "wrt_page_allocator_protect");
  SYM(deallocate, "wrt_page_allocator_deallocate");
  SYM(query, "wrt_page_allocator_query");
  SYM(contains, "wrt_region_info_contains");
  SYM(in_guard, "wrt_region_info_in_guard");
  if (failures != 0)
    return;
  struct wrt_page_allocator *a = make(alloc_storage);
  CHECK(a != NULL);
  uint8_t *base = NULL;
  size_t size = 0;
  /* the dispatchers' own argument checks run in the exported copies too */
  CHECK(allocate(NULL, 1, 2, &base, &size) == WRT_E_INVALID_ARG);
  CHECK(allocate(a, 1, 2, &base, &size) == WRT_OK);
  CHECK(size == 65536u);
  base[size - 1] = 7;
  CHECK(grow(a, 1, 1, &base, &size) == WRT_OK);
  CHECK(size == 2u * 65536u && base[65535] == 7 && base[size - 1] == 0);
  struct wrt_region_info info;
  CHECK(query(a, &info) == WRT_OK);
  CHECK(info.base == base && info.accessible == size);
  CHECK(contains(&info, base) && !in_guard(&info, base));
  CHECK(in_guard(&info, base + size) && in_guard(&info, base - 1));
  CHECK(protect(a, 0, 65536, 1 /* WRT_MEM_READ */) == WRT_OK);
  CHECK(deallocate(a, base, size) == WRT_OK);
  CHECK(query(a, &info) == WRT_E_STATE);
}

static void futex(void) {
  make_futex_fn make;
  load_fn load;
  set_fn set;
  cas_fn cas;
  wait_fn wait;
  wake_fn wake;
  wake1_fn wake_one, wake_all;
  SYM(make, "wrt_test_make_futex");
  SYM(load, "wrt_futex_load");
  SYM(set, "wrt_futex_set");
  SYM(cas, "wrt_futex_compare_exchange");
  SYM(wait, "wrt_futex_wait");
  SYM(wake, "wrt_futex_wake");
  SYM(wake_one, "wrt_futex_wake_one");
  SYM(wake_all, "wrt_futex_wake_all");
  if (failures != 0)
    return;
  struct wrt_futex *f = make(futex_storage);
  CHECK(f != NULL);
  set(f, 5u);
  CHECK(load(f) == 5u);
  CHECK(!cas(f, 4u, 9u) && load(f) == 5u);
  CHECK(cas(f, 5u, 9u) && load(f) == 9u);
  CHECK(wait(f, 1u, 1000u) == WRT_E_AGAIN);
  CHECK(wait(f, 9u, 1000u) == WRT_E_TIMEOUT || wait(f, 9u, 1000u) == WRT_OK);
  CHECK(wake(f, 0u) == WRT_E_INVALID_ARG);
  CHECK(wake(f, 3u) == WRT_OK && wake_one(f) == WRT_OK && wake_all(f) == WRT_OK);
  CHECK(wait(NULL, 0u, 0u) == WRT_E_INVALID_ARG);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s path/to/shared-object\n", argv[0]);
    return 2;
  }
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  page_allocator();
  futex();
  (void)dlclose(lib);
  if (failures == 0)
    printf("exported symbols: all found and working\n");
  return failures == 0 ? 0 : 1;
}
