/* SPDX-License-Identifier: MIT */
/*
 * A test-and-set spinlock for short critical sections in thread context
 * (device state shared by the vCPUs' threads). Nothing here disables host
 * interrupts: never take one from an interrupt handler.
 */
#ifndef V3_LIB_SPINLOCK_H
#define V3_LIB_SPINLOCK_H

#include <v3/types.h>

struct v3_spinlock {
	volatile u32 locked;
};

static inline void v3_spin_lock(struct v3_spinlock *l)
{
	while (__atomic_test_and_set(&l->locked, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void v3_spin_unlock(struct v3_spinlock *l)
{
	__atomic_clear(&l->locked, __ATOMIC_RELEASE);
}

#endif /* V3_LIB_SPINLOCK_H */
