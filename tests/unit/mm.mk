UNIT_TESTS += bitmap page_alloc heap
unit_bitmap_SRCS := tests/unit/test_bitmap.c palacios/src/lib/bitmap.c
unit_page_alloc_SRCS := tests/unit/test_page_alloc.c host-kitten/mm/page_alloc.c palacios/src/lib/bitmap.c
unit_heap_SRCS := tests/unit/test_heap.c host-kitten/mm/heap.c host-kitten/mm/page_alloc.c palacios/src/lib/bitmap.c
